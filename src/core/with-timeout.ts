import { cancelDeadline, startDeadline } from './deadlines.js';
import { StoreError, toStoreError, type StoreOperation } from './errors.js';

/**
 * Runs a store call with a deadline, so a server that is down or slow cannot hang a request.
 * Rejects with a `StoreError` (code `ERR_STORE_TIMEOUT`) after `ms`; any other failure becomes a
 * `StoreError` naming the operation. The deadline never keeps the process alive, and costs no timer of its own (`deadlines.ts`).
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
    const deadline = startDeadline(ms, () => {
      reject(new StoreError(operation, `session store ${operation} timed out after ${ms} ms`, { code: 'ERR_STORE_TIMEOUT' }));
    });
    promise.then(
      (value) => {
        cancelDeadline(deadline);
        resolve(value);
      },
      (error: unknown) => {
        cancelDeadline(deadline);
        reject(toStoreError(operation, error));
      },
    );
  });
}
