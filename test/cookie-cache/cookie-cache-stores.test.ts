// The cookie cache over real HTTP on every store, with two servers (two SessionManagers, each on
// its own store connection to one backend): a fresh cache costs no session read on either
// server, a stale one reads once, a write on one server is seen on the other, and
// revokeAllSessions on server A ends the session on server B's very next request, the raise
// reaching B through the store's channel (Redis pub/sub, PostgreSQL NOTIFY, in-process memory;
// SQLite: one epoch read per cached request instead of the session read).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SessionManager } from '../../src/index.js';
import { generateSecret } from '../../src/index.js';
import type { Listening } from '../helpers/express-apps.js';
import { HttpClient } from '../helpers/http-client.js';
import { manualClock } from '../helpers/manual-clock.js';
import { uniqueName } from '../helpers/services.js';
import { TEST_SECRET } from '../helpers/session-client.js';
import { counted, pairSetups, serveCache, until, type Counted } from './cookie-cache-setups.js';

const TTL = 20_000;
const encryption = { keys: [{ id: 'k1', key: generateSecret() }] };

for (const setup of pairSetups) {
  describe(`cookie cache on ${setup.name}, two servers`, await setup.skip(), () => {
    const clock = manualClock();
    let close: () => Promise<void>;
    let managers: [SessionManager, SessionManager];
    let stores: [Counted, Counted];
    let servers: [Listening, Listening];
    let n = 0;
    const user = (): string => `${uniqueName('ann')}-${n++}`;
    /** A browser whose cookies go to either server (one site behind a load balancer). */
    const browser = (): { on: (i: 0 | 1) => HttpClient } => {
      const clients = servers.map((s) => new HttpClient(s.url)) as [HttpClient, HttpClient];
      // One jar for both.
      (clients[1] as { jar: Map<string, string> }).jar = clients[0].jar;
      return { on: (i) => clients[i] };
    };
    const me = async (client: HttpClient): Promise<{ user: string | null; note: string | null }> => JSON.parse((await client.request('/me')).body);
    const reads = (): number => stores[0].reads.get + stores[1].reads.get;
    const zero = (): void => {
      for (const s of stores) Object.assign(s.reads, { get: 0, userEpoch: 0 });
    };

    before(async () => {
      const opened = await setup.open(clock.now);
      close = () => opened.close();
      stores = [counted(opened.stores[0]), counted(opened.stores[1])];
      const options = { secret: TEST_SECRET, encryption, clock: clock.now, warn: () => {}, cookieCache: { ttl: TTL } };
      managers = [new SessionManager({ ...options, store: stores[0].store }), new SessionManager({ ...options, store: stores[1].store })];
      // The epoch watches are live before the first request (a cache read before then would fall through).
      for (const m of managers) await m.cookieCache?.epochs?.ready();
      servers = [await serveCache(managers[0]), await serveCache(managers[1])];
    });
    after(async () => {
      for (const s of servers ?? []) await s.close();
      for (const m of managers ?? []) await m.close();
      await close?.();
    });

    it('serves reads from the cache on both servers (0 session reads), reads once past the TTL, then caches again', async () => {
      const b = browser();
      const name = user();
      await b.on(0).request(`/login/${name}`);
      zero();
      assert.equal((await me(b.on(0))).user, name);
      assert.equal((await me(b.on(1))).user, name);
      assert.equal(reads(), 0, 'a fresh cache costs no session read');
      clock.advance(TTL);
      assert.equal((await me(b.on(1))).user, name);
      assert.equal(reads(), 1, 'a cache as old as the TTL falls through to the store');
      if (managers[1].cookieCache?.epochs !== undefined) assert.equal(stores[1].reads.userEpoch, 0, "the in-process epochs vouch for a session bound since the watch went live: no epoch read");
      assert.equal((await me(b.on(0))).user, name);
      assert.equal(reads(), 1, 'and the response cached it again');
    });

    it("a write on one server refreshes the cache: the other server sees it without a read", async () => {
      const b = browser();
      await b.on(0).request(`/login/${user()}`);
      await b.on(0).request('/set/first');
      zero();
      assert.equal((await me(b.on(1))).note, 'first');
      await b.on(1).request('/set/second');
      assert.equal((await me(b.on(0))).note, 'second');
      assert.equal(reads(), 0);
    });

    it("revokeAllSessions on server A ends the session on server B's next request, cache or not", async () => {
      const name = user();
      const victim = browser();
      await victim.on(1).request(`/login/${name}`);
      assert.equal((await me(victim.on(1))).user, name, 'cached on B');
      const admin = browser();
      await admin.on(0).request(`/login/${name}`);
      clock.advance(1000);
      await admin.on(0).request('/revoke-all');
      // The raise travels through the store's channel to B.
      const epochs = managers[1].cookieCache?.epochs;
      if (epochs !== undefined) await until(() => (epochs.epochOf(name) ?? 0) >= clock.now(), "B's epoch map to hear the raise");
      zero();
      const after = await me(victim.on(1));
      assert.equal(after.user, null, 'revoked on the next request');
      assert.ok(reads() >= 1, 'the cache fell through to the store');
      assert.equal((await me(victim.on(0))).user, null);
      if (epochs === undefined) assert.ok(stores[1].reads.userEpoch >= 1, 'a store without a channel: the epoch is read instead');
    });

    it('a cached request of a logged-in user costs no store call at all where the store has a channel', async (t) => {
      if (managers[1].cookieCache?.epochs === undefined) return void t.skip('SQLite: the epoch is read (an indexed read) instead of the session');
      const b = browser();
      await b.on(0).request(`/login/${user()}`);
      zero();
      await me(b.on(1));
      await me(b.on(0));
      assert.deepEqual([stores[0].reads, stores[1].reads], [{ get: 0, userEpoch: 0 }, { get: 0, userEpoch: 0 }]);
    });
  });
}
