/**
 * The SQL of `SqliteStore`: its table, indexes and the statements it prepares once.
 *
 * @module
 */
import type { Database, Statement } from 'better-sqlite3';

/** A row as `get` reads it. */
export interface SessionRow {
  value: string;
  expiresAt: number;
  userKey: string | null;
  version: number;
}

/** The prepared statements of a `SqliteStore`, one per operation. */
export interface SessionStatements {
  get: Statement<[key: string, now: number], SessionRow>;
  upsert: Statement<[key: string, value: string, expiresAt: number, userKey: string | null]>;
  /** Inserts, or replaces an expired row; returns the new version, or no row when a live one is there. */
  create: Statement<[key: string, value: string, expiresAt: number, userKey: string | null, now: number], number>;
  /** Replaces a live row of the expected version; returns the new version, or no row. */
  replaceIfVersion: Statement<[value: string, expiresAt: number, userKey: string | null, key: string, expected: number, now: number], number>;
  touch: Statement<[expiresAt: number, key: string, now: number]>;
  delete: Statement<[key: string]>;
  listByUser: Statement<[userKey: string, now: number], string>;
  deleteByUser: Statement<[userKey: string], number>;
  prune: Statement<[now: number]>;
  userEpoch: Statement<[userKey: string], number>;
  raiseUserEpoch: Statement<[userKey: string, epoch: number]>;
}

/** SQLite identifiers we accept for the table: a letter or `_`, then letters, digits, `_`. */
export const TABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/**
 * Creates the table and its indexes if missing. `table` must match `TABLE_NAME` (it is quoted as
 * well, but it is validated first because it is part of the SQL text, not a bound parameter).
 *
 * A rowid table rather than `WITHOUT ROWID`: SQLite recommends the latter only for small rows,
 * and a session value may be up to a megabyte.
 */
export function createSchema(db: Database, table: string): void {
  db.exec(`
    CREATE TABLE IF NOT EXISTS "${table}" (
      key TEXT PRIMARY KEY NOT NULL,
      value TEXT NOT NULL,
      expires_at INTEGER NOT NULL,
      user_key TEXT,
      version INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX IF NOT EXISTS "${table}_expires_at" ON "${table}" (expires_at);
    CREATE INDEX IF NOT EXISTS "${table}_user_key" ON "${table}" (user_key) WHERE user_key IS NOT NULL;
    CREATE TABLE IF NOT EXISTS "${table}_epochs" (
      user_key TEXT PRIMARY KEY NOT NULL,
      epoch INTEGER NOT NULL
    );
  `);
  addVersionColumn(db, table);
}

/**
 * Migrates a table created before records carried versions: SQLite has no `ADD COLUMN IF NOT
 * EXISTS`, so the column list is read first. Existing rows read as version 0, which is a version
 * like any other: the next write moves it to 1.
 */
function addVersionColumn(db: Database, table: string): void {
  const columns = db.prepare<[string], string>('SELECT name FROM pragma_table_info(?)').pluck().all(table);
  if (!columns.includes('version')) db.exec(`ALTER TABLE "${table}" ADD COLUMN version INTEGER NOT NULL DEFAULT 0`);
}

/**
 * Prepares every statement once. Integers are read as plain numbers even when the user's
 * database was opened with `defaultSafeIntegers(true)`: expiries are ms timestamps, far below 2^53.
 */
export function prepareStatements(db: Database, table: string): SessionStatements {
  const t = `"${table}"`;
  return {
    get: db
      .prepare<[string, number], SessionRow>(
        `SELECT value, expires_at AS expiresAt, user_key AS userKey, version FROM ${t} WHERE key = ? AND expires_at > ?`,
      )
      .safeIntegers(false),
    // Every write moves the version on (an unqualified column in DO UPDATE is the stored row's).
    upsert: db.prepare<[string, string, number, string | null]>(
      `INSERT INTO ${t} (key, value, expires_at, user_key, version) VALUES (?, ?, ?, ?, 1)
       ON CONFLICT (key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at, user_key = excluded.user_key,
         version = version + 1`,
    ),
    // The expiry checks run inside the statement, so check and write are one atomic step.
    create: db
      .prepare<[string, string, number, string | null, number], number>(
        `INSERT INTO ${t} (key, value, expires_at, user_key, version) VALUES (?, ?, ?, ?, 1)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at, user_key = excluded.user_key,
           version = version + 1
         WHERE expires_at <= ?
         RETURNING version`,
      )
      .pluck()
      .safeIntegers(false),
    replaceIfVersion: db
      .prepare<[string, number, string | null, string, number, number], number>(
        `UPDATE ${t} SET value = ?, expires_at = ?, user_key = ?, version = version + 1
         WHERE key = ? AND version = ? AND expires_at > ?
         RETURNING version`,
      )
      .pluck()
      .safeIntegers(false),
    // One statement that only touches unexpired rows: an expired session is never revived.
    touch: db.prepare<[number, string, number]>(`UPDATE ${t} SET expires_at = ? WHERE key = ? AND expires_at > ?`),
    delete: db.prepare<[string]>(`DELETE FROM ${t} WHERE key = ?`),
    listByUser: db
      .prepare<[string, number], string>(`SELECT key FROM ${t} WHERE user_key = ? AND expires_at > ?`)
      .pluck()
      .safeIntegers(false),
    // RETURNING lets one statement delete every row and still count only the live sessions.
    deleteByUser: db
      .prepare<[string], number>(`DELETE FROM ${t} WHERE user_key = ? RETURNING expires_at`)
      .pluck()
      .safeIntegers(false),
    prune: db.prepare<[number]>(`DELETE FROM ${t} WHERE expires_at <= ?`),
    userEpoch: db.prepare<[string], number>(`SELECT epoch FROM "${table}_epochs" WHERE user_key = ?`).pluck().safeIntegers(false),
    raiseUserEpoch: db.prepare<[string, number]>(
      `INSERT INTO "${table}_epochs" (user_key, epoch) VALUES (?, ?)
       ON CONFLICT (user_key) DO UPDATE SET epoch = max(epoch, excluded.epoch)`,
    ),
  };
}
