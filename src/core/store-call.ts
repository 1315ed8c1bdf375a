/**
 * Every store call the engine makes goes through `callStore`: one deadline, one place where a
 * failure becomes a `StoreError` and is reported, and the fail-fast guard (`outage-policy.ts`)
 * that refuses calls at once while the store is known to be down.
 *
 * @module
 */
import type { EventEmitter } from 'node:events';
import type { StoreError, StoreOperation } from './errors.js';
import type { SessionEvents } from './engine-types.js';
import type { StoreGuard } from './outage-policy.js';
import { outcomeOf, reportStoreCall, type SessionMetrics } from './metrics.js';
import { withTimeout } from './with-timeout.js';

/**
 * Runs `run` as the store operation `operation` under `timeout` ms (0: the store bounds its own
 * calls). A failure rejects with a `StoreError`, emitted as `storeError` first when anyone listens.
 * With a `guard`, a call the guard refuses (store known to be down) is not run at all: it fails
 * at once with `ERR_STORE_UNAVAILABLE`; how an admitted call ended feeds the circuit breaker.
 * With `metrics`, every call (a refused one too) is reported with its duration and outcome.
 */
export async function callStore<T>(
  events: EventEmitter<SessionEvents>,
  operation: StoreOperation,
  timeout: number,
  run: () => Promise<T>,
  guard?: StoreGuard,
  metrics?: SessionMetrics,
): Promise<T> {
  // No hook, no clock read: the common case costs one comparison.
  const started = metrics === undefined ? 0 : performance.now();
  const refusal = guard?.refusal(operation);
  if (refusal !== undefined) {
    if (metrics !== undefined) reportStoreCall(metrics, operation, started, 'unavailable');
    return report(events, refusal);
  }
  try {
    const value = await withTimeout(operation, timeout, run);
    if (metrics !== undefined) reportStoreCall(metrics, operation, started, 'ok');
    guard?.settled(undefined);
    return value;
  } catch (error) {
    const storeError = error as StoreError;
    // Reported before the breaker hears of it, so a call is seen before the state it causes.
    if (metrics !== undefined) reportStoreCall(metrics, operation, started, outcomeOf(storeError.code));
    guard?.settled(storeError);
    return report(events, storeError);
  }
}

function report(events: EventEmitter<SessionEvents>, storeError: StoreError): never {
  if (events.listenerCount('storeError') > 0) events.emit('storeError', storeError);
  throw storeError;
}
