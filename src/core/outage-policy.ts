/**
 * What a manager does when its store is down: the `onStoreError` policy ('fail' answers 503
 * through the framework's error path; 'anonymous' serves the request with a fresh session that
 * is never saved), and the guard in front of every store call that fails fast while the store
 * is known to be down (its client says so, or the circuit breaker is open).
 *
 * @module
 */
import { CircuitBreaker, checkCircuitBreaker, type CircuitBreakerSettings, type CircuitState } from './circuit-breaker.js';
import type { Clock } from './clock.js';
import { show } from './cookie-rules.js';
import { StoreError, type StoreOperation } from './errors.js';
import type { Session } from './session.js';
import { storeAvailable, type Store } from './store.js';

/** The manager's `onStoreError` option. */
export type OnStoreError = 'fail' | 'anonymous';

/** The resolved outage settings of an engine (`EngineConfig.outage`). */
export interface OutageConfig {
  onStoreError: OnStoreError;
  /** `false`: no breaker and no fail-fast; every call waits for the store (or its timeout). */
  circuitBreaker: CircuitBreakerSettings | false;
}

/** Checks the `onStoreError` and `circuitBreaker` options of `SessionManager`. */
export function resolveOutage(options: { onStoreError?: unknown; circuitBreaker?: unknown }): OutageConfig {
  const onStoreError = options.onStoreError ?? 'fail';
  if (onStoreError !== 'fail' && onStoreError !== 'anonymous') {
    throw new TypeError(`onStoreError must be 'fail' (answer 503) or 'anonymous' (serve a fresh, unsaved session) (got ${show(onStoreError)})`);
  }
  return { onStoreError, circuitBreaker: checkCircuitBreaker(options.circuitBreaker) };
}

/**
 * The fail-fast guard of one engine's store calls: asks the store whether it is available
 * (its optional `isAvailable`), keeps the circuit breaker, and refuses a call at once with
 * `ERR_STORE_UNAVAILABLE` while either says the store is down.
 */
export class StoreGuard {
  readonly #store: Store;
  readonly #breaker: CircuitBreaker;

  constructor(store: Store, settings: CircuitBreakerSettings, clock: Clock, changed: (state: CircuitState) => void) {
    this.#store = store;
    this.#breaker = new CircuitBreaker(settings, clock, changed);
  }

  /** The breaker's state. */
  get state(): CircuitState {
    return this.#breaker.state;
  }

  /** A `StoreError` to fail with at once, or `undefined` when the call may go to the store. */
  refusal(operation: StoreOperation): StoreError | undefined {
    const available = storeAvailable(this.#store);
    if (this.#breaker.admit(available)) return undefined;
    const why = available ? `the circuit breaker is ${this.#breaker.state} after repeated failures` : 'the store reports it is disconnected';
    return new StoreError(operation, `session store ${operation} not attempted: ${why}`, { code: 'ERR_STORE_UNAVAILABLE' });
  }

  /** Records how an admitted call ended. A refused value says nothing about the server's health. */
  settled(error: StoreError | undefined): void {
    // A refused value was refused before any I/O: it settles a trial like a success would.
    if (error === undefined || error.code === 'ERR_STORE_VALUE_TOO_LARGE') this.#breaker.succeeded();
    else this.#breaker.failed();
  }
}

/** Sessions served by `onStoreError: 'anonymous'` after a failed load: never saved, no cookie. */
const degraded = new WeakSet<Session>();

/** Marks a session as served without the store (see {@link isDegraded}). @internal */
export function markDegraded(session: Session): void {
  degraded.add(session);
}

/**
 * True for a session the request got because the store could not be read
 * (`onStoreError: 'anonymous'`). It is never saved and no cookie is sent for it, so the
 * client's real session is untouched; check it before an action that must persist (a login).
 *
 * @example
 * app.post('/login', (req, res) => {
 *   if (isDegraded(req.session)) return res.status(503).send('Try again in a moment');
 *   ...
 * });
 */
export function isDegraded(session: Session): boolean {
  return degraded.has(session);
}

/**
 * Refuses an explicit store operation on a degraded session (`save`, `regenerate`, `destroy`)
 * with `ERR_STORE_UNAVAILABLE`: its real record could not be read, so a save would not be
 * acknowledged truthfully and a destroy would miss the session the client still holds. @internal
 */
export function refuseIfDegraded(session: Session, operation: StoreOperation): void {
  if (!degraded.has(session)) return;
  throw new StoreError(operation, `session store ${operation} refused: this session was served without the store (onStoreError 'anonymous')`, {
    code: 'ERR_STORE_UNAVAILABLE',
  });
}
