/**
 * A fault-injection double for adapter tests: the real `MemoryStore` with chosen methods made to
 * fail (reject at once) or hang (never settle), because a real server cannot be made to fail on
 * cue. The manager's `storeTimeout` turns a hang into a `StoreError` (`ERR_STORE_TIMEOUT`).
 *
 * @module
 */
import type { Store, StoreRecord } from '../../src/core/store.js';
import { MemoryStore } from '../../src/stores/memory/memory-store.js';

/** The store methods a `FaultyStore` can break. */
export type FaultyOperation = 'get' | 'set' | 'touch' | 'delete';

/** A memory store whose `failing` methods reject and whose `hanging` methods never settle. */
export class FaultyStore implements Store {
  readonly inner = new MemoryStore({ sweepInterval: 0 });
  readonly failing = new Set<FaultyOperation>();
  readonly hanging = new Set<FaultyOperation>();

  #fault(op: FaultyOperation): Promise<never> | undefined {
    if (this.hanging.has(op)) return new Promise<never>(() => {});
    return this.failing.has(op) ? Promise.reject(new Error(`${op}: connection lost`)) : undefined;
  }
  get(key: string): Promise<StoreRecord | undefined> {
    return this.#fault('get') ?? this.inner.get(key);
  }
  set(key: string, record: StoreRecord): Promise<void> {
    return this.#fault('set') ?? this.inner.set(key, record);
  }
  touch(key: string, record: StoreRecord): Promise<void> {
    return this.#fault('touch') ?? this.inner.touch(key, record);
  }
  delete(key: string): Promise<void> {
    return this.#fault('delete') ?? this.inner.delete(key);
  }
}
