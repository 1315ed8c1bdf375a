/**
 * Every store call the engine makes goes through `callStore`: one deadline, one place where a
 * failure becomes a `StoreError` and is reported. (The outage policy and the circuit breaker of
 * issue 8 belong here too.)
 *
 * @module
 */
import type { EventEmitter } from 'node:events';
import type { StoreError, StoreOperation } from './errors.js';
import type { SessionEvents } from './engine-types.js';
import { withTimeout } from './with-timeout.js';

/**
 * Runs `run` as the store operation `operation` under `timeout` ms (0: the store bounds its own
 * calls). A failure rejects with a `StoreError`, emitted as `storeError` first when anyone listens.
 */
export async function callStore<T>(events: EventEmitter<SessionEvents>, operation: StoreOperation, timeout: number, run: () => Promise<T>): Promise<T> {
  try {
    return await withTimeout(operation, timeout, run);
  } catch (error) {
    const storeError = error as StoreError;
    if (events.listenerCount('storeError') > 0) events.emit('storeError', storeError);
    throw storeError;
  }
}
