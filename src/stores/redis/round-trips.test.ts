// What each store call costs on the wire, observed rather than assumed: the commands the server
// receives (MONITOR on a private redis-server) and the round trips a call waits for (through a
// proxy that delays every request by a fixed latency).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { createClient } from 'redis';
import type { StoreRecord } from '../../core/store.js';
import { latencyProxy, monitorCommands, PrivateRedis, redisServerInstalled, sparePort, type LatencyProxy } from '../../../test/helpers/redis-server.js';
import { skipUnless } from '../../../test/helpers/services.js';
import { RedisStore, type RedisClientLike } from './index.js';
import { GET_WITH_EXPIRY, INDEX_UPDATE, TOUCH_EXPIRY, WRITE_VERSIONED } from './scripts.js';

const HOUR = 3_600_000;
const LATENCY = 150;

const open: Record<'node-redis' | 'ioredis', (port: number) => Promise<{ client: RedisClientLike; close(): void }>> = {
  'node-redis': async (port) => {
    const client = createClient({ url: `redis://127.0.0.1:${port}` }).on('error', () => undefined);
    await client.connect();
    return { client, close: () => client.destroy() };
  },
  ioredis: async (port) => {
    const client = new Redis({ port, host: '127.0.0.1', lazyConnect: true }).on('error', () => undefined);
    await client.connect();
    return { client, close: () => client.disconnect() };
  },
};

for (const [driver, connectTo] of Object.entries(open)) {
  describe(`RedisStore on the wire (${driver})`, skipUnless(redisServerInstalled(), 'redis-server (binary)'), () => {
    let server: PrivateRedis;
    let proxy: LatencyProxy;
    let direct: { client: RedisClientLike; close(): void };
    let delayed: { client: RedisClientLike; close(): void };

    before(async () => {
      server = new PrivateRedis(await sparePort());
      await server.start();
      proxy = await latencyProxy(server.port, LATENCY);
      [direct, delayed] = await Promise.all([connectTo(server.port), connectTo(proxy.port)]);
    });
    after(async () => {
      direct?.close();
      delayed?.close();
      await proxy?.close();
      await server?.stop();
    });

    it('sends one command per get, set, setIfVersion, touch and delete (plus the index script for a session with a user)', async () => {
      const store = new RedisStore({ client: direct.client, prefix: 'w:' });
      const anonymous: StoreRecord = { value: 'v', expiresAt: Date.now() + HOUR };
      const mine: StoreRecord = { ...anonymous, userKey: 'u' };
      // Load the scripts first: a fresh server answers the first EVALSHA with NOSCRIPT.
      assert.deepEqual(
        (await monitorCommands(server.port, async () => void (await store.set('a', anonymous)))).map((c) => c[0]),
        ['EVALSHA', 'EVAL'],
        'the first set on a server without the script falls back to EVAL once',
      );
      await store.set('warm', mine);
      await store.touch('warm', mine);
      const at = String(anonymous.expiresAt);
      const sent = async (run: () => Promise<unknown>): Promise<string[][]> => monitorCommands(server.port, async () => void (await run()));

      assert.deepEqual(await sent(() => store.get('a')), [['GET', 'w:s:a']], 'get is one plain GET: the expiry is in the header');
      const writer = await open['node-redis'](server.port);
      try {
        await (writer.client as ReturnType<typeof createClient>).sendCommand(['SET', 'w:s:old', 't1;1\nv', 'PX', '60000']);
      } finally {
        writer.close();
      }
      await store.get('old'); // loads the script
      assert.deepEqual(
        await sent(() => store.get('old')),
        [['GET', 'w:s:old'], ['EVALSHA', GET_WITH_EXPIRY.sha, '1', 'w:s:old']],
        'a string from before the header carried the expiry is read again with it',
      );
      const write = (key: string, owner: string, check: string): string[] => ['EVALSHA', WRITE_VERSIONED.sha, '1', key, owner, 'v', at, check];
      assert.deepEqual(await sent(() => store.set('a', anonymous)), [write('w:s:a', 't1', '*')]);
      assert.deepEqual(await sent(() => store.setIfVersion('a', anonymous, 1)), [write('w:s:a', 't1', '1')]);
      assert.deepEqual(await sent(() => store.setIfVersion('c', anonymous, null)), [write('w:s:c', 't1', '-')]);
      assert.deepEqual(await sent(() => store.touch('a', anonymous)), [['EVALSHA', TOUCH_EXPIRY.sha, '1', 'w:s:a', at]]);
      assert.deepEqual(await sent(() => store.delete('a')), [['DEL', 'w:s:a']]);
      assert.deepEqual(await sent(() => store.set('b', mine)), [
        write('w:s:b', 't1:u', '*'),
        ['EVALSHA', INDEX_UPDATE.sha, '1', 'w:u:{u}', at, 'b', 'NEW'],
      ]);
      assert.deepEqual(await sent(() => store.setIfVersion('b', mine, 1)), [
        write('w:s:b', 't1:u', '1'),
        ['EVALSHA', INDEX_UPDATE.sha, '1', 'w:u:{u}', at, 'b', 'GT'],
      ]);
      assert.deepEqual(await sent(() => store.touch('b', mine)), [
        ['EVALSHA', TOUCH_EXPIRY.sha, '1', 'w:s:b', at],
        ['EVALSHA', INDEX_UPDATE.sha, '1', 'w:u:{u}', at, 'b', 'XX'],
      ]);
    });

    it(`waits one round trip per get, set, touch and delete, two per listByUser and deleteByUser (${LATENCY} ms added per request)`, async () => {
      const store = new RedisStore({ client: delayed.client, prefix: 'rt:' });
      const mine: StoreRecord = { value: 'v', expiresAt: Date.now() + HOUR, userKey: 'u' };
      // Warm up: all three scripts loaded (the first use on a server costs one more round trip,
      // NOSCRIPT then EVAL), connection settled.
      await store.set('w', { ...mine, userKey: 'warm-up' });
      await store.deleteByUser('warm-up');
      await Promise.all(['x', 'y', 'z'].map((key) => store.set(key, mine)));
      await store.get('x');
      const roundTrips = async (run: () => Promise<unknown>): Promise<number> => {
        const started = performance.now();
        await run();
        return (performance.now() - started) / LATENCY;
      };
      // Best of three: a busy machine only ever adds time (a stalled event loop, a descheduled
      // proxy), so the fastest attempt is the one that shows the round trips.
      const expect = async (what: string, run: () => Promise<unknown>, trips: number, setup?: () => Promise<unknown>): Promise<void> => {
        let measured = Infinity;
        for (let attempt = 0; attempt < 3 && !(measured < trips + 0.6); attempt++) {
          await setup?.();
          measured = Math.min(measured, await roundTrips(run));
        }
        assert.ok(measured >= trips - 0.05 && measured < trips + 0.6, `${what}: expected ${trips} round trip(s), measured ${measured.toFixed(2)}`);
      };
      await expect('get', () => store.get('x'), 1);
      await expect('set with a user key', () => store.set('x', mine), 1);
      await expect('setIfVersion with a user key', () => store.setIfVersion('x', mine, null), 1);
      await expect('touch with a user key', () => store.touch('x', mine), 1);
      await expect('delete', () => store.delete('z'), 1);
      await expect('listByUser of 2 sessions', () => store.listByUser('u'), 2);
      await expect('deleteByUser of 2 sessions', () => store.deleteByUser('u'), 2, () => Promise.all(['x', 'y'].map((key) => store.set(key, mine))));
    });
  });
}
