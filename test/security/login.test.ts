// `session.login(userId)` over real HTTP with a cookie jar, Express 5 and 4, native API: the ID
// rotates and the pre-login cookie is dead, the record (user key, authentication time) is
// stored when login resolves, before the redirect leaves, and the end of the request writes
// nothing more; `{ keep }`; and the app mistakes (a bad user ID, login twice, after destroy,
// after the response was sent, a login the app forgot to await).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Request, Response } from 'express';
import { session } from '../../src/adapters/express/index.js';
import { isTesseraError } from '../../src/core/errors.js';
import { SessionManager } from '../../src/index.js';
import { MemoryStore } from '../../src/stores/memory/memory-store.js';
import { expressVersions, listen, route, type Listening } from '../helpers/express-apps.js';
import { HttpClient } from '../helpers/http-client.js';
import { manualClock } from '../helpers/manual-clock.js';
import { TEST_SECRET } from '../helpers/session-client.js';

type Body = Record<string, unknown>;

function json(res: { body: string }): Body {
  return JSON.parse(res.body) as Body;
}

/** What a route's failed login looked like: its code, or its class for a TypeError. */
function failure(error: unknown): string {
  if (isTesseraError(error)) return error.code;
  return error instanceof TypeError ? `TypeError: ${error.message}` : String(error);
}

for (const { name, express } of expressVersions) {
  describe(`session.login over HTTP (${name})`, () => {
    const clock = manualClock();
    const store = new MemoryStore({ clock: clock.now, sweepInterval: 0 });
    const manager = new SessionManager({ secret: TEST_SECRET, store, clock: clock.now, warn: () => {} });
    let saves = 0;
    manager.on('saved', () => saves++);
    let server: Listening;
    /** Errors of logins that ran after the response (checked by the tests). */
    const late: string[] = [];

    before(async () => {
      const app = express();
      app.use(session(manager));
      app.get('/visit', (req, res) => {
        req.session.expressViews = (req.session.expressViews ?? 0) + 1;
        res.json({ id: req.sessionID });
      });
      app.get(
        '/login/:user',
        route(async (req: Request, res: Response) => {
          const before = req.sessionID;
          const keep = req.query.keep === '1';
          await req.session.login(String(req.params.user), { keep });
          // Stored when login resolves: the record is there, with its user key, before any response.
          const record = await store.get(manager.storeKey(req.session.id));
          const savesAtLogin = saves;
          if (req.query.write === '1') req.session.expressUser = 'written after login';
          res.redirect(302, `/me?before=${encodeURIComponent(before)}&stored=${record?.userKey ?? ''}&saves=${savesAtLogin}`);
        }),
      );
      app.get(
        '/login-number',
        route(async (req, res) => {
          await req.session.login(42);
          res.json({ userKey: req.session.userKey ?? null });
        }),
      );
      app.get(
        '/mistake/:kind',
        route(async (req, res) => {
          const kind = req.params.kind;
          try {
            if (kind === 'bad-id') await req.session.login((req.query.id === 'nan' ? Number.NaN : '') as unknown as string);
            if (kind === 'twice') {
              await req.session.login('first');
              await req.session.login('second');
            }
            if (kind === 'concurrent') await Promise.all([req.session.login('first'), req.session.login('second')]);
            if (kind === 'after-destroy') {
              await req.session.destroy();
              await req.session.login('u');
            }
          } catch (error) {
            res.json({ error: failure(error), userKey: req.session.userKey ?? null, id: req.sessionID });
            return;
          }
          res.json({ error: null, userKey: req.session.userKey ?? null });
        }),
      );
      app.get('/login-after-response', (req, res) => {
        const s = req.session;
        res.json({ ok: true });
        s.login('too-late').then(
          () => late.push('resolved'),
          (error: unknown) => late.push(failure(error)),
        );
      });
      app.get('/login-not-awaited', (req, res) => {
        void req.session.login('forgetful');
        res.json({ ok: true });
      });
      app.get('/me', (req, res) => {
        res.json({
          id: req.sessionID,
          user: req.session.userKey ?? null,
          authenticatedAt: req.session.authenticatedAt ?? null,
          views: req.session.expressViews ?? 0,
          written: req.session.expressUser ?? null,
          query: req.query,
        });
      });
      server = await listen(app);
    });
    after(async () => {
      await server.close();
      await store.close();
    });

    it('rotates the ID, deletes the old record, and the pre-login cookie is dead', async () => {
      const client = new HttpClient(server.url);
      const visit = json(await client.request('/visit'));
      const preLogin = client.jar.get('sid');
      assert.ok(preLogin);
      const res = await client.request('/login/alice');
      assert.equal(res.status, 302);
      assert.equal(res.setCookies.length, 1, 'one cookie: the new session');
      assert.notEqual(client.jar.get('sid'), preLogin);
      assert.equal(await store.get(manager.storeKey(visit.id as string)), undefined, 'the old record is gone');
      const me = json(await client.request('/me'));
      assert.notEqual(me.id, visit.id);
      assert.equal(me.user, 'alice');
      assert.equal(me.authenticatedAt, clock.now());
      assert.equal(me.views, 0, 'the data is not kept by default');
      // An attacker holding the pre-login cookie gets nothing.
      const attacker = new HttpClient(server.url);
      attacker.jar.set('sid', preLogin);
      const seen = json(await attacker.request('/me'));
      assert.equal(seen.user, null);
      assert.notEqual(seen.id, visit.id);
    });

    it('stores the record when login resolves (before the redirect), and the end of the request writes nothing more', async () => {
      const client = new HttpClient(server.url);
      const before = saves;
      const res = await client.request('/login/bob');
      const location = new URL(res.headers.get('location') ?? '', server.url);
      assert.equal(location.searchParams.get('stored'), 'bob', 'the record and its user key were in the store inside the route');
      assert.equal(Number(location.searchParams.get('saves')), before + 1, 'login wrote once');
      assert.equal(saves, before + 1, 'the end of the request wrote nothing more');
      assert.equal(json(await client.request(location.pathname + location.search)).user, 'bob', 'the redirect target finds the session');
    });

    it('writes again at the end only when the app changed the session after login', async () => {
      const client = new HttpClient(server.url);
      const before = saves;
      await client.request('/login/carol?write=1');
      assert.equal(saves, before + 2);
      assert.equal(json(await client.request('/me')).written, 'written after login');
    });

    it('keeps the data under the new ID with { keep: true }', async () => {
      const client = new HttpClient(server.url);
      await client.request('/visit');
      await client.request('/visit');
      const preLogin = client.jar.get('sid');
      await client.request('/login/dave?keep=1');
      assert.notEqual(client.jar.get('sid'), preLogin);
      const me = json(await client.request('/me'));
      assert.equal(me.views, 2);
      assert.equal(me.user, 'dave');
    });

    it('takes a finite number as the user ID (stored as its string)', async () => {
      assert.equal(json(await new HttpClient(server.url).request('/login-number')).userKey, '42');
    });

    it('refuses a user ID that is not a non-empty string or finite number (TypeError), changing nothing', async () => {
      for (const query of ['', '?id=nan']) {
        const client = new HttpClient(server.url);
        await client.request('/visit');
        const res = json(await client.request(`/mistake/bad-id${query}`));
        assert.match(String(res.error), /^TypeError: login\(userId\): userId must be a non-empty string or a finite number/);
        assert.equal(res.userKey, null);
        assert.equal(json(await client.request('/me')).views, 1, 'the session is untouched');
      }
    });

    it('refuses a second login in one request (ERR_LOGIN_TWICE), keeping the first', async () => {
      const client = new HttpClient(server.url);
      const res = json(await client.request('/mistake/twice'));
      assert.equal(res.error, 'ERR_LOGIN_TWICE');
      assert.equal(res.userKey, 'first');
      assert.equal(json(await client.request('/me')).user, 'first');
      const concurrent = json(await new HttpClient(server.url).request('/mistake/concurrent'));
      assert.equal(concurrent.error, 'ERR_LOGIN_TWICE');
    });

    it('refuses login after destroy (ERR_SESSION_DESTROYED): login already drops the old session', async () => {
      const client = new HttpClient(server.url);
      await client.request('/visit');
      const res = await client.request('/mistake/after-destroy');
      assert.equal(json(res).error, 'ERR_SESSION_DESTROYED');
      assert.equal(client.jar.has('sid'), false, 'the logout still went out');
    });

    it('refuses login after the response was sent (ERR_HEADERS_SENT), and the old session stays', async () => {
      const client = new HttpClient(server.url);
      await client.request('/visit');
      const cookie = client.jar.get('sid');
      const res = await client.request('/login-after-response');
      assert.equal(res.status, 200);
      for (let i = 0; i < 50 && late.length === 0; i++) await new Promise((r) => setImmediate(r));
      assert.deepEqual(late, ['ERR_HEADERS_SENT']);
      assert.equal(client.jar.get('sid'), cookie);
      const me = json(await client.request('/me'));
      assert.equal(me.views, 1, 'the session the client holds was not deleted');
      assert.equal(me.user, null);
    });

    it('waits for a login the app did not await before sending the response', async () => {
      const client = new HttpClient(server.url);
      const res = await client.request('/login-not-awaited');
      assert.equal(res.status, 200);
      assert.equal(res.setCookies.length, 1);
      assert.equal(json(await client.request('/me')).user, 'forgetful');
    });
  });
}

describe('session.login: callback form', () => {
  it('calls back once stored, and with the error for a bad user ID', async () => {
    const manager = new SessionManager({ secret: TEST_SECRET, warn: () => {} });
    const { session } = await manager.loadSession({ cookieHeader: undefined, secure: false });
    const first = await new Promise<unknown>((resolve) => session.login('u1', resolve));
    assert.equal(first, undefined);
    assert.equal((await manager.store.get(manager.storeKey(session.id)))?.userKey, 'u1');
    const { session: other } = await manager.loadSession({ cookieHeader: undefined, secure: false });
    const error = await new Promise<unknown>((resolve) => other.login({} as unknown as string, { keep: true }, resolve));
    assert.ok(error instanceof TypeError);
  });
});
