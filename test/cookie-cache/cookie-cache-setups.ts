/**
 * The cookie cache tests' stores and app: two "servers" (each a `SessionManager` on its own store
 * instance and connection, sharing one backend: a Redis, a Cluster, a PostgreSQL schema, a
 * SQLite file; a MemoryStore is one process's, so both share it), each store wrapped to count
 * its reads, and a native Express app.
 *
 * @module
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import pg from 'pg';
import { session } from '../../src/adapters/express/index.js';
import type { Clock } from '../../src/core/clock.js';
import type { SessionManager } from '../../src/core/manager.js';
import type { Store } from '../../src/core/store.js';
import { MemoryStore } from '../../src/stores/memory/index.js';
import { PostgresStore } from '../../src/stores/postgres/index.js';
import { RedisStore } from '../../src/stores/redis/index.js';
import { SqliteStore } from '../../src/stores/sqlite/index.js';
import { listen, route, type Listening } from '../helpers/express-apps.js';
import { deleteKeysWithPrefix, openSetup, setupAvailable, type RedisSetupName } from '../helpers/redis-setups.js';
import { postgresAvailable, postgresUrl, skipUnless, uniqueName } from '../helpers/services.js';

/** A store that counts the session reads (`get`) and epoch reads (`userEpoch`) made through it. */
export interface Counted {
  store: Store;
  reads: { get: number; userEpoch: number };
}

/** Wraps `store` so its reads are counted; every other call goes through unchanged. */
export function counted(store: Store): Counted {
  const reads = { get: 0, userEpoch: 0 };
  const proxy = new Proxy(store, {
    get(target, prop) {
      const value: unknown = Reflect.get(target, prop, target);
      if (typeof value !== 'function') return value;
      const fn = value as (...args: unknown[]) => unknown;
      if (prop === 'get' || prop === 'userEpoch') {
        return (...args: unknown[]) => {
          reads[prop]++;
          return fn.apply(target, args);
        };
      }
      return fn.bind(target);
    },
  });
  return { store: proxy, reads };
}

/** Two stores on one backend. */
export interface OpenPair {
  stores: [Store, Store];
  close(): Promise<void>;
}

/** One backend. */
export interface PairSetup {
  name: string;
  skip(): Promise<{ skip?: string }>;
  open(clock: Clock): Promise<OpenPair>;
}

function redisPair(name: RedisSetupName): PairSetup {
  const cluster = name.endsWith('cluster');
  return {
    name: `RedisStore (${name})`,
    skip: async () => skipUnless(await setupAvailable(name), cluster ? 'Redis Cluster (127.0.0.1:7000-7002)' : 'Redis'),
    async open() {
      const prefix = `${uniqueName()}:`;
      const setups = [await openSetup(name), await openSetup(name)];
      return {
        stores: [new RedisStore({ client: setups[0]!.client, prefix }), new RedisStore({ client: setups[1]!.client, prefix })],
        close: async () => {
          await deleteKeysWithPrefix(cluster, prefix);
          for (const s of setups) await s.close();
        },
      };
    },
  };
}

/** Every backend. */
export const pairSetups: readonly PairSetup[] = [
  {
    name: 'MemoryStore',
    skip: async () => ({}),
    async open(clock) {
      const store = new MemoryStore({ clock, sweepInterval: 0 });
      return { stores: [store, store], close: () => store.close() };
    },
  },
  {
    name: 'SqliteStore',
    skip: async () => ({}),
    async open(clock) {
      const dir = mkdtempSync(join(tmpdir(), 'tessera-cache-'));
      const path = join(dir, 'sessions.db');
      const a = new SqliteStore({ path, clock, pruneInterval: 0 });
      const b = new SqliteStore({ path, clock, pruneInterval: 0 });
      return {
        stores: [a, b],
        close: async () => {
          await a.close();
          await b.close();
          rmSync(dir, { recursive: true, force: true });
        },
      };
    },
  },
  {
    name: 'PostgresStore',
    skip: async () => skipUnless(await postgresAvailable(), 'PostgreSQL'),
    async open(clock) {
      const schema = uniqueName();
      const pools = [new pg.Pool({ connectionString: postgresUrl, max: 3 }), new pg.Pool({ connectionString: postgresUrl, max: 3 })];
      await pools[0]!.query(`CREATE SCHEMA "${schema}"`);
      const stores = pools.map((pool) => new PostgresStore({ pool, schema, clock, pruneInterval: 0 })) as [PostgresStore, PostgresStore];
      return {
        stores,
        close: async () => {
          for (const s of stores) await s.close();
          await pools[0]!.query(`DROP SCHEMA "${schema}" CASCADE`);
          for (const p of pools) await p.end();
        },
      };
    },
  },
  redisPair('node-redis'),
  redisPair('ioredis'),
  redisPair('node-redis cluster'),
  redisPair('ioredis cluster'),
];

/** Waits (yielding to I/O, at most 5 s) until `done()`; throws on the deadline. */
export async function until(done: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** A native Express app on `manager`: log in, read, write, log out, regenerate, revoke. */
export function serveCache(manager: SessionManager): Promise<Listening> {
  const app = express();
  app.use(session(manager));
  app.get(
    '/login/:user',
    route(async (req, res) => {
      await req.session.login(String(req.params.user));
      res.json({ ok: true });
    }),
  );
  app.get('/me', (req, res) => {
    const data = req.session as unknown as Record<string, unknown>;
    res.json({ user: req.session.userKey ?? null, note: data.note ?? null, isNew: req.session.isNew });
  });
  app.get('/set/:note', (req, res) => {
    (req.session as unknown as Record<string, unknown>).note = String(req.params.note);
    res.json({ ok: true });
  });
  app.get('/big', (req, res) => {
    (req.session as unknown as Record<string, unknown>).note = 'x'.repeat(5000);
    res.json({ ok: true });
  });
  app.get(
    '/logout',
    route(async (req, res) => {
      await req.session.destroy();
      res.json({ ok: true });
    }),
  );
  app.get(
    '/regenerate',
    route(async (req, res) => {
      await req.session.regenerate({ keep: true });
      res.json({ ok: true });
    }),
  );
  app.get(
    '/revoke-all',
    route(async (req, res) => {
      res.json({ count: await manager.revokeAllSessions(req.session.userKey ?? 'nobody') });
    }),
  );
  // Store failures answer with their status (503), quietly.
  app.use((error: { status?: number }, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
    res.status(error.status ?? 500).end();
  });
  return listen(app);
}
