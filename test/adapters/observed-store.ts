/**
 * The matrix's view of a real store: every call forwarded to it and counted by method, plus the
 * faults a store can have that cannot be produced on demand (down: every call rejects; hung:
 * no call ever answers; slow writes). What it stores is the real store's.
 *
 * @module
 */
import { setTimeout as delay } from 'node:timers/promises';
import type { Store } from '../../src/core/store.js';

/** How the store behaves: `up` (forwards), `down` (every call rejects), `hung` (no call settles). */
export type StoreMode = 'up' | 'down' | 'hung';

/** The methods that write to the store. */
export const WRITE_METHODS = ['set', 'setIfVersion', 'touch', 'delete', 'raiseUserEpoch', 'deleteByUser'] as const;

/** A store wrapper that counts calls and injects faults. */
export interface ObservedStore {
  /** The store to hand to the app (it has the same methods as the real one). */
  readonly store: Store;
  /** The real store behind it. */
  readonly inner: Store;
  /** Calls made so far, by method name (started calls, whatever their outcome). */
  readonly calls: Map<string, number>;
  /** Writes that have finished successfully so far. */
  finishedWrites: number;
  mode: StoreMode;
  /** Milliseconds each write waits before it reaches the real store (0: none). */
  writeLatency: number;
  /** How many write calls were started since the counters were last reset. */
  writes(): number;
  /** Resets the counters. */
  reset(): void;
}

/** Wraps `inner`: the result forwards every method `inner` has, counted, in the current `mode`. */
export function observeStore(inner: Store): ObservedStore {
  const calls = new Map<string, number>();
  const writes = new Set<string>(WRITE_METHODS);
  const observed: ObservedStore = {
    store: {} as Store,
    inner,
    calls,
    finishedWrites: 0,
    mode: 'up',
    writeLatency: 0,
    writes: () => [...calls].reduce((sum, [method, n]) => sum + (writes.has(method) ? n : 0), 0),
    reset() {
      calls.clear();
      observed.finishedWrites = 0;
    },
  };
  const wrapper: Record<string, unknown> = {};
  // Own and prototype methods alike (Tessera's stores are classes).
  const names = new Set<string>();
  for (let o: object | null = inner; o !== null && o !== Object.prototype; o = Object.getPrototypeOf(o) as object | null) {
    for (const name of Object.getOwnPropertyNames(o)) names.add(name);
  }
  for (const name of names) {
    if (name === 'constructor') continue;
    const value = (inner as unknown as Record<string, unknown>)[name];
    if (typeof value !== 'function') continue;
    const method = value as (...args: unknown[]) => unknown;
    // One declared parameter, as a Promise store's methods have (the drop-in tells Promise
    // stores from callback stores by arity).
    wrapper[name] = async function (first: unknown, ...rest: unknown[]): Promise<unknown> {
      calls.set(name, (calls.get(name) ?? 0) + 1);
      if (name === 'close') return method.call(inner, first, ...rest);
      if (observed.mode === 'down') throw new Error(`store is down (${name})`);
      if (observed.mode === 'hung') return new Promise(() => {});
      const isWrite = writes.has(name);
      if (isWrite && observed.writeLatency > 0) await delay(observed.writeLatency);
      const result = await method.call(inner, first, ...rest);
      if (isWrite) observed.finishedWrites++;
      return result;
    };
  }
  // `isAvailable` is synchronous in the contract, and reports the real store's connection.
  if (typeof inner.isAvailable === 'function') wrapper.isAvailable = () => inner.isAvailable!();
  (observed as { store: Store }).store = wrapper as unknown as Store;
  return observed;
}
