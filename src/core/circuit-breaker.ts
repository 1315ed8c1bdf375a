/**
 * A circuit breaker for one store: while the store is down, calls fail at once instead of each
 * waiting out its timeout and queueing behind the dead server; now and then one call is let
 * through to notice recovery. Time comes from the injected clock, so tests never sleep.
 *
 * States: `closed` (calls go through; `failures` consecutive failures open it), `open` (calls
 * fail at once for the cool-down), `half-open` (one trial call is in flight; its success closes
 * the breaker, its failure opens it again for twice the cool-down, up to `maxCooldown`).
 *
 * @module
 */
import type { Clock } from './clock.js';
import { show } from './cookie-rules.js';
import { checkDuration } from './validate.js';

/** Options of the breaker (the manager's `circuitBreaker` option). */
export interface CircuitBreakerOptions {
  /** Consecutive failed or timed-out store calls that open the breaker. Default 5. */
  failures?: number;
  /** How long an open breaker refuses calls before one trial goes through, in ms. Default 1000. */
  cooldown?: number;
  /** The cool-down doubles after each failed trial, up to this many ms. Default 30_000. */
  maxCooldown?: number;
}

/** The state of a breaker, as the `circuit` event reports it. */
export type CircuitState = 'closed' | 'open' | 'half-open';

/** Resolved breaker settings. */
export type CircuitBreakerSettings = Required<CircuitBreakerOptions>;

/** The defaults: open after 5 failures in a row, retry after 1 s, then 2 s, 4 s ... up to 30 s. */
export const DEFAULT_CIRCUIT_BREAKER: CircuitBreakerSettings = Object.freeze({ failures: 5, cooldown: 1000, maxCooldown: 30_000 });

/** Checks the `circuitBreaker` option: `false`, or an object of the options above. */
export function checkCircuitBreaker(value: unknown): CircuitBreakerSettings | false {
  if (value === undefined) return DEFAULT_CIRCUIT_BREAKER;
  if (value === false) return false;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TypeError(`circuitBreaker must be false or an object such as { failures: 5, cooldown: 1000 } (got ${show(value)})`);
  }
  const o = value as CircuitBreakerOptions;
  const failures = o.failures ?? DEFAULT_CIRCUIT_BREAKER.failures;
  if (typeof failures !== 'number' || !Number.isInteger(failures) || failures < 1 || failures > 1e6) {
    throw new TypeError(`circuitBreaker.failures must be a whole number from 1 to 1e6 (got ${show(failures)})`);
  }
  const cooldown = o.cooldown ?? DEFAULT_CIRCUIT_BREAKER.cooldown;
  checkDuration('circuitBreaker.cooldown', cooldown, { allowZero: false, max: 2 ** 31 - 1 });
  const maxCooldown = o.maxCooldown ?? Math.max(cooldown, DEFAULT_CIRCUIT_BREAKER.maxCooldown);
  checkDuration('circuitBreaker.maxCooldown', maxCooldown, { allowZero: false, max: 2 ** 31 - 1 });
  if (maxCooldown < cooldown) {
    throw new TypeError(`circuitBreaker.maxCooldown (${maxCooldown}) must be at least circuitBreaker.cooldown (${cooldown})`);
  }
  return { failures, cooldown, maxCooldown };
}

/** The breaker of one engine's store calls. See the module comment. */
export class CircuitBreaker {
  readonly #settings: CircuitBreakerSettings;
  readonly #clock: Clock;
  readonly #changed: (state: CircuitState) => void;
  #state: CircuitState = 'closed';
  #failures = 0;
  #openedAt = 0;
  #cooldown: number;
  /** The store reported itself down since the breaker opened: its report of being up again ends the wait. */
  #reportedDown = false;

  constructor(settings: CircuitBreakerSettings, clock: Clock, changed: (state: CircuitState) => void) {
    this.#settings = settings;
    this.#clock = clock;
    this.#changed = changed;
    this.#cooldown = settings.cooldown;
  }

  /** The current state. */
  get state(): CircuitState {
    return this.#state;
  }

  /**
   * Whether a call may go to the store now. `available` is the store's own report (its client
   * is connected): `false` opens a closed breaker at once; `true` lets the trial of a breaker
   * it opened through without waiting the cool-down. When the cool-down is over, one trial goes
   * through even if the store reports itself down (a pool only learns it can connect again by
   * trying). A half-open breaker admits nothing more until its trial has settled (or has been
   * in flight for `maxCooldown`).
   */
  admit(available: boolean): boolean {
    if (this.#state === 'closed') {
      if (available) return true;
      this.#open(true);
      return false;
    }
    // A trial that never settles (a store call without any deadline) must not wedge the breaker.
    if (this.#state === 'half-open' && this.#clock() - this.#openedAt < this.#settings.maxCooldown) return false;
    if (!available) this.#reportedDown = true;
    const waited = this.#clock() - this.#openedAt >= this.#cooldown;
    if (this.#state === 'open' && !waited && !(available && this.#reportedDown)) return false;
    this.#openedAt = this.#clock();
    this.#set('half-open');
    return true;
  }

  /** A store call succeeded: the store answers, so the breaker closes (from any state). */
  succeeded(): void {
    this.#failures = 0;
    this.#cooldown = this.#settings.cooldown;
    this.#reportedDown = false;
    if (this.#state !== 'closed') this.#set('closed');
  }

  /**
   * A store call failed or timed out. A failed trial opens the breaker again for twice the
   * cool-down; a late failure of a call admitted before it opened changes nothing.
   */
  failed(): void {
    if (this.#state === 'half-open') {
      this.#cooldown = Math.min(this.#cooldown * 2, this.#settings.maxCooldown);
      this.#open(false);
      return;
    }
    if (this.#state === 'open') return;
    this.#failures += 1;
    if (this.#failures >= this.#settings.failures) this.#open(false);
  }

  #open(byReport: boolean): void {
    this.#openedAt = this.#clock();
    if (byReport) this.#reportedDown = true;
    this.#failures = 0;
    this.#set('open');
  }

  #set(state: CircuitState): void {
    if (this.#state === state) return;
    this.#state = state;
    this.#changed(state);
  }
}
