// The cookie cache while the epoch channel is down: a copy of a logged-in session is not used
// while raises could be missed (Redis killed and restarted; PostgreSQL's listening backend
// terminated), the watch comes back by itself, and copies made before it came back fall through
// once; raises after it are delivered again.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { createClient } from 'redis';
import { Redis } from 'ioredis';
import { SessionManager } from '../../src/index.js';
import { generateSecret } from '../../src/index.js';
import { PostgresStore } from '../../src/stores/postgres/index.js';
import { RedisStore } from '../../src/stores/redis/index.js';
import type { Listening } from '../helpers/express-apps.js';
import { HttpClient } from '../helpers/http-client.js';
import { manualClock } from '../helpers/manual-clock.js';
import { PrivateRedis, redisServerInstalled, sparePort } from '../helpers/redis-server.js';
import { postgresAvailable, postgresUrl, skipUnless, uniqueName } from '../helpers/services.js';
import { TEST_SECRET } from '../helpers/session-client.js';
import { counted, serveCache, until, type Counted } from './cookie-cache-setups.js';

const encryption = { keys: [{ id: 'k1', key: generateSecret() }] };
const me = async (client: HttpClient): Promise<{ status: number; user: string | null }> => {
  const res = await client.request('/me');
  return { status: res.status, user: res.status === 200 ? (JSON.parse(res.body) as { user: string | null }).user : null };
};

for (const driver of ['node-redis', 'ioredis'] as const) {
  describe(`cookie cache while Redis is down (${driver})`, skipUnless(redisServerInstalled(), 'redis-server'), () => {
    const clock = manualClock();
    let redis: PrivateRedis;
    let close: () => Promise<void>;
    let manager: SessionManager;
    let c: Counted;
    let server: Listening;

    before(async () => {
      redis = new PrivateRedis(await sparePort(), { persist: true });
      await redis.start();
      let client: object;
      if (driver === 'node-redis') {
        const nr = createClient({ url: redis.url, socket: { reconnectStrategy: () => 50 } });
        nr.on('error', () => {});
        await nr.connect();
        client = nr;
        close = () => nr.close().catch(() => {});
      } else {
        const io = new Redis({ port: redis.port, host: '127.0.0.1', retryStrategy: () => 50 });
        io.on('error', () => {});
        client = io;
        close = async () => void io.disconnect();
      }
      c = counted(new RedisStore({ client: client as never, prefix: 'gap:', timeout: 300 }));
      manager = new SessionManager({ secret: TEST_SECRET, store: c.store, encryption, clock: clock.now, warn: () => {}, cookieCache: { ttl: '5m' }, circuitBreaker: false });
      assert.equal(await manager.cookieCache?.epochs?.ready(), true);
      server = await serveCache(manager);
    });
    after(async () => {
      await server?.close();
      await manager?.close();
      await close?.();
      await redis?.stop();
    });

    it('uses no copy while the channel is down, and reads each older copy once when it is back', async () => {
      const browser = new HttpClient(server.url);
      await browser.request('/login/ann');
      c.reads.get = 0;
      assert.deepEqual(await me(browser), { status: 200, user: 'ann' });
      assert.equal(c.reads.get, 0, 'served from the copy');
      const epochs = manager.cookieCache!.epochs!;
      await redis.kill();
      await until(() => !epochs.delivering, 'the watch to notice the lost connection');
      clock.advance(1000);
      const down = await me(browser);
      assert.equal(down.status, 503, 'the copy was not used: the request went to the (dead) store');
      await redis.start();
      await until(() => epochs.delivering, 'the watch to come back');
      // The client's own connection may still be reconnecting: wait for a store call to succeed.
      await until(() => c.store.isAvailable?.() !== false, 'the client to reconnect');
      c.reads.get = 0;
      assert.deepEqual(await me(browser), { status: 200, user: 'ann' });
      assert.equal(c.reads.get, 1, 'a copy made before the gap ended falls through once');
      assert.deepEqual(await me(browser), { status: 200, user: 'ann' });
      assert.equal(c.reads.get, 1, 'and the fresh copy serves again');
    });
  });
}

describe('cookie cache while the PostgreSQL listener is lost', await (async () => skipUnless(await postgresAvailable(), 'PostgreSQL'))(), () => {
  const clock = manualClock();
  const schema = uniqueName();
  const table = uniqueName('cache_gap');
  const pools = [new pg.Pool({ connectionString: postgresUrl, max: 3 }), new pg.Pool({ connectionString: postgresUrl, max: 3 })];
  let managers: SessionManager[] = [];
  let stores: Counted[] = [];
  let servers: Listening[] = [];

  before(async () => {
    await pools[0]!.query(`CREATE SCHEMA "${schema}"`);
    stores = pools.map((pool) => counted(new PostgresStore({ pool, schema, table, clock: clock.now, pruneInterval: 0 })));
    managers = stores.map((s) => new SessionManager({ secret: TEST_SECRET, store: s.store, encryption, clock: clock.now, warn: () => {}, cookieCache: { ttl: '5m' } }));
    for (const m of managers) assert.equal(await m.cookieCache?.epochs?.ready(), true);
    servers = await Promise.all(managers.map((m) => serveCache(m)));
  });
  after(async () => {
    for (const s of servers) await s.close();
    for (const m of managers) await m.close();
    await pools[0]!.query(`DROP SCHEMA "${schema}" CASCADE`);
    for (const p of pools) await p.end();
  });

  it('reports the gap, listens again on a new connection, and then delivers raises again', async () => {
    const epochs = managers[1]!.cookieCache!.epochs!;
    const victim = new HttpClient(servers[1]!.url);
    await victim.request('/login/ann');
    const { rows } = await pools[0]!.query<{ n: number }>(
      `SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity WHERE query = $1`,
      [`LISTEN "${table}_epochs"`],
    );
    assert.equal(rows[0]!.n, 2, "both managers' listening backends");
    await until(() => !epochs.delivering, 'the watch to notice the terminated backend');
    clock.advance(1000);
    stores[1]!.reads.get = 0;
    assert.deepEqual(await me(victim), { status: 200, user: 'ann' });
    assert.equal(stores[1]!.reads.get, 1, 'no copy used while the channel is down');
    await until(() => epochs.delivering, 'the watch to listen again (it retries every second)');
    clock.advance(1000);
    await managers[0]!.revokeAllSessions('ann');
    await until(() => (epochs.epochOf('ann') ?? 0) >= clock.now(), 'the raise after the gap to arrive');
    assert.deepEqual(await me(victim), { status: 200, user: null }, 'revoked on the next request');
  });
});
