/**
 * The real stores the key and encryption tests run against, each with a dump of what its
 * backing system holds (as an attacker with a copy of the database would see it) and cleanup:
 * the memory store, SQLite (better-sqlite3, in memory), Redis (node-redis, own key prefix),
 * PostgreSQL (own schema), and connect-redis behind the express-session bridge.
 *
 * @module
 */
import Database from 'better-sqlite3';
import { RedisStore as ConnectRedisStore } from 'connect-redis';
import pg from 'pg';
import { createClient } from 'redis';
import type { Clock } from '../../src/core/clock.js';
import type { Store } from '../../src/core/store.js';
import { fromExpressSessionStore } from '../../src/stores/connect/index.js';
import { MemoryStore } from '../../src/stores/memory/index.js';
import { PostgresStore } from '../../src/stores/postgres/index.js';
import { RedisStore } from '../../src/stores/redis/index.js';
import { SqliteStore } from '../../src/stores/sqlite/index.js';
import { deleteKeysWithPrefix } from '../helpers/redis-setups.js';
import { postgresAvailable, postgresUrl, redisAvailable, redisUrl, skipUnless, uniqueName } from '../helpers/services.js';

/** An open store and what its backing system holds. */
export interface OpenStore {
  store: Store;
  /** Every stored key with its raw stored text (Redis: the string under the key; SQL: the `value` column). */
  dump(): Promise<Map<string, string>>;
  close(): Promise<void>;
}

/** One store setup. */
export interface StoreSetup {
  name: string;
  /** `{}` or `{ skip }` (a failure under CI=true), as `skipUnless` gives. */
  skip(): Promise<{ skip?: string }>;
  open(clock: Clock): Promise<OpenStore>;
}

type Client = ReturnType<typeof createClient>;

async function redisClient(): Promise<Client> {
  const client: Client = createClient({ url: redisUrl });
  client.on('error', () => {});
  await client.connect();
  return client;
}

/** Every key under `prefix` with its string value, the prefix cut off. */
async function redisDump(client: Client, prefix: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for await (const keys of client.scanIterator({ MATCH: `${prefix}*`, COUNT: 500 })) {
    for (const key of keys) out.set(key.slice(prefix.length), (await client.get(key)) ?? '');
  }
  return out;
}

export const storeSetups: readonly StoreSetup[] = [
  {
    name: 'MemoryStore',
    skip: async () => ({}),
    async open(clock) {
      const store = new MemoryStore({ clock, sweepInterval: 0 });
      return {
        store,
        dump: async () => new Map((await store.all()).map(([key, record]) => [key, record.value])),
        close: () => store.close(),
      };
    },
  },
  {
    name: 'SqliteStore',
    skip: async () => ({}),
    async open(clock) {
      const db = new Database(':memory:');
      const store = new SqliteStore({ db, clock, pruneInterval: 0 });
      return {
        store,
        dump: async () => new Map((db.prepare('SELECT key, value FROM tessera_sessions').all() as Array<{ key: string; value: string }>).map((r) => [r.key, r.value])),
        close: async () => {
          await store.close();
          db.close();
        },
      };
    },
  },
  {
    name: 'RedisStore',
    skip: async () => skipUnless(await redisAvailable(), 'Redis'),
    async open() {
      const client = await redisClient();
      const prefix = `${uniqueName()}:`;
      const store = new RedisStore({ client, prefix });
      return {
        store,
        // Session records live under `<prefix>s:<key>`; the per-user index under `<prefix>u:{...}`.
        dump: () => redisDump(client, `${prefix}s:`),
        close: async () => {
          await deleteKeysWithPrefix(false, prefix);
          await client.close();
        },
      };
    },
  },
  {
    name: 'PostgresStore',
    skip: async () => skipUnless(await postgresAvailable(), 'PostgreSQL'),
    async open(clock) {
      const pool = new pg.Pool({ connectionString: postgresUrl, max: 2 });
      const schema = uniqueName();
      await pool.query(`CREATE SCHEMA "${schema}"`);
      const store = new PostgresStore({ pool, schema, clock, pruneInterval: 0 });
      return {
        store,
        dump: async () => {
          const { rows } = await pool.query<{ key: string; value: string }>(`SELECT key, value FROM "${schema}".tessera_sessions`);
          return new Map(rows.map((r) => [r.key, r.value]));
        },
        close: async () => {
          await store.close();
          await pool.query(`DROP SCHEMA "${schema}" CASCADE`);
          await pool.end();
        },
      };
    },
  },
  {
    name: 'connect-redis through tessera/connect',
    skip: async () => skipUnless(await redisAvailable(), 'Redis'),
    async open(clock) {
      const client = await redisClient();
      const prefix = `${uniqueName()}:`;
      const store = fromExpressSessionStore(new ConnectRedisStore({ client, prefix }), { clock });
      return {
        store,
        dump: () => redisDump(client, prefix),
        close: async () => {
          await deleteKeysWithPrefix(false, prefix);
          await client.close();
        },
      };
    },
  },
];
