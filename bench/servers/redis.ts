/**
 * Redis contenders on node-redis: express-session + connect-redis 9 (g) and
 * tessera/express-session + RedisStore (h). Each uses its own key prefix, deleted afterwards.
 *
 * @module
 */
import { createClient } from 'redis';
import { closeIfAny, type Factory } from './built.js';
import { dropIn, expressSession, importAs, importTessera } from './untyped.js';
import { sessionOptions } from '../session-data.js';

/** The Redis server (`BENCH_REDIS_URL`, default the local one). */
export const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** What `deletePrefix` needs of a node-redis client. */
interface Scannable {
  scanIterator(options: { MATCH: string; COUNT: number }): AsyncIterable<string[]>;
  del(keys: string[]): Promise<number>;
}

/** Deletes every key under `prefix` (SCAN, never KEYS). */
export async function deletePrefix(client: Scannable, prefix: string): Promise<number> {
  let deleted = 0;
  for await (const keys of client.scanIterator({ MATCH: `${prefix}*`, COUNT: 1000 })) {
    if (keys.length > 0) deleted += await client.del(keys);
  }
  return deleted;
}

/** A connected node-redis client on `REDIS_URL`. */
export async function connect() {
  const client = createClient({ url: REDIS_URL });
  client.on('error', (err: unknown) => console.error('redis client error', err));
  await client.connect();
  return client;
}

interface ConnectRedisModule {
  RedisStore: new (options: { client: unknown; prefix: string }) => object;
}

export const esRedis: Factory = async (tag) => {
  const session = expressSession();
  const { RedisStore } = await importAs<ConnectRedisModule>('connect-redis');
  const client = await connect();
  const prefix = `bench:${tag}:`;
  const store = new RedisStore({ client, prefix });
  return {
    middleware: session({ ...sessionOptions(), store }),
    close: async () => {
      await deletePrefix(client, prefix);
      await client.quit();
    },
  };
};

interface TesseraRedisModule {
  RedisStore: new (options: Record<string, unknown>) => object;
}

export const tsRedis: Factory = async (tag) => {
  const session = await dropIn();
  const { RedisStore } = await importTessera<TesseraRedisModule>('stores/redis/index.js');
  const client = await connect();
  const prefix = `bench:${tag}:`;
  const store = new RedisStore({ client, prefix });
  return {
    middleware: session({ ...sessionOptions(), store }),
    close: async () => {
      await closeIfAny(store);
      await deletePrefix(client, prefix);
      await client.quit();
    },
  };
};
