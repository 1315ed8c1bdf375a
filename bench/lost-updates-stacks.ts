/**
 * The stacks `bench/lost-updates.ts` races: express-session with each peer store, and Tessera's
 * drop-in and native Express middleware with each of Tessera's own stores (memory, SQLite, Redis,
 * PostgreSQL), plus the native middleware with `concurrency: 'last-write-wins'` as the control
 * that shows the rounds really overlap. Every stack gets its own key prefix, schema or file,
 * removed by its `close()`.
 *
 * @module
 */
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { RequestHandler } from 'express';
import type { Service } from './config.js';
import { connect, deletePrefix } from './servers/redis.js';
import { poolWithSchema } from './servers/postgres.js';
import { expressSession, importAs, requireAs } from './servers/untyped.js';
import { SECRET } from './session-data.js';
import dropIn from '../src/adapters/express-session/index.js';
import { session as nativeSession } from '../src/adapters/express/index.js';
import { SessionManager, type Store } from '../src/index.js';
import { MemoryStore } from '../src/stores/memory/index.js';
import { PostgresStore } from '../src/stores/postgres/index.js';
import { RedisStore } from '../src/stores/redis/index.js';
import { SqliteStore } from '../src/stores/sqlite/index.js';

/** The four kinds of store each library runs on. */
export type StoreKind = 'memory' | 'SQLite' | 'Redis' | 'PostgreSQL';
export const STORE_KINDS: readonly StoreKind[] = ['memory', 'SQLite', 'Redis', 'PostgreSQL'];

/** The session libraries compared (columns of the report). */
export type Library = 'express-session' | 'tessera/express-session' | 'tessera/express' | 'tessera/express, last-write-wins';
export const LIBRARIES: readonly Library[] = ['express-session', 'tessera/express-session', 'tessera/express', 'tessera/express, last-write-wins'];

/** A running stack: its middleware, how many write conflicts it merged (Tessera native), its cleanup. */
export interface OpenStack {
  middleware: RequestHandler;
  conflicts?: () => number;
  close(): Promise<void>;
}

/** One stack: a library on a store. */
export interface Stack {
  library: Library;
  store: StoreKind;
  /** The store's package or class, as the report names it. */
  storeName: string;
  service?: Service;
  open(tag: string): Promise<OpenStack>;
}

const SERVICE: Partial<Record<StoreKind, Service>> = { Redis: 'redis', PostgreSQL: 'postgres' };
const OPTIONS = { secret: SECRET, resave: false, saveUninitialized: false };
const sqlitePath = (tag: string): string => join(tmpdir(), `tessera-lost-updates-${tag}.db`);
const removeSqlite = (path: string): void => {
  for (const suffix of ['', '-wal', '-shm']) rmSync(`${path}${suffix}`, { force: true });
};

/** express-session's own stores, as a user would set each one up. */
const PEER_STORES: Record<StoreKind, { name: string; open(tag: string): Promise<{ store: object; close(): Promise<void> }> }> = {
  memory: { name: 'MemoryStore', open: async () => ({ store: new (expressSession().MemoryStore)(), close: async () => {} }) },
  SQLite: {
    name: 'better-sqlite3-session-store',
    open: async (tag) => {
      const Store = requireAs<(es: unknown) => new (o: object) => object>('better-sqlite3-session-store')(expressSession());
      const path = sqlitePath(tag);
      const client = new Database(path);
      client.pragma('journal_mode = WAL');
      // Its sweep is a setInterval with no way to stop it: the script exits when done.
      const close = async (): Promise<void> => {
        client.close();
        removeSqlite(path);
      };
      return { store: new Store({ client }), close };
    },
  },
  Redis: {
    name: 'connect-redis',
    open: async (tag) => {
      const { RedisStore: ConnectRedis } = await importAs<{ RedisStore: new (o: object) => object }>('connect-redis');
      const client = await connect();
      const prefix = `bench:lost:${tag}:`;
      const close = async (): Promise<void> => {
        await deletePrefix(client, prefix);
        await client.quit();
      };
      return { store: new ConnectRedis({ client, prefix }), close };
    },
  },
  PostgreSQL: {
    name: 'connect-pg-simple',
    open: async (tag) => {
      const PgStore = requireAs<(es: unknown) => new (o: object) => object>('connect-pg-simple')(expressSession());
      const schema = `bench_lost_${tag}`.toLowerCase();
      const { pool, drop } = await poolWithSchema(schema);
      return { store: new PgStore({ pool, schemaName: schema, tableName: 'session', createTableIfMissing: true }), close: drop };
    },
  },
};

/** Tessera's own stores. */
const TESSERA_STORES: Record<StoreKind, { name: string; open(tag: string): Promise<{ store: Store; close(): Promise<void> }> }> = {
  memory: {
    name: 'MemoryStore',
    open: async () => {
      const store = new MemoryStore();
      return { store, close: () => store.close() };
    },
  },
  SQLite: {
    name: 'SqliteStore',
    open: async (tag) => {
      const path = sqlitePath(tag);
      const store = new SqliteStore({ path });
      const close = async (): Promise<void> => {
        await store.close();
        removeSqlite(path);
      };
      return { store, close };
    },
  },
  Redis: {
    name: 'RedisStore',
    open: async (tag) => {
      const client = await connect();
      const prefix = `bench:lost:${tag}:`;
      const store = new RedisStore({ client, prefix });
      const close = async (): Promise<void> => {
        await store.close();
        await deletePrefix(client, prefix);
        await client.quit();
      };
      return { store, close };
    },
  },
  PostgreSQL: {
    name: 'PostgresStore',
    open: async (tag) => {
      const schema = `bench_lost_${tag}`.toLowerCase();
      const { pool, drop } = await poolWithSchema(schema);
      const store = new PostgresStore({ pool, schema });
      const close = async (): Promise<void> => {
        await store.close();
        await drop();
      };
      return { store, close };
    },
  },
};

function stack(library: Library, store: StoreKind): Stack {
  const peer = library === 'express-session';
  const base = { library, store, storeName: (peer ? PEER_STORES : TESSERA_STORES)[store].name, ...(SERVICE[store] ? { service: SERVICE[store] } : {}) };
  if (peer) {
    return {
      ...base,
      open: async (tag) => {
        const opened = await PEER_STORES[store].open(tag);
        return { middleware: expressSession()({ ...OPTIONS, store: opened.store }), close: opened.close };
      },
    };
  }
  return {
    ...base,
    open: async (tag) => {
      const opened = await TESSERA_STORES[store].open(tag);
      if (library === 'tessera/express-session') return { middleware: dropIn({ ...OPTIONS, store: opened.store }) as unknown as RequestHandler, close: opened.close };
      const concurrency = library === 'tessera/express' ? 'merge' : 'last-write-wins';
      const manager = new SessionManager({ secret: SECRET, store: opened.store, concurrency, warn: () => {} });
      let conflicts = 0;
      manager.on('conflict', () => conflicts++);
      return { middleware: nativeSession(manager), conflicts: () => conflicts, close: opened.close };
    },
  };
}

/** Every stack, store by store. */
export const STACKS: readonly Stack[] = STORE_KINDS.flatMap((store) => LIBRARIES.map((library) => stack(library, store)));
