/**
 * `PostgresStore`: Tessera sessions in a PostgreSQL table, on a `pg` Pool the application owns.
 *
 * @module
 */
import type { Pool } from 'pg';
import { systemClock, type Clock } from '../../core/clock.js';
import { StoreError, toStoreError, type StoreOperation } from '../../core/errors.js';
import { boundedCalls, type Store, type StoreRecord, type UserEpochWatcher } from '../../core/store.js';
import { listenForEpochs, type ListenPool } from './epoch-listener.js';
import { withTimeout } from '../../core/with-timeout.js';
import { buildStatements, checkIdentifier, epochChannel, type NamedStatement, type PostgresStatements } from './sql.js';
import { checkStoreNumber } from '../../core/validate.js';
import { isConnectFailure, isLostConnection } from './connection-errors.js';

/** What the store needs of a pool: `query`. A `pg.Pool` (or a `pg.Client`) fits. */
export type PostgresPool = Pick<Pool, 'query'>;

/** Options of {@link PostgresStore}. */
export interface PostgresStoreOptions {
  /** The `pg` Pool to query through. Required. The store never creates, connects or ends it. */
  pool: PostgresPool;
  /** Schema of the table. Default `'public'`. A plain identifier (letters, digits, `_`). */
  schema?: string;
  /** Table name. Default `'tessera_sessions'`. A plain identifier of at most 48 characters (index names add a suffix within PostgreSQL's 63). */
  table?: string;
  /** Create the table and its indexes on first use (`CREATE TABLE IF NOT EXISTS`). Default `true`. */
  createTable?: boolean;
  /** Milliseconds between background prunes of expired rows, jittered by +/-20%. `0` disables. Default `300_000`. */
  pruneInterval?: number;
  /** Deadline of each store call in milliseconds. Default `5000`. */
  timeout?: number;
  /** Largest value accepted by `set`, in UTF-8 bytes. Default `1_048_576` (1 MiB). */
  maxValueBytes?: number;
  /** Source of "now" for expiry checks. Default `Date.now`. */
  clock?: Clock;
}

/** Expiries are stored as bigint milliseconds; the largest safe integer stands for "never". */
const NEVER = Number.MAX_SAFE_INTEGER;
const JITTER = 0.2;
/** setTimeout's largest delay; a larger one silently becomes 1 ms. */
const MAX_TIMER_MS = 2_147_483_647;

const checkNumber = (option: string, value: unknown, fallback: number, min: number): number =>
  checkStoreNumber('PostgresStore', option, value, fallback, min);

/** Stores an expiry as an integer number of milliseconds (rounded up, so never earlier). */
function toStoredExpiry(expiresAt: number): number {
  if (typeof expiresAt !== 'number' || Number.isNaN(expiresAt)) {
    throw new TypeError(`record.expiresAt must be a number of milliseconds, got ${String(expiresAt)}`);
  }
  return Math.max(-NEVER, Math.min(NEVER, Math.ceil(expiresAt)));
}

/**
 * The delay before the next background prune: `interval` +/-20% at random, so a fleet of
 * processes started together spreads its deletes instead of pruning in lockstep.
 */
export function jitteredDelay(interval: number, random: () => number = Math.random): number {
  return Math.min(MAX_TIMER_MS, interval * (1 - JITTER + 2 * JITTER * random()));
}

interface Row {
  value: string;
  expires_at: string;
  user_key: string | null;
  version: string;
}

/**
 * A session store on PostgreSQL. One statement per operation, each a named (prepared) query;
 * expired rows are never returned and are deleted by a jittered background prune.
 *
 * Table (created on first use unless `createTable: false`; create it yourself with this SQL):
 * ```sql
 * CREATE TABLE IF NOT EXISTS "public"."tessera_sessions" (
 *   key text PRIMARY KEY,        -- derived from the session ID by the core, never the raw ID
 *   value text NOT NULL,         -- the encoded session, opaque to the store
 *   expires_at bigint NOT NULL,  -- absolute expiry, milliseconds since the epoch
 *   user_key text NULL,          -- owner, for listByUser / deleteByUser
 *   version bigint NOT NULL DEFAULT 0  -- 1 on creation, +1 per write (not per touch), for setIfVersion
 * );
 * CREATE INDEX IF NOT EXISTS "tessera_sessions_expires_at_idx" ON "public"."tessera_sessions" (expires_at);
 * CREATE INDEX IF NOT EXISTS "tessera_sessions_user_key_idx" ON "public"."tessera_sessions" (user_key)
 *   WHERE user_key IS NOT NULL;
 * -- revocation epochs (userEpoch / raiseUserEpoch), one row per user ever revoked, never pruned
 * CREATE TABLE IF NOT EXISTS "public"."tessera_sessions_epochs" (user_key text PRIMARY KEY, epoch bigint NOT NULL);
 * -- each raise also runs pg_notify('tessera_sessions_epochs', '<epoch>:<user key>') (watchUserEpochs)
 * ```
 * A table from before versions is migrated on first use (with `createTable: false`, run
 * `ALTER TABLE ... ADD COLUMN IF NOT EXISTS version bigint NOT NULL DEFAULT 0` yourself); its
 * rows read as version 0.
 * `expires_at` is bigint milliseconds rather than `timestamptz` because it is exactly what the
 * Store contract carries: it round-trips without Date or time-zone conversion, and "now" comes
 * from the application's (injectable) clock as a parameter, never the database's `now()`, so
 * every process agrees with the core about when a session ends. For a human view, use
 * `to_timestamp(expires_at / 1000.0)`. Values must not contain U+0000, which `text` cannot hold.
 *
 * @example
 * ```ts
 * import pg from 'pg';
 * import { PostgresStore } from 'tessera/postgres';
 *
 * const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL });
 * const store = new PostgresStore({ pool, table: 'sessions' });
 * // ... on shutdown: await store.close(); await pool.end();
 * ```
 */
export class PostgresStore implements Store {
  /** Every call is bounded (see `boundedCalls` in the Store contract). */
  readonly [boundedCalls] = true;
  readonly #pool: PostgresPool;
  readonly #sql: PostgresStatements;
  readonly #createTable: boolean;
  readonly #timeout: number;
  readonly #maxValueBytes: number;
  readonly #clock: Clock;
  readonly #pruneInterval: number;
  readonly #qualifiedName: string;
  readonly #channel: string;
  #ready: Promise<void> | undefined;
  #timer: NodeJS.Timeout | undefined;
  #closed = false;
  /** The last query found no server (see `isAvailable`); the next one that succeeds clears it. */
  #unreachable = false;

  /** @throws {TypeError} when an option is invalid, naming the option. */
  constructor(options: PostgresStoreOptions) {
    const pool = (options as Partial<PostgresStoreOptions> | undefined)?.pool;
    if (typeof pool !== 'object' || pool === null || typeof pool.query !== 'function') {
      throw new TypeError('PostgresStore: `pool` is required: pass a pg Pool, e.g. new pg.Pool({ connectionString })');
    }
    const schema = checkIdentifier('schema', options.schema ?? 'public', 63);
    const table = checkIdentifier('table', options.table ?? 'tessera_sessions', 48);
    if (options.createTable !== undefined && typeof options.createTable !== 'boolean') {
      throw new TypeError('PostgresStore: `createTable` must be a boolean');
    }
    if (options.clock !== undefined && typeof options.clock !== 'function') {
      throw new TypeError('PostgresStore: `clock` must be a function returning milliseconds since the epoch');
    }
    this.#pool = pool;
    this.#sql = buildStatements(schema, table);
    this.#qualifiedName = `"${schema}"."${table}"`;
    this.#channel = epochChannel(table);
    this.#createTable = options.createTable ?? true;
    this.#timeout = checkNumber('timeout', options.timeout, 5000, 1);
    this.#maxValueBytes = checkNumber('maxValueBytes', options.maxValueBytes, 1_048_576, 1);
    this.#pruneInterval = checkNumber('pruneInterval', options.pruneInterval, 300_000, 0);
    this.#clock = options.clock ?? systemClock;
    this.#schedulePrune();
  }

  async get(key: string): Promise<StoreRecord | undefined> {
    const { rows } = await this.#run<Row>('get', this.#sql.get, [key, this.#clock()]);
    const row = rows[0];
    if (row === undefined) return undefined;
    const stored = Number(row.expires_at);
    const record: StoreRecord = { value: row.value, expiresAt: stored >= NEVER ? Number.POSITIVE_INFINITY : stored };
    if (row.user_key !== null) record.userKey = row.user_key;
    record.version = Number(row.version);
    return record;
  }

  async set(key: string, record: StoreRecord): Promise<void> {
    this.#checkSize('set', record.value);
    await this.#run('set', this.#sql.set, () => [key, record.value, toStoredExpiry(record.expiresAt), record.userKey ?? null]);
  }

  /**
   * Writes the record only if the stored row is live and of version `expected` (one `UPDATE ...
   * WHERE version = $5`), or for `null` missing or expired (one `INSERT ... ON CONFLICT DO
   * UPDATE ... WHERE expired`); resolves to the new version, or `false` writing nothing.
   */
  async setIfVersion(key: string, record: StoreRecord, expected: number | null): Promise<number | false> {
    this.#checkSize('setIfVersion', record.value);
    const now = this.#clock();
    const { rows } = await this.#run<{ version: string }>(
      'setIfVersion',
      expected === null ? this.#sql.create : this.#sql.replaceIfVersion,
      () => {
        const fields = [key, record.value, toStoredExpiry(record.expiresAt), record.userKey ?? null];
        if (expected === null) return [...fields, now];
        if (!Number.isSafeInteger(expected)) throw new TypeError(`expected must be a version number or null, got ${String(expected)}`);
        return [...fields, expected, now];
      },
    );
    const row = rows[0];
    return row === undefined ? false : Number(row.version);
  }

  async touch(key: string, record: StoreRecord): Promise<void> {
    await this.#run('touch', this.#sql.touch, () => [key, toStoredExpiry(record.expiresAt), this.#clock()]);
  }

  async delete(key: string): Promise<void> {
    await this.#run('delete', this.#sql.delete, [key]);
  }

  async listByUser(userKey: string): Promise<string[]> {
    const { rows } = await this.#run<{ key: string }>('listByUser', this.#sql.listByUser, [userKey, this.#clock()]);
    return rows.map((row) => row.key);
  }

  async deleteByUser(userKey: string): Promise<number> {
    const { rowCount } = await this.#run('deleteByUser', this.#sql.deleteByUser, [userKey]);
    return rowCount ?? 0;
  }

  /**
   * Delivers every raise of a revocation epoch (see the Store contract) by `LISTEN` on the
   * channel `<table>_epochs`, on one connection taken from the pool while the watch runs. Needs a
   * `pg.Pool` (with `connect`); rejects with a `TypeError` for a single client.
   */
  async watchUserEpochs(watcher: UserEpochWatcher): Promise<() => Promise<void>> {
    const pool = this.#pool as Partial<ListenPool>;
    if (typeof pool.connect !== 'function' || !('totalCount' in pool)) throw new TypeError('PostgresStore.watchUserEpochs needs a pg.Pool (it listens on a connection of its own)');
    await this.#ensureTable();
    return listenForEpochs(pool as ListenPool, this.#channel, watcher);
  }

  /** The user's revocation epoch (table `<table>_epochs`), 0 when never raised. */
  async userEpoch(userKey: string): Promise<number> {
    const { rows } = await this.#run<{ epoch: string }>('userEpoch', this.#sql.userEpoch, [userKey]);
    return rows[0] === undefined ? 0 : Number(rows[0].epoch);
  }

  /** Raises the user's revocation epoch to `epoch` in one upsert, keeping a larger one. */
  async raiseUserEpoch(userKey: string, epoch: number): Promise<void> {
    await this.#run('raiseUserEpoch', this.#sql.raiseUserEpoch, [userKey, Math.floor(epoch)]);
  }

  async prune(): Promise<number> {
    const { rowCount } = await this.#run('prune', this.#sql.prune, [this.#clock()]);
    return rowCount ?? 0;
  }

  /**
   * `false` from the moment a query could not connect (refused, unreachable, the pool's connect
   * timeout) until a query succeeds again: the core then fails calls at once, letting one trial
   * through now and then (the pool only learns it can connect by trying).
   */
  isAvailable(): boolean {
    return !this.#unreachable;
  }

  /** Stops the background prune. Leaves the pool open: the application owns it. */
  async close(): Promise<void> {
    this.#closed = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /**
   * Runs one named statement under the store's deadline. `values` may be a function so that bad
   * input (a NaN expiry) is reported as a `StoreError` of the right operation, like any failure.
   */
  #run<R extends object = object>(
    operation: StoreOperation,
    statement: NamedStatement,
    values: unknown[] | (() => unknown[]),
  ): Promise<{ rows: R[]; rowCount: number | null }> {
    return withTimeout(operation, this.#timeout, async () => {
      const params = typeof values === 'function' ? values() : values;
      await this.#ensureTable().catch((error: unknown) => {
        this.#unreachable = isConnectFailure(error);
        throw error;
      });
      const query = { ...statement, values: params };
      try {
        // A connection lost under the query (a terminated backend) is retried once, on a fresh one.
        const result = await this.#pool.query<R & Record<string, unknown>>(query).catch((error: unknown) => {
          if (!isLostConnection(error)) throw error;
          return this.#pool.query<R & Record<string, unknown>>(query);
        });
        this.#unreachable = false;
        return result;
      } catch (error) {
        this.#unreachable = isConnectFailure(error);
        throw this.#explain(operation, error);
      }
    });
  }

  /** Creates the table once per store; concurrent first calls share one attempt, a failure is retried next call. */
  #ensureTable(): Promise<void> {
    if (!this.#createTable) return Promise.resolve();
    this.#ready ??= this.#pool.query(this.#sql.createTable).then(
      () => undefined,
      (error: unknown) => {
        this.#ready = undefined;
        throw error;
      },
    );
    return this.#ready;
  }

  #checkSize(operation: 'set' | 'setIfVersion', value: string): void {
    const bytes = Buffer.byteLength(value, 'utf8');
    if (bytes > this.#maxValueBytes) {
      throw new StoreError(operation, `session value of ${bytes} bytes exceeds maxValueBytes (${this.#maxValueBytes})`, {
        code: 'ERR_STORE_VALUE_TOO_LARGE',
      });
    }
  }

  /** Turns "relation does not exist" into an error that says what to do about it. */
  #explain(operation: StoreOperation, error: unknown): StoreError {
    if ((error as { code?: unknown } | null)?.code === '42P01') {
      return new StoreError(
        operation,
        `session table ${this.#qualifiedName} does not exist: create it (see the PostgresStore docs) ` +
          'or leave the createTable option at true',
        { cause: error },
      );
    }
    if ((error as { code?: unknown } | null)?.code === '42703') {
      return new StoreError(
        operation,
        `session table ${this.#qualifiedName} lacks a column (likely version, added in this release): run ` +
          `ALTER TABLE ${this.#qualifiedName} ADD COLUMN IF NOT EXISTS version bigint NOT NULL DEFAULT 0, ` +
          'or leave the createTable option at true',
        { cause: error },
      );
    }
    return toStoreError(operation, error);
  }

  /** Prunes in the background at a jittered interval; the timer never keeps the process alive. */
  #schedulePrune(): void {
    if (this.#pruneInterval === 0 || this.#closed) return;
    this.#timer = setTimeout(() => {
      // A failed prune is only late housekeeping (get never returns expired rows): retry next tick.
      this.prune().then(
        () => this.#schedulePrune(),
        () => this.#schedulePrune(),
      );
    }, jitteredDelay(this.#pruneInterval));
    this.#timer.unref();
  }
}
