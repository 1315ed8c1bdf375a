/**
 * Which error an express-session app sees. express-session hands a store's own error to
 * `next(err)` and to session callbacks, and apps may test it (`err.code === 'ECONNREFUSED'`);
 * the core wraps store failures in a `StoreError`, so the drop-in unwraps them again.
 *
 * @module
 */
import { isTesseraError } from '../../core/errors.js';
import type { SessionCallback } from '../../core/session.js';

/**
 * The error an express-session app expects: the store's own error for a failed store call,
 * else the error itself (a store timeout, a refused oversized value, `failed to load session`).
 */
export function expressError(error: unknown): unknown {
  if (isTesseraError(error, 'ERR_STORE_FAILED') && error.cause !== undefined) return error.cause;
  return error;
}

/**
 * A Promise for a caller that may not handle it: marked as handled, so that an express-session
 * style fire-and-forget call (`req.session.save()`, `store.set(sid, sess)`) whose store fails does
 * not crash the process with an unhandled rejection (express-session drops such errors). Whoever
 * awaits it still gets the error.
 */
export function mayBeIgnored<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => undefined);
  return promise;
}

/** Settles a session method the express-session way: its callback, or a Promise, with {@link expressError}. */
export function settleExpress(promise: Promise<void>, callback: SessionCallback | undefined): Promise<void> | undefined {
  const settled = promise.catch((error: unknown) => Promise.reject(expressError(error)));
  if (callback === undefined) return mayBeIgnored(settled);
  settled.then(() => callback(), callback);
  return undefined;
}
