/**
 * The SQL of `PostgresStore`: identifier checks and quoting, the table definition, and one named
 * statement per store operation. Kept apart from the store so the schema is readable in one place.
 *
 * @module
 */
import { createHash } from 'node:crypto';

/** A plain SQL identifier: letters, digits, `_`, not starting with a digit. */
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Throws a `TypeError` naming `option` unless `value` is a plain identifier of at most
 * `maxLength` characters. Only plain names are accepted (even though they are quoted) so a
 * typo or an injection attempt fails at construction rather than in a query.
 */
export function checkIdentifier(option: string, value: unknown, maxLength: number): string {
  if (typeof value !== 'string' || !IDENTIFIER.test(value) || value.length > maxLength) {
    throw new TypeError(
      `PostgresStore: \`${option}\` must be a SQL identifier of 1-${maxLength} letters, digits or underscores ` +
        `not starting with a digit, got ${JSON.stringify(value)}`,
    );
  }
  return value;
}

/** Double-quotes an identifier (keeps its case, makes reserved words safe). */
export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** A pg query config with a statement name, so each connection parses and plans it once. */
export interface NamedStatement {
  name: string;
  text: string;
}

/** Every statement the store runs, built once per schema + table. */
export interface PostgresStatements {
  /** Creates the table and its indexes, serialised across processes (no parameters). */
  createTable: string;
  get: NamedStatement;
  set: NamedStatement;
  /** Inserts, or replaces an expired row; returns the new version, or no row when a live one is there. */
  create: NamedStatement;
  /** Replaces a live row of the expected version; returns the new version, or no row. */
  replaceIfVersion: NamedStatement;
  touch: NamedStatement;
  delete: NamedStatement;
  listByUser: NamedStatement;
  deleteByUser: NamedStatement;
  prune: NamedStatement;
  userEpoch: NamedStatement;
  raiseUserEpoch: NamedStatement;
}

/**
 * Builds the statements for `schema`.`table`. Statement names carry a hash of the qualified
 * table, because pg refuses one name for two different texts on the same connection: two stores
 * on different tables sharing a pool must not clash.
 */
export function buildStatements(schema: string, table: string): PostgresStatements {
  const qualified = `${quoteIdentifier(schema)}.${quoteIdentifier(table)}`;
  const tag = createHash('sha256').update(`${schema}.${table}`).digest('hex').slice(0, 12);
  const named = (op: string, text: string): NamedStatement => ({ name: `tessera_${tag}_${op}`, text });
  // The advisory lock and the DDL travel as one simple-protocol query, which PostgreSQL runs as
  // one implicit transaction: the lock is held until the DDL commits, so concurrent first uses
  // (several processes starting together) never race CREATE TABLE IF NOT EXISTS, which is not
  // atomic on its own (it can fail with a duplicate pg_type key).
  const lockKey = `tessera:${schema}.${table}`;
  // Revocation epochs: one row per user ever revoked, never pruned (see `Store.raiseUserEpoch`).
  const epochs = `${quoteIdentifier(schema)}.${quoteIdentifier(`${table}_epochs`)}`;
  const createTable = [
    `SELECT pg_advisory_xact_lock(hashtext('${lockKey}'))`,
    `CREATE TABLE IF NOT EXISTS ${qualified} (
      key text PRIMARY KEY,
      value text NOT NULL,
      expires_at bigint NOT NULL,
      user_key text NULL,
      version bigint NOT NULL DEFAULT 0
    )`,
    // A table from before versions gets the column (its rows read as version 0). Checked first, so
    // an up-to-date table is not locked by ALTER TABLE on every start.
    `DO $tessera$ BEGIN
      IF NOT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = '${qualified.replaceAll("'", "''")}'::regclass
                     AND attname = 'version' AND NOT attisdropped) THEN
        ALTER TABLE ${qualified} ADD COLUMN version bigint NOT NULL DEFAULT 0;
      END IF;
    END $tessera$`,
    `CREATE INDEX IF NOT EXISTS ${quoteIdentifier(`${table}_expires_at_idx`)} ON ${qualified} (expires_at)`,
    `CREATE INDEX IF NOT EXISTS ${quoteIdentifier(`${table}_user_key_idx`)} ON ${qualified} (user_key)` +
      ' WHERE user_key IS NOT NULL',
    `CREATE TABLE IF NOT EXISTS ${epochs} (user_key text PRIMARY KEY, epoch bigint NOT NULL)`,
  ].join(';\n');
  return {
    createTable,
    get: named('get', `SELECT value, expires_at, user_key, version FROM ${qualified} WHERE key = $1 AND expires_at > $2`),
    // Every write moves the version on; `s` is the stored row.
    set: named(
      'set',
      `INSERT INTO ${qualified} AS s (key, value, expires_at, user_key, version) VALUES ($1, $2, $3, $4, 1)
       ON CONFLICT (key) DO UPDATE
       SET value = EXCLUDED.value, expires_at = EXCLUDED.expires_at, user_key = EXCLUDED.user_key, version = s.version + 1`,
    ),
    // Check and write in one statement: a concurrent writer of the same row waits for the row
    // lock, and PostgreSQL re-checks the WHERE against the row it then finds (READ COMMITTED), so
    // of concurrent writes from one version exactly one matches.
    create: named(
      'create',
      `INSERT INTO ${qualified} AS s (key, value, expires_at, user_key, version) VALUES ($1, $2, $3, $4, 1)
       ON CONFLICT (key) DO UPDATE
       SET value = EXCLUDED.value, expires_at = EXCLUDED.expires_at, user_key = EXCLUDED.user_key, version = s.version + 1
       WHERE s.expires_at <= $5
       RETURNING version`,
    ),
    replaceIfVersion: named(
      'replace_if_version',
      `UPDATE ${qualified} SET value = $2, expires_at = $3, user_key = $4, version = version + 1
       WHERE key = $1 AND version = $5 AND expires_at > $6
       RETURNING version`,
    ),
    touch: named('touch', `UPDATE ${qualified} SET expires_at = $2 WHERE key = $1 AND expires_at > $3`),
    delete: named('delete', `DELETE FROM ${qualified} WHERE key = $1`),
    listByUser: named(
      'list_by_user',
      `SELECT key FROM ${qualified} WHERE user_key = $1 AND expires_at > $2 ORDER BY key`,
    ),
    deleteByUser: named('delete_by_user', `DELETE FROM ${qualified} WHERE user_key = $1`),
    prune: named('prune', `DELETE FROM ${qualified} WHERE expires_at <= $1`),
    userEpoch: named('user_epoch', `SELECT epoch FROM ${epochs} WHERE user_key = $1`),
    // The raise and its notification (`watchUserEpochs`) in one statement: NOTIFY is delivered
    // when the statement commits, never for a raise that did not.
    raiseUserEpoch: named(
      'raise_user_epoch',
      `WITH raised AS (
         INSERT INTO ${epochs} (user_key, epoch) VALUES ($1, $2)
         ON CONFLICT (user_key) DO UPDATE SET epoch = GREATEST(${epochs}.epoch, EXCLUDED.epoch)
         RETURNING epoch)
       SELECT pg_notify(${quoteLiteral(epochChannel(table))}, raised.epoch::text || ':' || $1::text) FROM raised`,
    ),
  };
}

/** The `LISTEN/NOTIFY` channel of a table's revocation epochs (at most 55 characters: table names are 48 at most). */
export function epochChannel(table: string): string {
  return `${table}_epochs`;
}

function quoteLiteral(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}
