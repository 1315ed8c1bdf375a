/**
 * The two crossings between express-session's callback world and Tessera's promises.
 *
 * @module
 */

/** A Node-style callback as express-session stores take and give them. */
export type NodeCallback<T = unknown> = (error?: unknown, result?: T) => void;

/**
 * Calls a callback-style store method and resolves with what its callback reports. The first
 * callback wins (a misbehaving store calling twice cannot settle twice), a synchronous throw
 * rejects, and a promise the method may also return (connect-redis 9 returns one beside the
 * callback) is silenced, because its outcome already reached us through the callback.
 */
export function fromCallback<T>(invoke: (callback: NodeCallback<T>) => unknown): Promise<T | undefined> {
  return new Promise<T | undefined>((resolve, reject) => {
    let settled = false;
    const returned = invoke((error, result) => {
      if (settled) return;
      settled = true;
      if (error) reject(error);
      else resolve(result);
    });
    if (typeof (returned as Promise<unknown> | undefined)?.catch === 'function') {
      (returned as Promise<unknown>).catch(() => undefined);
    }
  });
}

/**
 * Reports a promise's outcome to a Node-style callback, on a later tick: an exception thrown by
 * the callback then surfaces as an ordinary uncaught exception (as with express-session's own
 * MemoryStore) instead of turning into an unhandled rejection of our promise. Without a callback
 * the outcome is dropped, as express-session's stores do.
 */
export function toCallback<T>(promise: Promise<T>, callback: NodeCallback<T> | undefined): void {
  promise.then(
    (result) => {
      if (callback) process.nextTick(callback, null, result);
    },
    (error: unknown) => {
      if (callback) process.nextTick(callback, error);
    },
  );
}
