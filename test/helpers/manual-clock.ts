/**
 * A clock tests move by hand, so expiry and throttling are tested without sleeping.
 *
 * @module
 */
import type { Clock } from '../../src/core/clock.js';

/** A `Clock` plus the controls to move it. */
export interface ManualClock {
  /** The clock to inject (`clock` option of the manager and the store). */
  readonly now: Clock;
  /** Moves time forward by `ms`. */
  advance(ms: number): void;
}

/** A manual clock starting at `start` (default 2030-01-01, far from the real time on purpose). */
export function manualClock(start = Date.UTC(2030, 0, 1)): ManualClock {
  let t = start;
  return {
    now: () => t,
    advance(ms: number) {
      t += ms;
    },
  };
}
