/**
 * Runtime errors with stable codes. Bad options are plain `TypeError`s thrown at construction;
 * everything that can go wrong while serving a request is a `TesseraError`.
 *
 * @module
 */

/** Every code a `TesseraError` can carry. Stable: switch on them. */
export type TesseraErrorCode =
  | 'ERR_STORE_FAILED'
  | 'ERR_STORE_TIMEOUT'
  | 'ERR_STORE_UNAVAILABLE'
  | 'ERR_STORE_VALUE_TOO_LARGE'
  | 'ERR_HEADERS_SENT'
  | 'ERR_SESSION_DESTROYED'
  | 'ERR_SESSION_NOT_FOUND'
  | 'ERR_SECRET_MISSING'
  | 'ERR_COOKIE_SERIALIZE'
  | 'ERR_COOKIE_TOO_LARGE'
  | 'ERR_LOGIN_TWICE'
  | 'ERR_DEVICES_UNAVAILABLE';

/** Base class of Tessera's runtime errors. The original error, if any, is kept as `cause`. */
export class TesseraError extends Error {
  /** A stable code, e.g. `ERR_STORE_FAILED`. */
  readonly code: TesseraErrorCode;

  constructor(code: TesseraErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TesseraError';
    this.code = code;
  }
}

/** The store operation a `StoreError` comes from. */
export type StoreOperation =
  | 'get'
  | 'set'
  | 'setIfVersion'
  | 'touch'
  | 'delete'
  | 'listByUser'
  | 'deleteByUser'
  | 'userEpoch'
  | 'raiseUserEpoch'
  | 'prune'
  | 'close';

/** The codes a `StoreError` can carry. */
export type StoreErrorCode = 'ERR_STORE_FAILED' | 'ERR_STORE_TIMEOUT' | 'ERR_STORE_UNAVAILABLE' | 'ERR_STORE_VALUE_TOO_LARGE';

/**
 * A store call that failed (`ERR_STORE_FAILED`), timed out (`ERR_STORE_TIMEOUT`), was not even
 * tried because the store is known to be down (`ERR_STORE_UNAVAILABLE`: its client reports it
 * disconnected, or the circuit breaker is open), or refused its input (`ERR_STORE_VALUE_TOO_LARGE`).
 */
export class StoreError extends TesseraError {
  /** Which store method failed. */
  readonly operation: StoreOperation;
  /**
   * The HTTP status this failure answers with: 503 (Service Unavailable) when the store is down,
   * failing or slow, 500 for a refused value (that is the app's doing, not an outage). Express's,
   * Koa's and Fastify's default error handlers read `status` / `statusCode`.
   */
  readonly status: 500 | 503;
  /** The same as `status`, for the handlers that read `statusCode`. */
  readonly statusCode: 500 | 503;
  /**
   * Always `false`: the message (which names the store operation and its cause) is for logs, not
   * for the client. With `status` and `statusCode` this is the http-errors shape, which NestJS's
   * exception layer honours (it answers `{ statusCode: 503, message: 'Service Unavailable' }`
   * rather than a 500) and Koa reads the same way.
   */
  readonly expose = false;

  constructor(operation: StoreOperation, message: string, options?: { cause?: unknown; code?: StoreErrorCode }) {
    const code = options?.code ?? 'ERR_STORE_FAILED';
    super(code, message, options);
    this.name = 'StoreError';
    this.operation = operation;
    this.status = this.statusCode = code === 'ERR_STORE_VALUE_TOO_LARGE' ? 500 : 503;
  }
}

/**
 * True when `error` is a Tessera error, optionally with the given code. Checks the `code`,
 * not `instanceof`, because the ESM and CommonJS builds define two copies of each class.
 */
export function isTesseraError(error: unknown, code?: TesseraErrorCode): error is TesseraError {
  if (typeof error !== 'object' || error === null) return false;
  const c = (error as { code?: unknown }).code;
  const name = (error as { name?: unknown }).name;
  if (typeof c !== 'string' || !c.startsWith('ERR_')) return false;
  if (name !== 'TesseraError' && name !== 'StoreError') return false;
  return code === undefined || c === code;
}

/** Wraps any failure of a store call as a `StoreError` (a `StoreError` passes through). */
export function toStoreError(operation: StoreOperation, cause: unknown): StoreError {
  if (cause instanceof StoreError) return cause;
  if (isTesseraError(cause) && (cause as { operation?: unknown }).operation !== undefined) {
    return cause as StoreError;
  }
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new StoreError(operation, `session store ${operation} failed: ${reason}`, { cause });
}
