// A Redis outage over real HTTP (native Express): a private redis-server killed and restarted,
// then frozen (SIGSTOP) and thawed. No request waits past the store's timeout; once the outage
// is known, errors come back within 100 ms; 'fail' answers 503, 'anonymous' 200 with a fresh
// session; afterwards the same apps, store and clients work again, and a session acknowledged
// before the outage is still there. Each driver gets its own server on a spare port (the
// shared one on 6379 is never stopped).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { createClient } from 'redis';
import { RedisStore, type RedisClientLike } from '../../src/stores/redis/index.js';
import { PrivateRedis, redisServerInstalled, sparePort } from '../helpers/redis-server.js';
import { skipUnless } from '../helpers/services.js';
import { assertFast, body, until, outageApps, sameBrowser, timed, type OutageApps } from './outage-apps.js';

/** The store's deadline per call. */
const TIMEOUT = 500;
/** What HTTP and the event loop may add to a call that takes the full timeout. */
const SLACK = 300;
/** Once the outage is known, an error must come back within this. */
const FAST = 100;

interface Driver {
  client: RedisClientLike;
  ready(): boolean;
  close(): void;
}

// The applications' default clients (offline queue on), reconnecting every 50 ms.
const drivers: Record<'node-redis' | 'ioredis', (port: number) => Promise<Driver>> = {
  'node-redis': async (port) => {
    const client = createClient({ url: `redis://127.0.0.1:${port}`, socket: { reconnectStrategy: () => 50 } }).on('error', () => undefined);
    await client.connect();
    return { client, ready: () => client.isReady, close: () => client.destroy() };
  },
  ioredis: async (port) => {
    const client = new Redis({ port, host: '127.0.0.1', retryStrategy: () => 50, lazyConnect: true }).on('error', () => undefined);
    await client.connect();
    return { client, ready: () => client.status === 'ready', close: () => client.disconnect() };
  },
};



for (const [name, open] of Object.entries(drivers)) {
  describe(`a Redis outage over HTTP (${name})`, skipUnless(redisServerInstalled(), 'redis-server (binary)'), () => {
    let server: PrivateRedis;
    let driver: Driver;
    let apps: OutageApps;

    before(async () => {
      server = new PrivateRedis(await sparePort(), { persist: true });
      await server.start();
      driver = await open(server.port);
      apps = await outageApps(new RedisStore({ client: driver.client, prefix: `faults:${name}:`, timeout: TIMEOUT }));
    });
    after(async () => {
      await apps?.close();
      driver?.close();
      await server?.stop();
    });

    it('killed: 503 / a fresh session within 100 ms; restarted: the session saved before is back, no restart of the app', async () => {
      const browser = apps.fail.client();
      assert.equal((await timed(browser, '/write?n=1', { method: 'POST' })).status, 200);
      assert.equal(browser.jar.size, 1);
      const anonymous = sameBrowser(apps.anonymous, browser);
      const cookie = [...browser.jar.values()][0];

      await server.kill();
      try {
        await until('the client sees the server gone', () => !driver.ready());
        const failed = [];
        for (let i = 0; i < 10; i++) {
          const res = await timed(browser, '/read');
          assert.equal(res.status, 503);
          assert.match(res.body, /session store get not attempted: the store reports it is disconnected/);
          failed.push(res.ms);
        }
        assertFast('503 while Redis is down', failed, FAST, TIMEOUT);
        const degraded = [];
        for (let i = 0; i < 5; i++) {
          const res = await timed(anonymous, '/read');
          assert.deepEqual([res.status, body(res.body), res.setCookies], [200, { n: null, degraded: true }, []]);
          degraded.push(res.ms);
        }
        assertFast('200 (degraded) while Redis is down', degraded, FAST, TIMEOUT);
        assert.equal(apps.anonymous.degraded[0]?.code, 'ERR_STORE_UNAVAILABLE');
        const write = await timed(anonymous, '/write?n=5', { method: 'POST' });
        assert.deepEqual([write.status, write.setCookies], [200, []], 'a write to a degraded session is not stored and sets no cookie');
        assert.equal([...anonymous.jar.values()][0], cookie, "the client's real cookie is untouched");
      } finally {
        await server.start();
      }
      await until('the fail app serves again', async () => (await browser.request('/read')).status === 200);
      assert.deepEqual(body((await browser.request('/read')).body), { n: 1, degraded: false }, 'acknowledged before the outage, still there');
      assert.deepEqual(body((await anonymous.request('/read')).body), { n: 1, degraded: false });
      assert.equal((await browser.request('/write?n=2', { method: 'POST' })).status, 200);
      assert.deepEqual(body((await anonymous.request('/read')).body), { n: 2, degraded: false });
      assert.deepEqual(apps.fail.circuit.slice(-1), ['closed']);
      assert.ok(apps.fail.circuit.includes('open'));
    });

    it('frozen (SIGSTOP): no request waits past the timeout; after 5 the breaker answers within 100 ms; thawed: service recovers', async () => {
      await until('the client is connected', () => driver.ready());
      const browser = apps.fail.client();
      assert.equal((await browser.request('/write?n=7', { method: 'POST' })).status, 200);
      const anonymous = sameBrowser(apps.anonymous, browser);
      server.pause();
      try {
        const sequential = [];
        for (let i = 0; i < 8; i++) sequential.push(await timed(browser, '/read'));
        assert.deepEqual(sequential.map((r) => r.status), Array(8).fill(503));
        for (const [i, res] of sequential.entries()) {
          assert.ok(res.ms < TIMEOUT + SLACK, `request ${i} answered in ${res.ms.toFixed(0)} ms`);
          if (i < 5) assert.ok(res.ms >= TIMEOUT - 50, `request ${i} waited the timeout (${res.ms.toFixed(0)} ms)`);
        }
        assertFast('503 once the breaker is open', sequential.slice(5).map((r) => r.ms), FAST, TIMEOUT);
        assert.match(sequential[7]?.body ?? '', /circuit breaker is open/);
        const burst = await Promise.all(Array.from({ length: 20 }, () => timed(sameBrowser(apps.fail, browser), '/read')));
        assert.deepEqual(burst.map((r) => r.status), Array(20).fill(503));
        const slowest = Math.max(...burst.map((r) => r.ms));
        assert.ok(slowest < TIMEOUT, `a burst of 20 concurrent requests, none queued behind the store: all answered within ${slowest.toFixed(0)} ms`);

        const degraded = await timed(anonymous, '/read');
        assert.deepEqual([degraded.status, body(degraded.body)], [200, { n: null, degraded: true }]);
        assert.ok(degraded.ms < TIMEOUT + SLACK, `200 in ${degraded.ms.toFixed(0)} ms`);
      } finally {
        server.resume();
      }
      await until('the fail app serves again', async () => (await browser.request('/read')).status === 200, 5000);
      assert.deepEqual(body((await browser.request('/read')).body), { n: 7, degraded: false });
      assert.deepEqual(body((await anonymous.request('/read')).body), { n: 7, degraded: false });
    });
  });
}
