// The response headers of the session's security model, native API over real HTTP, Express 5
// and 4: logout (`destroy`) clears the cookie, sends `Clear-Site-Data: "cookies"` and
// `Cache-Control: no-store`; every response that sets or clears the session cookie is
// `no-store` unless the app chose its own Cache-Control; a cookie that leads to no live session
// (forged, stale, unknown) is deleted once and the client then sends none; a visitor without a
// cookie gets no clearing cookie; `__Host-` deleting cookies stay Secure with Path=/; the
// options turn each off; and all of it survives helmet and compression.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { after, before, describe, it } from 'node:test';
import type { RequestHandler } from 'express';
import { session } from '../../src/adapters/express/index.js';
import { SessionManager, type SessionManagerOptions } from '../../src/index.js';
import { signId } from '../../src/core/signature.js';
import { expressVersions, listen, route, type Listening } from '../helpers/express-apps.js';
import { cookieAttributes, HttpClient } from '../helpers/http-client.js';
import { TEST_SECRET } from '../helpers/session-client.js';

const require = createRequire(import.meta.url);
const compression = require('compression') as (options?: object) => RequestHandler;
const helmet = require('helmet') as () => RequestHandler;

const EPOCH = 'Expires=Thu, 01 Jan 1970 00:00:00 GMT';

async function serve(express: (typeof expressVersions)[number]['express'], options: Partial<SessionManagerOptions> = {}, wrap = false): Promise<Listening> {
  const app = express();
  app.set('trust proxy', true);
  if (wrap) app.use(helmet(), compression({ threshold: 0 }));
  app.use(session(new SessionManager({ secret: TEST_SECRET, warn: () => {}, ...options })));
  app.get(
    '/login',
    route(async (req, res) => {
      await req.session.login('alice');
      if (req.query.cache) res.set('Cache-Control', String(req.query.cache));
      res.json({ ok: true, padding: 'x'.repeat(2000) });
    }),
  );
  app.get('/write', (req, res) => {
    req.session.expressViews = 1;
    res.json({ ok: true });
  });
  app.get('/read', (req, res) => {
    res.json({ user: req.session.userKey ?? null });
  });
  app.post(
    '/logout',
    route(async (req, res) => {
      await req.session.destroy();
      if (req.query.cache) res.set('Cache-Control', String(req.query.cache));
      res.send('bye'.repeat(1000));
    }),
  );
  return listen(app);
}

for (const { name, express } of expressVersions) {
  describe(`logout and cookie headers (${name})`, () => {
    let server: Listening;
    before(async () => {
      server = await serve(express);
    });
    after(() => server.close());

    it('destroy: a deleting cookie, Clear-Site-Data: "cookies", Cache-Control: no-store; the session is gone', async () => {
      const client = new HttpClient(server.url);
      await client.request('/login');
      const cookie = client.jar.get('sid')!;
      const res = await client.request('/logout', { method: 'POST' });
      assert.equal(res.status, 200);
      assert.equal(res.setCookies.length, 1);
      assert.ok(res.setCookies[0]!.startsWith(`sid=; Path=/; ${EPOCH}`), res.setCookies[0]);
      assert.equal(res.headers.get('clear-site-data'), '"cookies"');
      assert.equal(res.headers.get('cache-control'), 'no-store');
      assert.equal(client.jar.has('sid'), false);
      const replay = new HttpClient(server.url);
      replay.jar.set('sid', cookie);
      assert.equal(JSON.parse((await replay.request('/read')).body).user, null, 'the old cookie loads nothing');
    });

    it('login and a first write: no-store with the new cookie; a read-only request: no Cache-Control', async () => {
      const client = new HttpClient(server.url);
      const login = await client.request('/login');
      assert.equal(login.headers.get('cache-control'), 'no-store');
      assert.equal(login.headers.get('clear-site-data'), null, 'Clear-Site-Data only at logout');
      assert.equal((await new HttpClient(server.url).request('/write')).headers.get('cache-control'), 'no-store');
      const read = await client.request('/read');
      assert.deepEqual(read.setCookies, []);
      assert.equal(read.headers.get('cache-control'), null);
    });

    it("keeps the app's own Cache-Control, on login and on logout", async () => {
      const client = new HttpClient(server.url);
      const login = await client.request('/login?cache=private,%20max-age=0');
      assert.equal(login.setCookies.length, 1);
      assert.equal(login.headers.get('cache-control'), 'private, max-age=0');
      const logout = await client.request('/logout?cache=no-cache', { method: 'POST' });
      assert.equal(logout.headers.get('cache-control'), 'no-cache');
      assert.equal(logout.headers.get('clear-site-data'), '"cookies"');
    });

    it('a visitor without a cookie: no clearing cookie and no Clear-Site-Data at logout', async () => {
      const res = await new HttpClient(server.url).request('/logout', { method: 'POST' });
      assert.deepEqual(res.setCookies, []);
      assert.equal(res.headers.get('clear-site-data'), null);
      assert.equal(res.headers.get('cache-control'), null);
    });

    for (const [label, value] of [
      ['a forged signature', encodeURIComponent(`s:${'A'.repeat(43)}.${'B'.repeat(43)}`)],
      ['a signed ID the server never issued', encodeURIComponent(signId('N'.repeat(43), TEST_SECRET))],
      ['an unsigned value', 'garbage'],
    ] as const) {
      it(`${label}: deleted once, then the client sends none`, async () => {
        const client = new HttpClient(server.url);
        client.jar.set('sid', value);
        const first = await client.request('/read');
        assert.equal(first.status, 200);
        assert.equal(first.setCookies.length, 1);
        assert.ok(first.setCookies[0]!.startsWith(`sid=; Path=/; ${EPOCH}`));
        assert.equal(first.headers.get('cache-control'), 'no-store');
        assert.equal(first.headers.get('clear-site-data'), null, 'a dead cookie is not a logout: other cookies stay');
        assert.equal(client.jar.has('sid'), false);
        const second = await client.request('/read');
        assert.deepEqual(second.setCookies, [], 'nothing more to delete');
      });
    }

    it('a stale cookie (its session destroyed elsewhere) is deleted', async () => {
      const client = new HttpClient(server.url);
      await client.request('/login');
      const copy = new HttpClient(server.url);
      copy.jar.set('sid', client.jar.get('sid')!);
      await client.request('/logout', { method: 'POST' });
      const res = await copy.request('/read');
      assert.equal(res.setCookies.length, 1);
      assert.ok(res.setCookies[0]!.startsWith('sid=; '));
      assert.equal(copy.jar.has('sid'), false);
    });

    it('a dead cookie on a request that starts a new session gets the new cookie only', async () => {
      const client = new HttpClient(server.url);
      client.jar.set('sid', 'garbage');
      const res = await client.request('/write');
      assert.equal(res.setCookies.length, 1);
      assert.match(res.setCookies[0]!, /^sid=s%3A/);
      assert.equal(JSON.parse((await client.request('/read')).body).user, null);
      assert.equal((await client.request('/read')).setCookies.length, 0, 'the new session is live');
    });
  });

  describe(`__Host- deleting cookies over HTTPS (${name})`, () => {
    let server: Listening;
    before(async () => {
      server = await serve(express);
    });
    after(() => server.close());
    const https = { 'x-forwarded-proto': 'https' };

    for (const [label, path, method] of [
      ['logout', '/logout', 'POST'],
      ['a forged cookie', '/read', 'GET'],
    ] as const) {
      it(`${label}: Secure, Path=/, no Domain, so the browser accepts the deletion`, async () => {
        const client = new HttpClient(server.url, https);
        if (label === 'logout') await client.request('/login');
        else client.jar.set('__Host-sid', 'forged');
        const res = await client.request(path, { method });
        assert.equal(res.setCookies.length, 1);
        const header = res.setCookies[0]!;
        assert.ok(header.startsWith('__Host-sid=; '), header);
        const attributes = cookieAttributes(header);
        assert.ok(attributes.has('secure'), header);
        assert.ok(attributes.has('path=/'), header);
        assert.ok(![...attributes].some((a) => a.startsWith('domain=')), header);
        assert.ok(attributes.has(EPOCH.toLowerCase()), header);
      });
    }
  });

  describe(`header options (${name})`, () => {
    it('noStore: false sends no Cache-Control; clearSiteData: false sends no Clear-Site-Data', async () => {
      const server = await serve(express, { noStore: false, clearSiteData: false });
      try {
        const client = new HttpClient(server.url);
        assert.equal((await client.request('/login')).headers.get('cache-control'), null);
        const logout = await client.request('/logout', { method: 'POST' });
        assert.equal(logout.setCookies.length, 1, 'the cookie is still cleared');
        assert.equal(logout.headers.get('cache-control'), null);
        assert.equal(logout.headers.get('clear-site-data'), null);
      } finally {
        await server.close();
      }
    });

    it('clearSiteData takes a list of types', async () => {
      const server = await serve(express, { clearSiteData: ['cache', 'cookies', 'storage'] });
      try {
        const client = new HttpClient(server.url);
        await client.request('/login');
        const logout = await client.request('/logout', { method: 'POST' });
        assert.equal(logout.headers.get('clear-site-data'), '"cache", "cookies", "storage"');
      } finally {
        await server.close();
      }
    });
  });

  describe(`behind helmet and compression (${name})`, () => {
    let server: Listening;
    before(async () => {
      server = await serve(express, {}, true);
    });
    after(() => server.close());

    it('login, a forged cookie and logout keep their headers in a gzip-encoded response', async () => {
      const client = new HttpClient(server.url);
      const login = await client.request('/login', { headers: { 'accept-encoding': 'gzip' } });
      assert.equal(login.headers.get('content-encoding'), 'gzip');
      assert.equal(login.headers.get('cache-control'), 'no-store');
      assert.equal(login.headers.get('x-content-type-options'), 'nosniff', "helmet's headers are there");
      assert.equal(JSON.parse(login.body).ok, true);
      assert.equal(JSON.parse((await client.request('/read')).body).user, 'alice');
      const logout = await client.request('/logout', { method: 'POST', headers: { 'accept-encoding': 'gzip' } });
      assert.equal(logout.headers.get('content-encoding'), 'gzip');
      assert.equal(logout.headers.get('clear-site-data'), '"cookies"');
      assert.equal(logout.headers.get('cache-control'), 'no-store');
      assert.equal(logout.body, 'bye'.repeat(1000));
      assert.equal(client.jar.has('sid'), false);
      const forged = new HttpClient(server.url);
      forged.jar.set('sid', 'forged');
      const res = await forged.request('/read', { headers: { 'accept-encoding': 'gzip' } });
      assert.equal(res.setCookies.length, 1);
      assert.equal(forged.jar.has('sid'), false);
    });
  });
}
