/**
 * PostgreSQL contenders on a pg Pool: express-session + connect-pg-simple (i) and
 * tessera/express-session + PostgresStore (j). Each gets its own schema, dropped afterwards.
 *
 * @module
 */
import pg from 'pg';
import { closeIfAny, type Factory } from './built.js';
import { dropIn, expressSession, importTessera, requireAs } from './untyped.js';
import { sessionOptions } from '../session-data.js';

/** The PostgreSQL server (`BENCH_POSTGRES_URL`, default the local `test` database). */
export const POSTGRES_URL = process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** A schema name for this server process (a plain identifier). */
export function schemaFor(tag: string): string {
  return `bench_${tag.replace(/[^a-z0-9_]/gi, '_')}`.toLowerCase();
}

/** A pool (pg's default size, 10) with a fresh schema; `drop()` removes the schema and ends the pool. */
export async function poolWithSchema(schema: string): Promise<{ pool: pg.Pool; drop: () => Promise<void> }> {
  const pool = new pg.Pool({ connectionString: POSTGRES_URL, max: 10 });
  await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await pool.query(`CREATE SCHEMA "${schema}"`);
  return {
    pool,
    drop: async () => {
      await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await pool.end();
    },
  };
}

type PgStoreClass = new (options: Record<string, unknown>) => object;

export const esPostgres: Factory = async (tag) => {
  const session = expressSession();
  const PgStore = requireAs<(es: unknown) => PgStoreClass>('connect-pg-simple')(session);
  const schema = schemaFor(tag);
  const { pool, drop } = await poolWithSchema(schema);
  const store = new PgStore({ pool, schemaName: schema, tableName: 'session', createTableIfMissing: true });
  return {
    middleware: session({ ...sessionOptions(), store }),
    close: async () => {
      await closeIfAny(store);
      await drop();
    },
  };
};

interface TesseraPostgresModule {
  PostgresStore: new (options: Record<string, unknown>) => object;
}

export const tsPostgres: Factory = async (tag) => {
  const session = await dropIn();
  const { PostgresStore } = await importTessera<TesseraPostgresModule>('stores/postgres/index.js');
  const schema = schemaFor(tag);
  const { pool, drop } = await poolWithSchema(schema);
  const store = new PostgresStore({ pool, schema });
  return {
    middleware: session({ ...sessionOptions(), store }),
    close: async () => {
      await closeIfAny(store);
      await drop();
    },
  };
};
