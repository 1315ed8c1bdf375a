/**
 * Which `pg` failures mean "the server cannot be reached" (as opposed to a query that failed on
 * a working connection), for `PostgresStore.isAvailable`.
 *
 * @module
 */

/** Socket-level codes of a connection attempt that found no server. */
const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'ETIMEDOUT']);

/**
 * SQLSTATEs of a server that refuses new connections: 57P03 cannot_connect_now (starting up,
 * shutting down), 08001 / 08004 the client could not establish a connection / was rejected.
 */
const REFUSING_SQLSTATES = new Set(['57P03', '08001', '08004']);

/**
 * True when `error` says no connection could be made: the server is down, unreachable, or not
 * accepting connections, or the pool gave up waiting for a connection (`connectionTimeoutMillis`).
 * A backend terminated mid-query (57P01) is not: the pool replaces it on the next call.
 */
export function isConnectFailure(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && (UNREACHABLE_CODES.has(code) || REFUSING_SQLSTATES.has(code))) return true;
  // AggregateError (Node tries every address of a host name) carries the codes of its parts.
  const errors = (error as { errors?: unknown }).errors;
  if (Array.isArray(errors) && errors.some(isConnectFailure)) return true;
  const message = (error as { message?: unknown }).message;
  return typeof message === 'string' && /timeout exceeded when trying to connect/i.test(message);
}

/**
 * True when the connection a query ran on was lost under it: its backend was terminated
 * (57P01 admin_shutdown, 57P02 crash_shutdown; `pg_terminate_backend`, a failover) or the socket
 * was cut. The pool drops that client, so the same statement on a fresh connection may well
 * succeed; every statement of the store is idempotent, so it is safe to send once more.
 */
export function isLostConnection(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const code = (error as { code?: unknown }).code;
  if (code === '57P01' || code === '57P02' || code === 'ECONNRESET' || code === 'EPIPE') return true;
  const message = (error as { message?: unknown }).message;
  return typeof message === 'string' && /Connection terminated|Client has encountered a connection error/i.test(message);
}
