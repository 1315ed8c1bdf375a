// No lost updates, over real HTTP on the native Express adapter, on every store: 50 rounds of two
// overlapping requests on one session (one sets `a`, the other `b`, each handler awaiting 5 ms
// after its load) lose nothing with `concurrency: 'merge'` (the default), and do lose with
// 'last-write-wins' (which shows the rounds really overlap). Two requests changing the same key:
// the later write wins and a `conflict` event names the key. A bridged express-session store
// cannot compare-and-set: it defaults to last-write-wins and refuses 'merge' at construction.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import express from 'express';
import { session } from '../../src/adapters/express/index.js';
import type { ConflictInfo } from '../../src/core/engine.js';
import { SessionManager, type SessionManagerOptions } from '../../src/index.js';
import { listen, type Listening } from '../helpers/express-apps.js';
import { HttpClient } from '../helpers/http-client.js';
import { addOverlapRoutes } from './overlap-routes.js';
import { TEST_SECRET } from '../helpers/session-client.js';
import { storeSetups, type OpenStore } from '../security/keys-store-setups.js';

const ROUNDS = 50;

type Data = Record<string, unknown>;

/** An app whose `/set/:name?v=` awaits 5 ms after the load, then sets one key. */
function serve(manager: SessionManager): Promise<Listening> {
  const app = express();
  app.use(session(manager));
  addOverlapRoutes(app);
  app.get('/read', (req, res) => {
    const { a, b } = req.session as unknown as Data;
    res.json({ id: req.sessionID, a: a ?? null, b: b ?? null });
  });
  return listen(app);
}

/** Runs the rounds; resolves to how many of them lost `a` or `b`. */
async function lostUpdates(client: HttpClient, rounds: number, keys: readonly [string, string] = ['a', 'b']): Promise<number> {
  let lost = 0;
  for (let round = 1; round <= rounds; round++) {
    await Promise.all(keys.map((key, i) => client.request(`/set/${key}?v=${keys[0] === keys[1] ? round * 10 + i : round}`)));
    const read = JSON.parse((await client.request('/read')).body) as { a: number | null; b: number | null };
    if (keys[0] !== keys[1] && (read.a !== round || read.b !== round)) lost++;
  }
  return lost;
}

const native = storeSetups.filter((setup) => !setup.name.includes('tessera/connect'));
const bridged = storeSetups.filter((setup) => setup.name.includes('tessera/connect'));

for (const setup of native) {
  describe(`no lost updates on ${setup.name}`, await setup.skip(), () => {
    let opened: OpenStore;
    before(async () => {
      opened = await setup.open(() => Date.now());
    });
    after(() => opened?.close());

    const withApp = async (options: Partial<SessionManagerOptions>, run: (client: HttpClient, manager: SessionManager) => Promise<void>): Promise<void> => {
      const manager = new SessionManager({ secret: TEST_SECRET, store: opened.store, warn: () => {}, ...options });
      const server = await serve(manager);
      try {
        const client = new HttpClient(server.url);
        await client.request('/init');
        await run(client, manager);
      } finally {
        await server.close();
      }
    };

    it(`merges ${ROUNDS} rounds of two overlapping requests setting a and b: 0 lost (the default)`, async () => {
      await withApp({}, async (client, manager) => {
        assert.equal(manager.config.concurrency, 'merge', 'the default with a store that has setIfVersion');
        const conflicts: ConflictInfo[] = [];
        manager.on('conflict', (info) => conflicts.push(info));
        assert.equal(await lostUpdates(client, ROUNDS), 0);
        assert.ok(conflicts.length > 0, 'the rounds overlapped: some writes conflicted and were merged');
        assert.ok(conflicts.every((c) => c.outcome === 'merged' && c.overwritten.length === 0), 'different keys: nothing overwritten');
      });
    });

    it('takes a burst of 20 parallel requests on one session, each setting its own key: all 200, none lost', async () => {
      await withApp({}, async (client, manager) => {
        const keys = Array.from({ length: 20 }, (_, i) => `k${i}`);
        const responses = await Promise.all(keys.map((key, i) => client.request(`/set/${key}?v=${i}`)));
        assert.deepEqual(responses.map((r) => r.status), keys.map(() => 200), 'no write gave up (503)');
        const { id } = JSON.parse((await client.request('/read')).body) as { id: string };
        const record = await opened.store.get(manager.storeKey(id));
        for (const [i, key] of keys.entries()) assert.match(record?.value ?? '', new RegExp(`"${key}":${i}[,}]`), `${key} kept`);
      });
    });

    it(`loses updates with concurrency 'last-write-wins' (as express-session does)`, async () => {
      await withApp({ concurrency: 'last-write-wins' }, async (client) => {
        assert.ok((await lostUpdates(client, ROUNDS)) > 0, 'whole-session writes overwrite each other');
      });
    });

    it('lets the later write win when both requests change the same key, and says so in a conflict event', async () => {
      await withApp({}, async (client, manager) => {
        const conflicts: ConflictInfo[] = [];
        manager.on('conflict', (info) => conflicts.push(info));
        for (let round = 1; round <= 10; round++) {
          await Promise.all([0, 1].map((i) => client.request(`/set/a?v=${round * 10 + i}`)));
          const { a } = JSON.parse((await client.request('/read')).body) as { a: number };
          assert.ok(a === round * 10 || a === round * 10 + 1, `a is one of the two values written, got ${a}`);
        }
        assert.ok(conflicts.length > 0, 'the writes conflicted');
        for (const conflict of conflicts) assert.deepEqual(conflict.overwritten, ['a']);
      });
    });
  });
}

for (const setup of bridged) {
  describe(`last write wins on ${setup.name}`, await setup.skip(), () => {
    let opened: OpenStore;
    before(async () => {
      opened = await setup.open(() => Date.now());
    });
    after(() => opened?.close());

    it("defaults to 'last-write-wins' and refuses 'merge' with a TypeError naming concurrency", () => {
      const manager = new SessionManager({ secret: TEST_SECRET, store: opened.store, warn: () => {} });
      assert.equal(manager.config.concurrency, 'last-write-wins');
      assert.throws(
        () => new SessionManager({ secret: TEST_SECRET, store: opened.store, concurrency: 'merge' }),
        (error: unknown) => error instanceof TypeError && /concurrency 'merge' needs a store that can compare-and-set/.test(error.message),
      );
    });
  });
}

describe('the concurrency option', () => {
  it('refuses a value other than merge or last-write-wins, naming the option', () => {
    for (const concurrency of ['optimistic', true, 1]) {
      assert.throws(
        () => new SessionManager({ secret: TEST_SECRET, concurrency: concurrency as never }),
        (error: unknown) => error instanceof TypeError && /^concurrency must be 'merge'/.test(error.message),
      );
    }
  });
});
