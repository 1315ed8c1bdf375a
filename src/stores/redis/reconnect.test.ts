// A Redis that dies, comes back or freezes: calls fail fast as StoreErrors, and the same store
// and client work again afterwards without a restart. Runs against a private redis-server on a
// spare port (the shared one on 6379 is never stopped or paused).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { createClient } from 'redis';
import { isTesseraError, StoreError, type TesseraErrorCode } from '../../core/errors.js';
import type { StoreRecord } from '../../core/store.js';
import { PrivateRedis, redisServerInstalled, sparePort } from '../../../test/helpers/redis-server.js';
import { skipUnless } from '../../../test/helpers/services.js';
import { RedisStore, type RedisClientLike } from './index.js';
import { WRITE_VERSIONED } from './scripts.js';

const HOUR = 3_600_000;
const rec = (value: string, userKey?: string): StoreRecord =>
  userKey === undefined ? { value, expiresAt: Date.now() + HOUR } : { value, expiresAt: Date.now() + HOUR, userKey };

/** One driver's clients on the private server: one failing fast while offline, one queueing (the default). */
interface Clients {
  failFast: RedisClientLike;
  queueing: RedisClientLike;
  ready(client: RedisClientLike): boolean;
  command(client: RedisClientLike, args: string[]): Promise<unknown>;
  close(): Promise<void>;
}

const drivers: Record<'node-redis' | 'ioredis', (url: string, port: number) => Promise<Clients>> = {
  'node-redis': async (url) => {
    const quiet = (): void => undefined;
    // Reconnect every 50 ms, so the test does not wait out node-redis's backoff.
    const failFast = createClient({ url, disableOfflineQueue: true, socket: { reconnectStrategy: () => 50 } }).on('error', quiet);
    const queueing = createClient({ url, socket: { reconnectStrategy: () => 50 } }).on('error', quiet);
    await Promise.all([failFast.connect(), queueing.connect()]);
    return {
      failFast,
      queueing,
      ready: (client) => (client as typeof failFast).isReady,
      command: (client, args) => (client as typeof failFast).sendCommand(args),
      close: async () => {
        failFast.destroy();
        queueing.destroy();
      },
    };
  },
  ioredis: async (_url, port) => {
    const quiet = (): void => undefined;
    const failFast = new Redis({ port, host: '127.0.0.1', enableOfflineQueue: false, retryStrategy: () => 50, lazyConnect: true }).on('error', quiet);
    const queueing = new Redis({ port, host: '127.0.0.1', retryStrategy: () => 50, lazyConnect: true }).on('error', quiet);
    await Promise.all([failFast.connect(), queueing.connect()]);
    return {
      failFast,
      queueing,
      ready: (client) => (client as Redis).status === 'ready',
      command: (client, [name, ...args]) => (client as Redis).call(name as string, ...args),
      close: async () => {
        failFast.disconnect();
        queueing.disconnect();
      },
    };
  },
};

async function until(what: string, check: () => boolean | Promise<boolean>, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) assert.fail(`timed out waiting until ${what}`);
    await sleep(20);
  }
}

/** Asserts `promise` rejects with a StoreError of `code` from `operation`, and returns how long that took. */
async function storeFailure(promise: Promise<unknown>, operation: string, code: TesseraErrorCode): Promise<{ ms: number; error: StoreError }> {
  const started = Date.now();
  let caught: unknown;
  await assert.rejects(promise, (error: unknown) => {
    caught = error;
    return true;
  });
  assert.ok(caught instanceof StoreError && isTesseraError(caught, code), `expected ${code}, got ${String(caught)}`);
  assert.equal(caught.operation, operation);
  return { ms: Date.now() - started, error: caught };
}

const installed = redisServerInstalled();

for (const [driver, open] of Object.entries(drivers)) {
  describe(`RedisStore through a dropped connection (${driver})`, skipUnless(installed, 'redis-server (binary)'), () => {
    let server: PrivateRedis;
    let clients: Clients;

    before(async () => {
      server = new PrivateRedis(await sparePort());
      await server.start();
      clients = await open(server.url, server.port);
    });
    after(async () => {
      await clients?.close();
      await server?.stop();
    });

    it('a killed server fails calls fast with the cause; after the restart the same store works, reloading its scripts', async () => {
      const client = clients.failFast;
      const store = new RedisStore({ client, timeout: 2000 });
      await store.set('k', rec('before', 'u'));
      assert.equal((await store.get('k'))?.value, 'before');

      await server.kill();
      await until('the client sees the server gone', () => !clients.ready(client));
      const { ms, error } = await storeFailure(store.get('k'), 'get', 'ERR_STORE_FAILED');
      assert.ok(ms < 1000, `failed in ${ms} ms, well before the 2000 ms timeout`);
      assert.ok(error.cause instanceof Error, "the client's error is kept as cause");
      await storeFailure(store.set('k', rec('during')), 'set', 'ERR_STORE_FAILED');
      await storeFailure(store.deleteByUser('u'), 'deleteByUser', 'ERR_STORE_FAILED');

      await server.start();
      await until('the client has reconnected', () => clients.ready(client));
      // The restarted server lost its script cache: the store must fall back to EVAL by itself.
      assert.deepEqual(await clients.command(client, ['SCRIPT', 'EXISTS', WRITE_VERSIONED.sha]), [0]);
      assert.equal(await store.get('k'), undefined, 'an empty server (no persistence) has no session');
      await store.set('k', rec('after', 'u'));
      assert.deepEqual(await clients.command(client, ['SCRIPT', 'EXISTS', WRITE_VERSIONED.sha]), [1]);
      assert.equal((await store.get('k'))?.value, 'after');
      assert.deepEqual(await store.listByUser('u'), ['k']);
    });

    it('with the offline queue on (the default), a call during the outage times out with ERR_STORE_TIMEOUT, then works', async () => {
      const client = clients.queueing;
      const store = new RedisStore({ client, timeout: 300 });
      await store.set('q', rec('before'));

      await server.kill();
      await until('the client sees the server gone', () => !clients.ready(client));
      const { ms } = await storeFailure(store.get('q'), 'get', 'ERR_STORE_TIMEOUT');
      assert.ok(ms >= 250 && ms < 1500, `timed out after ${ms} ms (timeout 300)`);

      await server.start();
      await until('the store answers again', () => store.get('q').then(() => true, () => false));
      await store.set('q', rec('after'));
      assert.equal((await store.get('q'))?.value, 'after');
    });

    it('a frozen (SIGSTOP) server makes calls time out with ERR_STORE_TIMEOUT; after SIGCONT the same connection works', async () => {
      const client = clients.failFast;
      await until('the client is connected', () => clients.ready(client));
      const store = new RedisStore({ client, timeout: 300 });
      await store.set('p', rec('kept', 'u'));
      server.pause();
      try {
        const { ms } = await storeFailure(store.get('p'), 'get', 'ERR_STORE_TIMEOUT');
        assert.ok(ms >= 250 && ms < 1500, `timed out after ${ms} ms (timeout 300)`);
        await storeFailure(store.touch('p', rec('kept', 'u')), 'touch', 'ERR_STORE_TIMEOUT');
      } finally {
        server.resume();
      }
      assert.equal((await store.get('p'))?.value, 'kept');
      assert.deepEqual(await store.listByUser('u'), ['p']);
    });
  });
}
