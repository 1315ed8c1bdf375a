// A login survives a reload from every store: the user key and the authentication time written
// by `session.login` (and moved by `reauthenticated`) are read back by a second manager on the
// same store (a restarted or sibling process), over real HTTP with a cookie jar and one manual
// clock; the pre-login record is gone from the store.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import express from 'express';
import { requireFresh, session } from '../../src/adapters/express/index.js';
import { SessionManager } from '../../src/index.js';
import { listen, route, type Listening } from '../helpers/express-apps.js';
import { HttpClient } from '../helpers/http-client.js';
import { manualClock } from '../helpers/manual-clock.js';
import { TEST_SECRET } from '../helpers/session-client.js';
import { storeSetups, type OpenStore } from './keys-store-setups.js';

const FIVE_MINUTES = 5 * 60_000;

function serve(manager: SessionManager): Promise<Listening> {
  const app = express();
  app.use(session(manager));
  app.get('/visit', (req, res) => {
    req.session.expressViews = (req.session.expressViews ?? 0) + 1;
    res.json({ id: req.sessionID });
  });
  app.get(
    '/login/:user',
    route(async (req, res) => {
      await req.session.login(String(req.params.user), { keep: req.query.keep === '1' });
      res.redirect('/me');
    }),
  );
  app.get('/reauth', (req, res) => {
    req.session.reauthenticated();
    res.json({ ok: true });
  });
  app.get('/sudo', requireFresh(FIVE_MINUTES), (_req, res) => {
    res.json({ sudo: true });
  });
  app.get('/me', (req, res) => {
    res.json({ user: req.session.userKey ?? null, authenticatedAt: req.session.authenticatedAt ?? null, views: req.session.expressViews ?? 0 });
  });
  return listen(app);
}

for (const setup of storeSetups) {
  describe(`login survives a reload on ${setup.name}`, await setup.skip(), () => {
    const clock = manualClock();
    let opened: OpenStore;
    let first: Listening;
    let second: Listening;

    before(async () => {
      opened = await setup.open(clock.now);
      const options = { secret: TEST_SECRET, store: opened.store, clock: clock.now, warn: () => {} };
      first = await serve(new SessionManager(options));
      second = await serve(new SessionManager(options));
    });
    after(async () => {
      await first?.close();
      await second?.close();
      await opened?.close();
    });

    it('reads back userKey and authenticatedAt from another manager on the same store; the old record is gone', async () => {
      const client = new HttpClient(first.url);
      const { id: preLoginId } = JSON.parse((await client.request('/visit')).body) as { id: string };
      const loginAt = clock.now();
      await client.request('/login/alice-stores?keep=1');
      const cookie = client.jar.get('sid');
      assert.ok(cookie);
      assert.equal(await opened.store.get(new SessionManager({ secret: TEST_SECRET }).storeKey(preLoginId)), undefined, 'the pre-login record is deleted');
      clock.advance(60_000);
      const elsewhere = new HttpClient(second.url);
      elsewhere.jar.set('sid', cookie);
      const me = JSON.parse((await elsewhere.request('/me')).body) as { user: string; authenticatedAt: number; views: number };
      assert.deepEqual(me, { user: 'alice-stores', authenticatedAt: loginAt, views: 1 });
    });

    it('reauthenticated() is stored, and requireFresh follows it across managers', async () => {
      const client = new HttpClient(first.url);
      await client.request('/login/bob-stores');
      const elsewhere = new HttpClient(second.url);
      elsewhere.jar.set('sid', client.jar.get('sid')!);
      assert.equal((await elsewhere.request('/sudo')).status, 200);
      clock.advance(FIVE_MINUTES);
      assert.equal((await elsewhere.request('/sudo')).status, 401, 'stale after five minutes');
      await client.request('/reauth');
      const reauthAt = clock.now();
      assert.equal((await elsewhere.request('/sudo')).status, 200, 'fresh again on the other manager: the new time was stored');
      assert.equal((JSON.parse((await elsewhere.request('/me')).body) as { authenticatedAt: number }).authenticatedAt, reauthAt);
    });
  });
}
