/**
 * The options of `MemoryStore`, their defaults, and their checks (a `TypeError` naming the
 * option, at construction).
 *
 * @module
 */
import { systemClock, type Clock } from '../../core/clock.js';

/** Options of `MemoryStore`. */
export interface MemoryStoreOptions {
  /**
   * The most sessions kept; setting one more evicts one (see the class comment for which).
   * With `maxBytes` it bounds memory, so a flood of new sessions cannot exhaust the process.
   * Default `10_000`.
   */
  maxSessions?: number;
  /**
   * The most bytes kept, counted as the UTF-8 length of every value plus its key; a set that
   * goes beyond it evicts (as beyond `maxSessions`) until the store is back within it, and a
   * single record larger than it is refused with a `StoreError` (`ERR_STORE_VALUE_TOO_LARGE`).
   * The process holds somewhat more than this (a few hundred bytes of bookkeeping per session,
   * bounded by `maxSessions`). Default `67_108_864` (64 MiB).
   */
  maxBytes?: number;
  /**
   * How often, in ms, expired records are swept out in the background. `0` disables the sweep
   * (expired records are still never returned, and `prune()` removes them). The timer never keeps
   * the process alive. Default `60_000`.
   */
  sweepInterval?: number;
  /**
   * Largest value accepted, in UTF-8 bytes; a larger one is refused with a `StoreError`
   * (`ERR_STORE_VALUE_TOO_LARGE`). Default `1_114_112` (1 MiB + 64 KiB).
   */
  maxValueBytes?: number;
  /** The time source expiry is checked against. Default: the system clock. */
  clock?: Clock;
}

const DEFAULT_MAX_SESSIONS = 10_000;
const DEFAULT_MAX_BYTES = 64 * 1024 * 1024;
const DEFAULT_SWEEP_INTERVAL = 60_000;
const DEFAULT_MAX_VALUE_BYTES = 1024 * 1024 + 64 * 1024;
/** setInterval's largest delay; a larger one silently becomes 1 ms. */
const MAX_TIMER_MS = 2_147_483_647;

/** The options with their defaults applied, all checked. */
export type ResolvedMemoryStoreOptions = Required<MemoryStoreOptions>;

/** Applies the defaults and checks every option. @throws TypeError naming the invalid option. */
export function resolveMemoryStoreOptions(options: MemoryStoreOptions): ResolvedMemoryStoreOptions {
  if (typeof options !== 'object' || options === null) throw new TypeError('MemoryStore: options must be an object');
  const { maxSessions = DEFAULT_MAX_SESSIONS, maxBytes = DEFAULT_MAX_BYTES, sweepInterval = DEFAULT_SWEEP_INTERVAL } = options;
  const { maxValueBytes = DEFAULT_MAX_VALUE_BYTES, clock = systemClock } = options;
  if (!Number.isSafeInteger(maxSessions) || maxSessions < 1) {
    throw new TypeError(`MemoryStore: option maxSessions must be a positive integer, got ${String(maxSessions)}`);
  }
  if (!Number.isSafeInteger(maxBytes) || maxBytes < 1) {
    throw new TypeError(`MemoryStore: option maxBytes must be a positive integer (bytes), got ${String(maxBytes)}`);
  }
  if (typeof sweepInterval !== 'number' || !(sweepInterval >= 0 && sweepInterval <= MAX_TIMER_MS)) {
    throw new TypeError(`MemoryStore: option sweepInterval must be a number of ms from 0 (off) to ${MAX_TIMER_MS}, got ${String(sweepInterval)}`);
  }
  if (!Number.isSafeInteger(maxValueBytes) || maxValueBytes < 1) {
    throw new TypeError(`MemoryStore: option maxValueBytes must be a positive integer, got ${String(maxValueBytes)}`);
  }
  if (typeof clock !== 'function') throw new TypeError('MemoryStore: option clock must be a function returning ms since the epoch');
  return { maxSessions, maxBytes, sweepInterval, maxValueBytes, clock };
}
