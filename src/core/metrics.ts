/**
 * The metrics hook: three small methods a manager calls as it works, shaped after the three
 * instruments every metrics library has, so prom-client (`Histogram`, `Counter`, `Gauge`) and
 * OpenTelemetry (`Histogram`, `Counter`, `Gauge`) map onto it one to one, and Tessera depends on
 * neither. Without a hook nothing is measured: no clock read, no allocation.
 *
 * @module
 */
import type { CircuitState } from './circuit-breaker.js';
import type { StoreErrorCode, StoreOperation } from './errors.js';
import { show } from './cookie-rules.js';

/**
 * How a store call ended: `'ok'`, or the kind of failure (`'failed'`: the store threw;
 * `'timeout'`: past `storeTimeout`; `'unavailable'`: not attempted, the store was known to be
 * down (circuit breaker open, or its client disconnected); `'too_large'`: the value was refused).
 */
export type StoreCallOutcome = 'ok' | 'failed' | 'timeout' | 'unavailable' | 'too_large';

/**
 * What a manager counts, one at a time:
 * - `hit`: a request's cookie led to a live session (one per request, however many cookies it sent);
 * - `miss`: a request's cookie led to no live session (unknown, expired, revoked);
 *   a request without a (verified) cookie reads nothing and counts neither;
 * - `write_skipped`: an existing session was left unwritten at the end of a request because
 *   nothing in it changed (dirty tracking);
 * - `touch_throttled`: ... and its expiry was not moved either, because the last touch is
 *   recent enough (`touchAfter`);
 * - `conflict_merged`: a write met a concurrent write of the same session and was merged
 *   (`concurrency: 'merge'`); `conflict_dropped`: the session had been destroyed meanwhile, so
 *   nothing was written;
 * - `degraded`: a request was served a fresh, unsaved session because the store failed
 *   (`onStoreError: 'anonymous'`).
 */
export type SessionCounter = 'hit' | 'miss' | 'write_skipped' | 'touch_throttled' | 'conflict_merged' | 'conflict_dropped' | 'degraded';

/**
 * The `metrics` option: called synchronously on the request's path, so keep each call cheap
 * (an instrument update). An exception a method throws is swallowed: metrics never fail a
 * request.
 *
 * @example
 * // prom-client
 * const latency = new Histogram({ name: 'session_store_seconds', help: '...', labelNames: ['operation', 'outcome'] });
 * const events = new Counter({ name: 'session_events_total', help: '...', labelNames: ['event'] });
 * const circuit = new Gauge({ name: 'session_store_circuit', help: '0 closed, 1 half-open, 2 open' });
 * const metrics: SessionMetrics = {
 *   storeCall: (operation, ms, outcome) => latency.observe({ operation, outcome }, ms / 1000),
 *   count: (event) => events.inc({ event }),
 *   circuit: (state) => circuit.set(CIRCUIT_STATE_VALUE[state]),
 * };
 */
export interface SessionMetrics {
  /** One store call ended after `ms` milliseconds (wall time, fractional), as `outcome` says. */
  storeCall(operation: StoreOperation, ms: number, outcome: StoreCallOutcome): void;
  /** One `event` happened (see {@link SessionCounter}). */
  count(event: SessionCounter): void;
  /** The store's circuit breaker changed state (`'closed'` is the state before any call). */
  circuit(state: CircuitState): void;
}

/** A number for each breaker state, for a gauge: `closed` 0, `half-open` 1, `open` 2. */
export const CIRCUIT_STATE_VALUE: Readonly<Record<CircuitState, number>> = Object.freeze({ closed: 0, 'half-open': 1, open: 2 });

/** Checks the `metrics` option: unset, or an object with the three methods. */
export function checkMetrics(value: unknown): SessionMetrics | undefined {
  if (value === undefined) return undefined;
  const m = value as Partial<Record<keyof SessionMetrics, unknown>> | null;
  if (typeof m !== 'object' || m === null || typeof m.storeCall !== 'function' || typeof m.count !== 'function' || typeof m.circuit !== 'function') {
    throw new TypeError(`metrics must be an object with storeCall(operation, ms, outcome), count(event) and circuit(state) methods (got ${show(value)})`);
  }
  return value as SessionMetrics;
}

const OUTCOMES: Readonly<Record<StoreErrorCode, StoreCallOutcome>> = {
  ERR_STORE_FAILED: 'failed',
  ERR_STORE_TIMEOUT: 'timeout',
  ERR_STORE_UNAVAILABLE: 'unavailable',
  ERR_STORE_VALUE_TOO_LARGE: 'too_large',
};

/** The outcome of a store call that failed with `code`. */
export function outcomeOf(code: string): StoreCallOutcome {
  return OUTCOMES[code as StoreErrorCode] ?? 'failed';
}

/** Counts `event` on `metrics`, if any; never throws. */
export function countEvent(metrics: SessionMetrics | undefined, event: SessionCounter): void {
  if (metrics === undefined) return;
  try {
    metrics.count(event);
  } catch {
    // A broken metrics hook must never fail a request.
  }
}

/** Reports a store call on `metrics`; never throws. */
export function reportStoreCall(metrics: SessionMetrics, operation: StoreOperation, started: number, outcome: StoreCallOutcome): void {
  try {
    metrics.storeCall(operation, performance.now() - started, outcome);
  } catch {
    // As above.
  }
}

/** Reports a breaker state on `metrics`, if any; never throws. */
export function reportCircuit(metrics: SessionMetrics | undefined, state: CircuitState): void {
  if (metrics === undefined) return;
  try {
    metrics.circuit(state);
  } catch {
    // As above.
  }
}
