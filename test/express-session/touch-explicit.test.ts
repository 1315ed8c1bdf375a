// An explicit `req.session.touch()` always moves the stored expiry, also with Tessera's own
// stores (whose touches the drop-in throttles to one a minute): the throttle applies only to
// the touches the middleware does by itself. Time is Date mocked forward, never slept on.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it, type TestContext } from 'node:test';
import type { Express } from 'express';
import session from '../../src/adapters/express-session/index.js';
import { nativeMemoryStoreOf } from '../../src/adapters/express-session/memory-store.js';
import { SqliteStore } from '../../src/stores/sqlite/index.js';
import { data, eachExpress, SECRET, start } from './helpers.js';

const HOUR = 3_600_000;

const routes = (app: Express) => {
  app.get('/write', (req, res) => {
    data(req).n = 1;
    res.send(req.sessionID);
  });
  app.get('/touch', (req, res) => {
    req.session.touch();
    res.send('touched');
  });
  app.get('/read', (req, res) => res.send(String(data(req).n)));
};

/** The stores under test, each with a way to read a session's stored expiry. */
const stores: Record<string, (t: TestContext) => { store: object; expiresAt(id: string): Promise<number | undefined> }> = {
  'session.MemoryStore': () => {
    const store = new session.MemoryStore();
    const native = nativeMemoryStoreOf(store)!;
    return { store, expiresAt: async (id) => (await native.get(id))?.expiresAt };
  },
  'tessera/sqlite': (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'tessera-touch-'));
    const store = new SqliteStore({ path: join(dir, 'sessions.db') });
    t.after(async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    });
    return { store, expiresAt: async (id) => (await store.get(id))?.expiresAt };
  },
};

eachExpress((express) => {
  for (const [name, make] of Object.entries(stores)) {
    it(`${name}: req.session.touch() moves the stored expiry within the throttle; a plain request does not`, async (t) => {
      const { store, expiresAt } = make(t);
      const app = await start(t, express, { secret: SECRET, store: store as never, resave: false, cookie: { maxAge: HOUR } }, routes);
      const client = app.client();
      t.mock.timers.enable({ apis: ['Date'], now: Date.now() });
      const id = (await client.request('/write')).body;
      const written = await expiresAt(id);
      assert.ok(written !== undefined);

      t.mock.timers.tick(10_000);
      await client.request('/touch');
      const touched = await expiresAt(id);
      assert.equal(touched, Date.now() + HOUR, 'the explicit touch is not throttled');

      t.mock.timers.tick(10_000);
      await client.request('/read');
      assert.equal(await expiresAt(id), touched, 'the middleware’s own touch stays throttled');
    });
  }
});
