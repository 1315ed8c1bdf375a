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
      user_key text NULL
    )`,
    `CREATE INDEX IF NOT EXISTS ${quoteIdentifier(`${table}_expires_at_idx`)} ON ${qualified} (expires_at)`,
    `CREATE INDEX IF NOT EXISTS ${quoteIdentifier(`${table}_user_key_idx`)} ON ${qualified} (user_key)` +
      ' WHERE user_key IS NOT NULL',
    `CREATE TABLE IF NOT EXISTS ${epochs} (user_key text PRIMARY KEY, epoch bigint NOT NULL)`,
  ].join(';\n');
  return {
    createTable,
    get: named('get', `SELECT value, expires_at, user_key FROM ${qualified} WHERE key = $1 AND expires_at > $2`),
    set: named(
      'set',
      `INSERT INTO ${qualified} (key, value, expires_at, user_key) VALUES ($1, $2, $3, $4)
       ON CONFLICT (key) DO UPDATE
       SET value = EXCLUDED.value, expires_at = EXCLUDED.expires_at, user_key = EXCLUDED.user_key`,
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
    raiseUserEpoch: named(
      'raise_user_epoch',
      `INSERT INTO ${epochs} (user_key, epoch) VALUES ($1, $2)
       ON CONFLICT (user_key) DO UPDATE SET epoch = GREATEST(${epochs}.epoch, EXCLUDED.epoch)`,
    ),
  };
}
