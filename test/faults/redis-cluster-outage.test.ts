// A Redis Cluster outage over real HTTP (native Express, RedisStore on a node-redis cluster and
// on an ioredis Cluster): a private three-node cluster (spare ports, append-only files, never the
// shared one on 7000-7002) with one node killed, then every node frozen (SIGSTOP), then every
// node killed. No request waits past the store's timeout; 'fail' answers 503 and 'anonymous'
// 200 with a fresh session; once the outage is known (the breaker is open, or the client
// reports itself disconnected: RedisStore.isAvailable) errors come back within 100 ms; after the
// nodes are back the same apps, store and clients serve again, and a session acknowledged
// before the outage is still there.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Cluster } from 'ioredis';
import { createCluster } from 'redis';
import { RedisStore, type RedisClientLike } from '../../src/stores/redis/index.js';
import { PrivateCluster, redisCliInstalled } from '../helpers/private-cluster.js';
import { rawCommand, redisServerInstalled } from '../helpers/redis-server.js';
import { skipUnless } from '../helpers/services.js';
import type { HttpClient } from '../helpers/http-client.js';
import { assertFast, body, until, outageApps, sameBrowser, timed, type OutageApps, type Timed } from './outage-apps.js';

/** The store's deadline per call. */
const TIMEOUT = 500;
/** What HTTP and the event loop may add to a call that takes the full timeout. */
const SLACK = 300;
/** Once the outage is known, an error must come back within this. */
const FAST = 100;

interface Driver {
  client: RedisClientLike;
  /** Whether the client reports its cluster connection state (ioredis's `status`); node-redis's cluster has none. */
  reports: boolean;
  close(): Promise<void>;
}

// Each driver's cluster client, reconnecting every 50 ms.
const drivers: Record<'node-redis cluster' | 'ioredis Cluster', (cluster: PrivateCluster) => Promise<Driver>> = {
  'node-redis cluster': async (cluster) => {
    const client = createCluster({
      rootNodes: cluster.addresses.map((a) => ({ url: `redis://${a.host}:${a.port}` })),
      defaults: { socket: { reconnectStrategy: () => 50 } },
    }).on('error', () => undefined);
    await client.connect();
    return { client, reports: false, close: async () => void client.destroy() };
  },
  'ioredis Cluster': async (cluster) => {
    const client = new Cluster(cluster.addresses, { lazyConnect: true, clusterRetryStrategy: () => 50 }).on('error', () => undefined);
    await client.connect();
    return { client, reports: true, close: async () => void client.disconnect() };
  },
};



/**
 * Reads `times` times in a row through `client` while the store is down: every answer 503 and
 * none past the timeout; the first `slowAtMost` may wait for the store, the rest (the outage
 * known) come back within FAST.
 */
async function failsFast(client: HttpClient, times: number, slowAtMost: number): Promise<Timed[]> {
  const results: Timed[] = [];
  for (let i = 0; i < times; i++) results.push(await timed(client, '/read'));
  assert.deepEqual(results.map((r) => r.status), Array(times).fill(503), results.map((r) => r.body).join('\n'));
  for (const [i, r] of results.entries()) assert.ok(r.ms < TIMEOUT + SLACK, `request ${i} answered in ${r.ms.toFixed(0)} ms`);
  assertFast('503 once the outage is known', results.slice(slowAtMost).map((r) => r.ms), FAST, TIMEOUT);
  return results;
}

for (const [name, open] of Object.entries(drivers)) {
  describe(`a Redis Cluster outage over HTTP (${name})`, skipUnless(redisServerInstalled() && redisCliInstalled(), 'redis-server and redis-cli (binaries)'), () => {
    let cluster: PrivateCluster | undefined;
    let driver: Driver | undefined;
    let apps: OutageApps | undefined;
    let store: RedisStore | undefined;

    before(async () => {
      cluster = await PrivateCluster.start(3, 1000);
      driver = await open(cluster);
      store = new RedisStore({ client: driver.client, prefix: 'faults-cluster:', timeout: TIMEOUT });
      apps = await outageApps(store);
    });
    after(async () => {
      await apps?.close();
      await driver?.close();
      await cluster?.stop();
    });

    /** The nodes that hold at least one key (after a single session was written: the one holding it). */
    const holders = async (): Promise<number[]> => {
      const sizes = await Promise.all(cluster!.nodes.map((n) => rawCommand(n.port, 'DBSIZE')));
      return sizes.flatMap((reply, i) => (/^:([1-9]\d*)/.test(reply) ? [i] : []));
    };

    it("one node killed: its sessions fail within the timeout, then fast; 'anonymous' serves; restarted: the session is back", async () => {
      const { fail, anonymous: anon } = apps!;
      const browser = fail.client();
      assert.equal((await browser.request('/write?n=1', { method: 'POST' })).status, 200);
      const [victim, ...more] = await holders();
      assert.ok(victim !== undefined && more.length === 0, 'one node holds the one session');
      const anonymous = sameBrowser(anon, browser);
      const node = cluster!.nodes[victim]!;

      await node.kill();
      try {
        const failed = await failsFast(browser, 8, 5);
        assert.match(failed.at(-1)!.body, /session store get not attempted/);
        const degraded = await timed(anonymous, '/read');
        assert.deepEqual([degraded.status, body(degraded.body), degraded.setCookies], [200, { n: null, degraded: true }, []]);
        assert.ok(degraded.ms < TIMEOUT + SLACK, `200 (degraded) in ${degraded.ms.toFixed(0)} ms`);
      } finally {
        await node.start();
      }
      await cluster!.waitUntilOk();
      await until('the fail app serves again', async () => (await browser.request('/read')).status === 200);
      assert.deepEqual(body((await browser.request('/read')).body), { n: 1, degraded: false }, 'acknowledged before the outage, still there');
      assert.deepEqual(body((await anonymous.request('/read')).body), { n: 1, degraded: false });
      assert.equal((await browser.request('/write?n=2', { method: 'POST' })).status, 200);
      assert.deepEqual(body((await anonymous.request('/read')).body), { n: 2, degraded: false });
      assert.ok(fail.circuit.includes('open'));
      assert.deepEqual(fail.circuit.slice(-1), ['closed']);
    });

    it('every node frozen (SIGSTOP): no request waits past the timeout, the breaker answers fast; thawed: service recovers', async () => {
      const { fail, anonymous: anon } = apps!;
      const browser = fail.client();
      assert.equal((await browser.request('/write?n=7', { method: 'POST' })).status, 200);
      const anonymous = sameBrowser(anon, browser);
      for (const node of cluster!.nodes) node.pause();
      try {
        await failsFast(browser, 8, 5);
        const burst = await Promise.all(Array.from({ length: 10 }, () => timed(sameBrowser(fail, browser), '/read')));
        assert.deepEqual(burst.map((r) => r.status), Array(10).fill(503));
        const slowest = Math.max(...burst.map((r) => r.ms));
        assert.ok(slowest < TIMEOUT, `a burst of 10 concurrent requests, none queued behind the store: all answered within ${slowest.toFixed(0)} ms`);
        const degraded = await timed(anonymous, '/read');
        assert.deepEqual([degraded.status, body(degraded.body)], [200, { n: null, degraded: true }]);
        assert.ok(degraded.ms < TIMEOUT + SLACK, `200 (degraded) in ${degraded.ms.toFixed(0)} ms`);
      } finally {
        for (const node of cluster!.nodes) node.resume();
      }
      await cluster!.waitUntilOk();
      await until('the fail app serves again', async () => (await browser.request('/read')).status === 200);
      assert.deepEqual(body((await browser.request('/read')).body), { n: 7, degraded: false });
      assert.deepEqual(body((await anonymous.request('/read')).body), { n: 7, degraded: false });
    });

    it('every node killed: errors within the timeout, then fast; restarted: every session written before is back', async () => {
      const { fail } = apps!;
      const browsers = [fail.client(), fail.client(), fail.client()];
      for (const [i, b] of browsers.entries()) assert.equal((await b.request(`/write?n=${10 + i}`, { method: 'POST' })).status, 200);
      await Promise.all(cluster!.nodes.map((n) => n.kill()));
      try {
        if (driver!.reports) {
          // The client knows before any request: the very first one fails fast (RedisStore.isAvailable).
          await until('the client reports the cluster gone', () => !store!.isAvailable());
          const [first] = await failsFast(browsers[0]!, 3, 0);
          assert.match(first!.body, /the store reports it is disconnected/);
        }
        await failsFast(browsers[0]!, 8, driver!.reports ? 0 : 5);
        // The breaker (or the client's own report) now covers every session, not just the first one's.
        for (const b of browsers.slice(1)) await failsFast(b, 3, 0);
      } finally {
        await Promise.all(cluster!.nodes.map((n) => n.start()));
      }
      await cluster!.waitUntilOk();
      await until('the fail app serves again', async () => (await browsers[0]!.request('/read')).status === 200);
      for (const [i, b] of browsers.entries()) assert.deepEqual(body((await b.request('/read')).body), { n: 10 + i, degraded: false });
    });
  });
}
