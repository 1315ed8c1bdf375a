/**
 * `SqliteStore`: sessions in a SQLite database file through better-sqlite3, for single-server
 * apps that want sessions to survive a restart without running a database server.
 *
 * @module
 */
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import type { Database as SqliteDatabase } from 'better-sqlite3';
import { systemClock, type Clock } from '../../core/clock.js';
import { StoreError, toStoreError } from '../../core/errors.js';
import { boundedCalls, type Store, type StoreRecord } from '../../core/store.js';
import { createSchema, prepareStatements, TABLE_NAME, type SessionStatements } from './sqlite-schema.js';

/** Options of `SqliteStore`. Pass `path` or `db`, not both. */
export interface SqliteStoreOptions {
  /**
   * The database file; the store opens it (creating its parent folder), puts it in WAL mode and
   * closes it on `close()`. A relative path is resolved against the current directory.
   * Default `'./data/tessera-sessions.db'`.
   */
  path?: string;
  /**
   * A better-sqlite3 `Database` you opened. The store creates its table in it but never closes
   * it, and leaves its settings alone (we recommend `db.pragma('journal_mode = WAL')`).
   */
  db?: SqliteDatabase;
  /** The table's name: a letter or `_`, then up to 62 letters, digits or `_`. Default `'tessera_sessions'`. */
  table?: string;
  /** How often, in ms, expired rows are deleted in the background; `0` disables it. Default `300_000`. */
  pruneInterval?: number;
  /**
   * Largest value accepted, in UTF-8 bytes; a larger one is refused with a `StoreError`
   * (`ERR_STORE_VALUE_TOO_LARGE`) before anything is written. Default `1_114_112` (1 MiB + 64 KiB).
   */
  maxValueBytes?: number;
  /**
   * How long, in ms, a call waits for a lock held by another connection before failing with a
   * `StoreError` (SQLite's busy timeout; better-sqlite3 is synchronous, so this is the deadline a
   * call can have). Only with `path`; configure your own `db` yourself. Default `5000`.
   */
  timeout?: number;
  /** The time source expiry is checked against. Default: the system clock. */
  clock?: Clock;
}

const DEFAULT_PATH = './data/tessera-sessions.db';
const DEFAULT_TABLE = 'tessera_sessions';
const DEFAULT_PRUNE_INTERVAL = 300_000;
const DEFAULT_MAX_VALUE_BYTES = 1024 * 1024 + 64 * 1024;
const DEFAULT_TIMEOUT = 5000;
const MAX_TIMER_MS = 2_147_483_647;

/**
 * A session store in SQLite. Every call is one prepared statement (prepared once, at
 * construction); better-sqlite3 runs it synchronously and the result comes back as a settled
 * promise, a failure as a `StoreError` naming the operation with the SQLite error as `cause`.
 * Reads filter on `expires_at > now`, so an expired row is never returned even before the
 * background prune (unref'd, every `pruneInterval`) deletes it.
 *
 * The table (name from `table`, default `tessera_sessions`):
 *
 * ```sql
 * CREATE TABLE tessera_sessions (
 *   key TEXT PRIMARY KEY NOT NULL,  -- the store key the core derives from the session ID
 *   value TEXT NOT NULL,            -- the encoded session, opaque
 *   expires_at INTEGER NOT NULL,    -- absolute expiry, ms since the epoch
 *   user_key TEXT,                  -- the session's user, or NULL
 *   version INTEGER NOT NULL DEFAULT 0  -- 1 on creation, +1 per write (not per touch), for setIfVersion
 * );
 * CREATE INDEX tessera_sessions_expires_at ON tessera_sessions (expires_at);
 * CREATE INDEX tessera_sessions_user_key ON tessera_sessions (user_key) WHERE user_key IS NOT NULL;
 * CREATE TABLE tessera_sessions_epochs (  -- revocation epochs (userEpoch / raiseUserEpoch), never pruned
 *   user_key TEXT PRIMARY KEY NOT NULL,
 *   epoch INTEGER NOT NULL
 * );
 * ```
 *
 * A table from before versions is migrated on open (`ALTER TABLE ... ADD COLUMN version INTEGER
 * NOT NULL DEFAULT 0`); its rows read as version 0.
 *
 * @example
 * ```ts
 * import { SqliteStore } from 'tessera/sqlite';
 *
 * const store = new SqliteStore({ path: './data/sessions.db' });
 * // ... or share your own database: new SqliteStore({ db, table: 'web_sessions' })
 * await store.set('k1', { value: 'v', expiresAt: Date.now() + 3_600_000, userKey: 'user-42' });
 * await store.deleteByUser('user-42'); // 1
 * await store.close(); // stops the prune timer and closes the file it opened
 * ```
 */
export class SqliteStore implements Store {
  /** Every call is bounded (see `boundedCalls` in the Store contract). */
  readonly [boundedCalls] = true;
  readonly #db: SqliteDatabase;
  readonly #ownsDb: boolean;
  readonly #sql: SessionStatements;
  readonly #clock: Clock;
  readonly #maxValueBytes: number;
  /** Values up to this many UTF-16 units are within `maxValueBytes` (a unit is at most 3 bytes). */
  readonly #surelySmall: number;
  #timer: ReturnType<typeof setInterval> | undefined;

  /**
   * Opens (with `path`) or adopts (with `db`) the database and creates the table if missing.
   * @throws TypeError when an option is invalid, naming it; the SQLite error when the file cannot
   * be opened or the table created.
   */
  constructor(options: SqliteStoreOptions = {}) {
    const opts = validate(options);
    this.#clock = opts.clock;
    this.#maxValueBytes = opts.maxValueBytes;
    this.#surelySmall = Math.floor(opts.maxValueBytes / 3);
    this.#ownsDb = options.db === undefined;
    this.#db = options.db ?? openFile(options.path ?? DEFAULT_PATH, opts.timeout);
    try {
      createSchema(this.#db, opts.table);
      this.#sql = prepareStatements(this.#db, opts.table);
    } catch (error) {
      if (this.#ownsDb) this.#db.close();
      throw error;
    }
    if (opts.pruneInterval > 0) {
      // A weak reference, so a store dropped without close() can be collected; unref() so the
      // timer never holds the process open.
      const self = new WeakRef(this);
      const timer = setInterval(() => {
        const store = self.deref();
        if (store === undefined) clearInterval(timer);
        // A failed background prune (e.g. the file is locked) is retried on the next interval;
        // expired rows are filtered out of every read meanwhile, so nothing is lost by ignoring it.
        else store.prune().catch(() => undefined);
      }, opts.pruneInterval);
      timer.unref();
      this.#timer = timer;
    }
  }

  /** Reads an unexpired record. */
  get(key: string): Promise<StoreRecord | undefined> {
    try {
      const row = this.#sql.get.get(key, this.#clock());
      if (row === undefined) return Promise.resolve(undefined);
      const { value, expiresAt, userKey, version } = row;
      return Promise.resolve(userKey === null ? { value, expiresAt, version } : { value, expiresAt, userKey, version });
    } catch (error) {
      return Promise.reject(toStoreError('get', error));
    }
  }

  /** Creates or replaces a record (one upsert), moving its version on. */
  set(key: string, record: StoreRecord): Promise<void> {
    const refused = this.#refuse('set', record.value);
    if (refused !== undefined) return refused;
    try {
      this.#sql.upsert.run(key, record.value, record.expiresAt, record.userKey ?? null);
      return Promise.resolve();
    } catch (error) {
      return Promise.reject(toStoreError('set', error));
    }
  }

  /**
   * Writes the record only if the stored row is live and of version `expected` (one `UPDATE ...
   * WHERE version = ?`), or for `null` missing or expired (one `INSERT ... ON CONFLICT DO UPDATE
   * ... WHERE expired`); resolves to the new version, or `false` writing nothing.
   */
  setIfVersion(key: string, record: StoreRecord, expected: number | null): Promise<number | false> {
    const refused = this.#refuse('setIfVersion', record.value);
    if (refused !== undefined) return refused;
    try {
      const { value, expiresAt } = record;
      const userKey = record.userKey ?? null;
      const now = this.#clock();
      const version =
        expected === null
          ? this.#sql.create.get(key, value, expiresAt, userKey, now)
          : this.#sql.replaceIfVersion.get(value, expiresAt, userKey, key, expected, now);
      return Promise.resolve(version ?? false);
    } catch (error) {
      return Promise.reject(toStoreError('setIfVersion', error));
    }
  }

  /** Sets a new expiry on an unexpired record (one UPDATE; the value and version are kept). */
  touch(key: string, record: StoreRecord): Promise<void> {
    try {
      this.#sql.touch.run(record.expiresAt, key, this.#clock());
      return Promise.resolve();
    } catch (error) {
      return Promise.reject(toStoreError('touch', error));
    }
  }

  /** Deletes a record; resolves whether or not it existed. */
  delete(key: string): Promise<void> {
    try {
      this.#sql.delete.run(key);
      return Promise.resolve();
    } catch (error) {
      return Promise.reject(toStoreError('delete', error));
    }
  }

  /** Keys of the user's unexpired sessions. */
  listByUser(userKey: string): Promise<string[]> {
    try {
      return Promise.resolve(this.#sql.listByUser.all(userKey, this.#clock()));
    } catch (error) {
      return Promise.reject(toStoreError('listByUser', error));
    }
  }

  /** Deletes every row of the user; resolves to how many unexpired sessions that ended. */
  deleteByUser(userKey: string): Promise<number> {
    try {
      const expiries = this.#sql.deleteByUser.all(userKey);
      const now = this.#clock();
      return Promise.resolve(expiries.filter((expiresAt) => expiresAt > now).length);
    } catch (error) {
      return Promise.reject(toStoreError('deleteByUser', error));
    }
  }

  /** The user's revocation epoch (table `<table>_epochs`), 0 when never raised. */
  userEpoch(userKey: string): Promise<number> {
    try {
      return Promise.resolve(this.#sql.userEpoch.get(userKey) ?? 0);
    } catch (error) {
      return Promise.reject(toStoreError('userEpoch', error));
    }
  }

  /** Raises the user's revocation epoch to `epoch` in one upsert, keeping a larger one. */
  raiseUserEpoch(userKey: string, epoch: number): Promise<void> {
    try {
      this.#sql.raiseUserEpoch.run(userKey, epoch);
      return Promise.resolve();
    } catch (error) {
      return Promise.reject(toStoreError('raiseUserEpoch', error));
    }
  }

  /** Deletes expired rows now; resolves to how many. */
  prune(): Promise<number> {
    try {
      return Promise.resolve(this.#sql.prune.run(this.#clock()).changes);
    } catch (error) {
      return Promise.reject(toStoreError('prune', error));
    }
  }

  /** The rejection of a value over `maxValueBytes`, or `undefined` when it fits. */
  #refuse(operation: 'set' | 'setIfVersion', value: string): Promise<never> | undefined {
    // Only long values pay for counting bytes.
    if (value.length <= this.#surelySmall || Buffer.byteLength(value) <= this.#maxValueBytes) return undefined;
    const message = `session value is larger than maxValueBytes (${this.#maxValueBytes} bytes)`;
    return Promise.reject(new StoreError(operation, message, { code: 'ERR_STORE_VALUE_TOO_LARGE' }));
  }

  /** Stops the prune timer and closes the database if the store opened it (never a `db` passed in). */
  close(): Promise<void> {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
    try {
      if (this.#ownsDb && this.#db.open) this.#db.close();
      return Promise.resolve();
    } catch (error) {
      return Promise.reject(toStoreError('close', error));
    }
  }
}

/** Opens the store's own database file in WAL mode, creating its folder. */
function openFile(path: string, timeout: number): SqliteDatabase {
  const inMemory = path === ':memory:' || path === '';
  if (!inMemory) mkdirSync(dirname(resolve(path)), { recursive: true });
  const db = new Database(path, { timeout });
  try {
    // WAL: readers never block the writer. synchronous=NORMAL is durable in WAL mode except for the
    // last commits before a power loss, which for sessions beats an fsync on every request.
    if (!inMemory) db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
  } catch (error) {
    db.close();
    throw error;
  }
  return db;
}

/** Checks the options, throwing a `TypeError` that names the bad one; returns them with defaults. */
function validate(options: SqliteStoreOptions): Required<Omit<SqliteStoreOptions, 'path' | 'db'>> {
  if (typeof options !== 'object' || options === null) throw new TypeError('SqliteStore: options must be an object');
  const { path, db, table = DEFAULT_TABLE, pruneInterval = DEFAULT_PRUNE_INTERVAL } = options;
  const { maxValueBytes = DEFAULT_MAX_VALUE_BYTES, timeout = DEFAULT_TIMEOUT, clock = systemClock } = options;
  const fail = (message: string): never => {
    throw new TypeError(`SqliteStore: ${message}`);
  };
  if (path !== undefined && db !== undefined) fail('pass either option path (a file the store opens) or option db (your Database), not both');
  if (path !== undefined && typeof path !== 'string') fail(`option path must be a file path string, got ${typeof path}`);
  if (db !== undefined && (typeof db !== 'object' || db === null || typeof db.prepare !== 'function')) {
    fail('option db must be a better-sqlite3 Database');
  }
  if (db !== undefined && options.timeout !== undefined) fail('option timeout applies only with option path; set the busy timeout on your own db');
  if (typeof table !== 'string' || !TABLE_NAME.test(table)) {
    fail(`option table must be a letter or _ followed by up to 62 letters, digits or _, got ${JSON.stringify(table)}`);
  }
  if (typeof pruneInterval !== 'number' || !(pruneInterval >= 0 && pruneInterval <= MAX_TIMER_MS)) {
    fail(`option pruneInterval must be a number of ms from 0 (off) to ${MAX_TIMER_MS}, got ${String(pruneInterval)}`);
  }
  if (!Number.isSafeInteger(maxValueBytes) || maxValueBytes < 1) fail(`option maxValueBytes must be a positive integer, got ${String(maxValueBytes)}`);
  if (!Number.isSafeInteger(timeout) || timeout < 0 || timeout > MAX_TIMER_MS) fail(`option timeout must be a whole number of ms >= 0, got ${String(timeout)}`);
  if (typeof clock !== 'function') fail('option clock must be a function returning ms since the epoch');
  return { table, pruneInterval, maxValueBytes, timeout, clock };
}
