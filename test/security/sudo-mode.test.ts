// Sudo mode over real HTTP with an injected clock: `isFresh(maxAge)` and `requireFresh(maxAge)`
// both ways (fresh just inside the window, stale at its end, never fresh without a login),
// `reauthenticated()` renewing it, requireFresh's status and handler options, and the checks of
// its arguments.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { requireFresh, session } from '../../src/adapters/express/index.js';
import { SessionManager } from '../../src/index.js';
import { expressVersions, listen, route, type Listening } from '../helpers/express-apps.js';
import { HttpClient } from '../helpers/http-client.js';
import { manualClock } from '../helpers/manual-clock.js';
import { TEST_SECRET } from '../helpers/session-client.js';

const WINDOW = 10 * 60_000;

for (const { name, express } of expressVersions) {
  describe(`sudo mode (${name})`, () => {
    const clock = manualClock();
    const manager = new SessionManager({ secret: TEST_SECRET, clock: clock.now, warn: () => {} });
    let server: Listening;

    before(async () => {
      const app = express();
      app.use(session(manager));
      app.get(
        '/login',
        route(async (req, res) => {
          await req.session.login('alice');
          res.json({ ok: true });
        }),
      );
      app.get('/visit', (req, res) => {
        req.session.expressViews = 1;
        res.json({ ok: true });
      });
      app.get('/fresh', (req, res) => {
        res.json({ fresh: req.session.isFresh(WINDOW), at: req.session.authenticatedAt ?? null });
      });
      app.get('/reauth', (req, res) => {
        res.json({ same: req.session.reauthenticated() === req.session });
      });
      app.post('/delete-account', requireFresh(WINDOW), (_req, res) => {
        res.send('deleted');
      });
      app.post('/change-email', requireFresh(WINDOW, { status: 403 }), (_req, res) => {
        res.send('changed');
      });
      app.post(
        '/change-password',
        requireFresh(WINDOW, { handler: (req, res) => res.redirect(303, `/confirm?next=${encodeURIComponent(req.originalUrl)}`) }),
        (_req, res) => {
          res.send('changed');
        },
      );
      server = await listen(app);
    });
    after(() => server.close());

    it('is fresh right after login and until just before maxAge, stale from maxAge on', async () => {
      const client = new HttpClient(server.url);
      await client.request('/login');
      const loginAt = clock.now();
      assert.deepEqual(JSON.parse((await client.request('/fresh')).body), { fresh: true, at: loginAt });
      assert.equal((await client.request('/delete-account', { method: 'POST' })).body, 'deleted');
      clock.advance(WINDOW - 1);
      assert.equal((JSON.parse((await client.request('/fresh')).body) as { fresh: boolean }).fresh, true);
      assert.equal((await client.request('/delete-account', { method: 'POST' })).status, 200);
      clock.advance(1);
      assert.equal((JSON.parse((await client.request('/fresh')).body) as { fresh: boolean }).fresh, false);
      const refused = await client.request('/delete-account', { method: 'POST' });
      assert.equal(refused.status, 401);
      assert.equal(refused.body, 'Reauthentication required');
    });

    it('is never fresh for a session that never logged in', async () => {
      const client = new HttpClient(server.url);
      await client.request('/visit');
      assert.deepEqual(JSON.parse((await client.request('/fresh')).body), { fresh: false, at: null });
      assert.equal((await client.request('/delete-account', { method: 'POST' })).status, 401);
      assert.equal((await new HttpClient(server.url).request('/delete-account', { method: 'POST' })).status, 401, 'nor without any cookie');
    });

    it('reauthenticated() renews the window, and the new time is stored', async () => {
      const client = new HttpClient(server.url);
      await client.request('/login');
      clock.advance(WINDOW);
      assert.equal((await client.request('/delete-account', { method: 'POST' })).status, 401);
      assert.deepEqual(JSON.parse((await client.request('/reauth')).body), { same: true });
      const reauthAt = clock.now();
      assert.deepEqual(JSON.parse((await client.request('/fresh')).body), { fresh: true, at: reauthAt });
      assert.equal((await client.request('/delete-account', { method: 'POST' })).status, 200);
    });

    it("answers requireFresh's status, or hands the request to its handler", async () => {
      const client = new HttpClient(server.url);
      await client.request('/login');
      clock.advance(WINDOW + 1);
      assert.equal((await client.request('/change-email', { method: 'POST' })).status, 403);
      const redirected = await client.request('/change-password', { method: 'POST' });
      assert.equal(redirected.status, 303);
      assert.equal(redirected.headers.get('location'), '/confirm?next=%2Fchange-password');
    });
  });
}

describe('sudo mode: argument checks', () => {
  it('requireFresh refuses a bad maxAge, status or handler with a TypeError', () => {
    assert.throws(() => requireFresh(-1), /requireFresh: maxAge must be a non-negative duration/);
    assert.throws(() => requireFresh('5 minutes' as unknown as number), /requireFresh: maxAge must be/);
    assert.equal(typeof requireFresh('5m'), 'function', 'a duration string is accepted');
    assert.throws(() => requireFresh(1000, { status: 200 }), /status must be an HTTP error status/);
    assert.throws(() => requireFresh(1000, { handler: 'x' as unknown as () => void }), /handler must be a function/);
  });

  it('isFresh refuses a bad maxAge with a TypeError', async () => {
    const manager = new SessionManager({ secret: TEST_SECRET, warn: () => {} });
    const { session: s } = await manager.loadSession({ cookieHeader: undefined, secure: false });
    assert.throws(() => s.isFresh(Number.NaN), TypeError);
    assert.equal(s.isFresh(1000), false);
  });

  it('isFresh takes a duration string as well as milliseconds', async () => {
    let now = 1_700_000_000_000;
    const manager = new SessionManager({ secret: TEST_SECRET, warn: () => {}, clock: () => now });
    const { session: s } = await manager.loadSession({ cookieHeader: undefined, secure: false });
    await s.login('u1');
    now += 4 * 60_000;
    assert.equal(s.isFresh('5m'), true);
    assert.equal(s.isFresh(5 * 60_000), true);
    now += 60_000;
    assert.equal(s.isFresh('5m'), false, 'exactly 5 minutes later it is stale');
    assert.equal(s.isFresh('1h'), true);
  });

  it('requireFresh without a session middleware fails the request instead of running the action', async () => {
    const { default: express } = await import('express');
    const app = express();
    let ran = false;
    app.post('/x', requireFresh(1000), () => {
      ran = true;
    });
    app.use((error: Error, _req: unknown, res: { status(n: number): { send(b: string): void } }, _next: unknown) => {
      res.status(500).send(error.message);
    });
    const server = await listen(app);
    try {
      const res = await new HttpClient(server.url).request('/x', { method: 'POST' });
      assert.equal(res.status, 500);
      assert.match(res.body, /mount the session middleware before requireFresh/);
      assert.equal(ran, false);
    } finally {
      await server.close();
    }
  });
});
