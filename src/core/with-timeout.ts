import { StoreError, toStoreError, type StoreOperation } from './errors.js';

/**
 * Runs a store call with a deadline, so a server that is down or slow cannot hang a request.
 * Rejects with a `StoreError` (code `ERR_STORE_TIMEOUT`) after `ms`; any other failure becomes a
 * `StoreError` naming the operation. The timer never keeps the process alive.
 */
export function withTimeout<T>(operation: StoreOperation, ms: number, run: () => Promise<T>): Promise<T> {
  let promise: Promise<T>;
  try {
    promise = run();
  } catch (error) {
    return Promise.reject(toStoreError(operation, error));
  }
  if (!(ms > 0) || !Number.isFinite(ms)) return promise.catch((e: unknown) => Promise.reject(toStoreError(operation, e)));
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new StoreError(operation, `session store ${operation} timed out after ${ms} ms`, { code: 'ERR_STORE_TIMEOUT' }));
    }, ms);
    timer.unref?.();
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(toStoreError(operation, error));
      },
    );
  });
}
