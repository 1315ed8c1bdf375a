// Login (regenerate), logout (destroy) and typed session properties through real Express.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Request } from 'express';
import { session } from './index.js';
import { SessionManager } from '../../index.js';
import type { MemoryStore } from '../../stores/memory/memory-store.js';
import { expressVersions, listen, route, type Listening } from '../../../test/helpers/express-apps.js';
import { HttpClient } from '../../../test/helpers/http-client.js';
import { TEST_SECRET } from '../../../test/helpers/session-client.js';

// Compile-time checks of the typing of req.session (SessionData augmented in express-apps.ts).
export function typedSessionChecks(req: Request): void {
  const user: string | undefined = req.session.expressUser;
  const views: number | undefined = req.session.expressViews;
  // @ts-expect-error a number is not a string
  req.session.expressUser = 42;
  // @ts-expect-error properties not declared in SessionData do not exist
  void req.session.notDeclared;
  const id: string = req.session.id;
  const key: string | undefined = req.session.userKey;
  void [user, views, id, key];
}

for (const { name, express } of expressVersions) {
  describe(`tessera/express regenerate and destroy (${name})`, () => {
    const manager = new SessionManager({ secret: TEST_SECRET, warn: () => {} });
    const store = manager.store as MemoryStore;
    let server: Listening;

    before(async () => {
      const app = express();
      app.use(express.urlencoded({ extended: false }));
      app.use(session(manager));
      app.get('/visit', (req, res) => {
        req.session.expressViews = (req.session.expressViews ?? 0) + 1;
        res.json({ id: req.sessionID });
      });
      app.post(
        '/login',
        route(async (req, res) => {
          const keep = req.query.keep === '1';
          await req.session.regenerate({ keep });
          req.session.expressUser = String((req.body as { user?: string }).user);
          res.redirect('/me');
        }),
      );
      app.post(
        '/logout',
        route(async (req, res) => {
          await req.session.destroy();
          res.send('bye');
        }),
      );
      app.get('/me', (req, res) => {
        res.json({ user: req.session.expressUser ?? null, views: req.session.expressViews ?? 0, id: req.sessionID });
      });
      server = await listen(app);
    });
    after(() => server.close());

    const login = (client: HttpClient, user: string, query = '') =>
      client.request(`/login${query}`, { method: 'POST', body: new URLSearchParams({ user }) });
    const me = async (client: HttpClient) =>
      JSON.parse((await client.request('/me')).body) as { user: string | null; views: number; id: string };

    it('gives the session a new ID at login, deletes the old record and drops its data', async () => {
      const client = new HttpClient(server.url);
      const { id: oldId } = JSON.parse((await client.request('/visit')).body) as { id: string };
      const oldCookie = client.cookieHeader;
      const res = await login(client, 'alice');
      assert.equal(res.status, 302);
      assert.equal(res.headers.get('location'), '/me');
      assert.equal(res.setCookies.length, 1);
      assert.notEqual(client.cookieHeader, oldCookie);
      assert.equal(await store.get(manager.storeKey(oldId)), undefined, 'old record deleted');
      const after = await me(client);
      assert.equal(after.user, 'alice');
      assert.notEqual(after.id, oldId);
      assert.equal(after.views, 0, 'data dropped by default');
    });

    it('keeps the data with regenerate({ keep: true })', async () => {
      const client = new HttpClient(server.url);
      await client.request('/visit');
      await client.request('/visit');
      await login(client, 'bob', '?keep=1');
      assert.deepEqual((await me(client)).views, 2);
    });

    it('makes the pre-login cookie worthless (session fixation)', async () => {
      const victim = new HttpClient(server.url);
      await victim.request('/visit');
      const fixated = victim.cookieHeader ?? '';
      await login(victim, 'alice');
      const attacker = new HttpClient(server.url);
      const res = await attacker.request('/me', { headers: { cookie: fixated } });
      assert.equal((JSON.parse(res.body) as { user: string | null }).user, null);
    });

    it('deletes the session at logout and clears the cookie', async () => {
      const client = new HttpClient(server.url);
      await login(client, 'alice');
      const { id } = await me(client);
      const res = await client.request('/logout', { method: 'POST' });
      assert.equal(res.status, 200);
      assert.equal(res.body, 'bye');
      assert.equal(res.setCookies.length, 1);
      assert.match(res.setCookies[0] ?? '', /^sid=; Path=\/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; SameSite=Lax$/);
      assert.equal(client.jar.size, 0, 'the browser dropped the cookie');
      assert.equal(await store.get(manager.storeKey(id)), undefined);
      assert.equal((await me(client)).user, null);
    });

    it('sends nothing at logout for a visitor without a session', async () => {
      const res = await new HttpClient(server.url).request('/logout', { method: 'POST' });
      assert.equal(res.status, 200);
      assert.deepEqual(res.setCookies, []);
    });
  });
}
