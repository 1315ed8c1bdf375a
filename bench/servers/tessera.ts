/**
 * The native Tessera setup every non-Express Tessera contender shares: one `SessionManager`
 * configured exactly like the native Express contender (f) in memory.ts, on a MemoryStore or a
 * RedisStore, loaded from the compiled bench/.tmp/dist (or the sources, `BENCH_TESSERA=src`).
 *
 * @module
 */
import type { SessionManager } from '../../src/core/manager.js';
import type { Store } from '../../src/core/store.js';
import { closeIfAny } from './built.js';
import { connect, deletePrefix } from './redis.js';
import { importTessera } from './untyped.js';
import { MAX_AGE, SECRET } from '../session-data.js';

type IndexModule = typeof import('../../src/index.js');
type MemoryModule = typeof import('../../src/stores/memory/index.js');
type RedisModule = typeof import('../../src/stores/redis/index.js');

/** A manager and the cleanup of its store. */
export interface TesseraSetup {
  manager: SessionManager<object>;
  close(): Promise<void>;
}

/**
 * The manager of contender (f): cookie `sid` with `maxAge` 30 min, idle timeout 30 min, and
 * otherwise Tessera's defaults (hashed store keys, no encryption, `httpOnly`, `SameSite=Lax`,
 * `secure: 'auto'`, touch at most once a minute, `saveUninitialized: false`, `rolling: false`).
 */
async function managerOn(store: Store): Promise<SessionManager<object>> {
  const { SessionManager } = await importTessera<IndexModule>('index.js');
  return new SessionManager({ secret: SECRET, store, name: 'sid', cookie: { maxAge: MAX_AGE }, idleTimeout: MAX_AGE });
}

/** A manager on a fresh MemoryStore. */
export async function tesseraMemory(): Promise<TesseraSetup> {
  const { MemoryStore } = await importTessera<MemoryModule>('stores/memory/index.js');
  const store = new MemoryStore();
  return { manager: await managerOn(store), close: () => store.close() };
}

/** A manager on a RedisStore (node-redis) under the key prefix `bench:<tag>:`, deleted afterwards. */
export async function tesseraRedis(tag: string): Promise<TesseraSetup> {
  const { RedisStore } = await importTessera<RedisModule>('stores/redis/index.js');
  const client = await connect();
  const prefix = `bench:${tag}:`;
  const store = new RedisStore({ client, prefix });
  return {
    manager: await managerOn(store),
    close: async () => {
      await closeIfAny(store);
      await deletePrefix(client, prefix);
      await client.quit();
    },
  };
}
