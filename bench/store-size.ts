/**
 * Bytes per session on the server side of the Redis and PostgreSQL stores:
 * `node --import tsx bench/store-size.ts <N>` prints `StoreSize[]` as JSON.
 *
 * Each store gets N sessions of the same data through its own API, under its own key prefix or
 * schema (removed afterwards). Redis: the sum of `MEMORY USAGE` over every key under the prefix
 * (so index keys a store keeps count too) / N. PostgreSQL: `pg_total_relation_size` of the
 * table (heap, TOAST and indexes) / its row count.
 *
 * @module
 */
import { existsSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createClient } from 'redis';
import { dataToJson, encodeRecord } from '../src/core/codec.js';
import { generateSessionId } from '../src/core/id.js';
import { SessionCookie } from '../src/core/session-cookie.js';
import { reachable } from '../test/helpers/services.js';
import { deletePrefix, REDIS_URL } from './servers/redis.js';
import { POSTGRES_URL, poolWithSchema } from './servers/postgres.js';
import { expressSession, importAs, importTessera, requireAs } from './servers/untyped.js';
import { loggedInData, MAX_AGE } from './session-data.js';

/** One measurement, or why it was skipped. */
export interface StoreSize {
  store: string;
  n: number;
  bytesPerSession?: number;
  skipped?: string;
}

interface CallbackStore {
  set(sid: string, session: object, cb: (err?: unknown) => void): void;
}
interface TesseraStore {
  set(key: string, record: { value: string; expiresAt: number }): Promise<void>;
  close?(): Promise<void>;
}

/** Inserts N sessions through an express-session store, as express-session would. */
async function fillPeer(store: CallbackStore, n: number): Promise<void> {
  const { Cookie } = expressSession();
  for (let i = 0; i < n; i++) {
    const sess = { cookie: new Cookie({ maxAge: MAX_AGE }), ...loggedInData(`user-${i}`) };
    await new Promise<void>((resolve, reject) => store.set(randomBytes(24).toString('base64url'), sess, (e) => (e ? reject(e) : resolve())));
  }
}

/** Inserts N sessions through a Tessera store, as the core would. */
async function fillTessera(store: TesseraStore, n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    const now = Date.now();
    const cookie = new SessionCookie({ maxAge: MAX_AGE, httpOnly: true, path: '/' });
    const value = encodeRecord(cookie.data, dataToJson({ ...loggedInData(`user-${i}`) }), { v: 1, createdAt: now });
    await store.set(generateSessionId(), { value, expiresAt: now + MAX_AGE });
  }
}

async function redisSizes(n: number): Promise<StoreSize[]> {
  const haveTessera = existsSync(new URL('../src/stores/redis/index.ts', import.meta.url));
  if (!(await reachable(REDIS_URL, 6379))) return ['connect-redis', 'tessera RedisStore'].map((store) => ({ store, n, skipped: 'Redis not reachable' }));
  const client = createClient({ url: REDIS_URL });
  await client.connect();
  const measure = async (prefix: string): Promise<number> => {
    let total = 0;
    for await (const keys of client.scanIterator({ MATCH: `${prefix}*`, COUNT: 1000 })) {
      const sizes = await Promise.all(keys.map((k) => client.memoryUsage(k)));
      for (const s of sizes) total += s ?? 0;
    }
    await deletePrefix(client, prefix);
    return total / n;
  };
  const out: StoreSize[] = [];
  try {
    const { RedisStore } = await importAs<{ RedisStore: new (o: object) => CallbackStore }>('connect-redis');
    const peerPrefix = `bench:size:peer:${process.pid}:`;
    await fillPeer(new RedisStore({ client, prefix: peerPrefix }), n);
    out.push({ store: 'connect-redis', n, bytesPerSession: await measure(peerPrefix) });
    if (!haveTessera) {
      out.push({ store: 'tessera RedisStore', n, skipped: 'src/stores/redis not written yet' });
    } else {
      const mod = await importTessera<{ RedisStore: new (o: object) => TesseraStore }>('stores/redis/index.js');
      const prefix = `bench:size:tessera:${process.pid}:`;
      const store = new mod.RedisStore({ client, prefix });
      await fillTessera(store, n);
      out.push({ store: 'tessera RedisStore', n, bytesPerSession: await measure(prefix) });
      await store.close?.();
    }
  } finally {
    await client.quit();
  }
  return out;
}

async function postgresSizes(n: number): Promise<StoreSize[]> {
  if (!(await reachable(POSTGRES_URL, 5432))) return ['connect-pg-simple', 'tessera PostgresStore'].map((store) => ({ store, n, skipped: 'PostgreSQL not reachable' }));
  const schema = `bench_size_${process.pid}`;
  const { pool, drop } = await poolWithSchema(schema);
  const measure = async (table: string): Promise<number> => {
    const qualified = `"${schema}"."${table}"`;
    await pool.query(`VACUUM ANALYZE ${qualified}`);
    const { rows } = await pool.query<{ bytes: string; count: string }>(
      `SELECT pg_total_relation_size('${qualified}') AS bytes, (SELECT count(*) FROM ${qualified}) AS count`,
    );
    return Number(rows[0]!.bytes) / Number(rows[0]!.count);
  };
  try {
    const PgStore = requireAs<(es: unknown) => new (o: object) => CallbackStore & { close(): void }>('connect-pg-simple')(expressSession());
    const peer = new PgStore({ pool, schemaName: schema, tableName: 'session', createTableIfMissing: true });
    await fillPeer(peer, n);
    peer.close();
    const { PostgresStore } = await importTessera<typeof import('../src/stores/postgres/index.js')>('stores/postgres/index.js');
    const store = new PostgresStore({ pool, schema, table: 'tessera_sessions', pruneInterval: 0 });
    await fillTessera(store, n);
    await store.close();
    return [
      { store: 'connect-pg-simple', n, bytesPerSession: await measure('session') },
      { store: 'tessera PostgresStore', n, bytesPerSession: await measure('tessera_sessions') },
    ];
  } finally {
    await drop();
  }
}

async function main(): Promise<void> {
  const n = Number(process.argv[2] ?? 5000);
  const sizes = [...(await redisSizes(n)), ...(await postgresSizes(n))];
  process.stdout.write(`${JSON.stringify(sizes)}\n`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
