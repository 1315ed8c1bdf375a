/**
 * The cookie cache's pair: native tessera/express + RedisStore (node-redis), hashed keys +
 * AES-256-GCM, with the cookie cache (m) and without it (n). Each uses its own key prefix,
 * deleted afterwards.
 *
 * The load generator replays the cookies of each login as they were (it keeps no jar), so a
 * cached copy is never refreshed during a run: its TTL here (10 min) outlasts a run, and after
 * `touchAfter` (60 s) every cached read also touches the store, which a browser keeping the
 * refreshed cookie would not. On `modify` the replayed copy also carries the login's record
 * version, so every write after the first one on a session meets a version conflict and merges
 * (a re-read and a second write); a browser would send the copy the last write refreshed.
 * `bench/cookie-cache-reads.ts` counts store reads per request with a real cookie jar.
 *
 * @module
 */
import { createClient } from 'redis';
import type { Factory } from './built.js';
import { importTessera } from './untyped.js';
import { deletePrefix, REDIS_URL } from './redis.js';
import { MAX_AGE, SECRET } from '../session-data.js';

type ManagerModule = typeof import('../../src/core/manager.js');
type RedisModule = typeof import('../../src/stores/redis/index.js');
type ExpressModule = typeof import('../../src/adapters/express/index.js');

/** A fixed benchmark-only key (32 bytes, base64url). */
const BENCH_KEY = 'pTqv2bq6pGjU2Xn2wq9vA1m1tS8mI3hK4cWcDkz8b1E';

async function native(tag: string, cookieCache: boolean): ReturnType<Factory> {
  const { SessionManager } = await importTessera<ManagerModule>('core/manager.js');
  const { RedisStore } = await importTessera<RedisModule>('stores/redis/index.js');
  const { session } = await importTessera<ExpressModule>('adapters/express/index.js');
  const client = createClient({ url: REDIS_URL });
  client.on('error', (err: unknown) => console.error('redis client error', err));
  await client.connect();
  const prefix = `bench:${tag}:`;
  const store = new RedisStore({ client, prefix });
  const manager = new SessionManager({
    secret: SECRET,
    store,
    name: 'sid',
    cookie: { maxAge: MAX_AGE },
    idleTimeout: MAX_AGE,
    encryption: { keys: [{ id: 'bench', key: BENCH_KEY }] },
    ...(cookieCache ? { cookieCache: { ttl: '10m' as const } } : {}),
  });
  return {
    middleware: session(manager),
    close: async () => {
      await manager.close();
      await deletePrefix(client, prefix);
      await client.quit();
    },
  };
}

export const nativeRedisCache: Factory = (tag) => native(tag, true);
export const nativeRedisNoCache: Factory = (tag) => native(tag, false);
