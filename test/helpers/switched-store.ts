/**
 * A fault-injection store for tests of what the core does when its store fails: the real
 * MemoryStore, with every call failing (as a refused connection does) while `down` is set, or
 * never answering (as a frozen server) while `hang` is set. Real servers failing on cue are in
 * `test/faults/`; this one fails on the exact call a test needs.
 *
 * @module
 */
import type { Store, StoreRecord } from '../../src/core/store.js';
import type { MemoryStore } from '../../src/stores/memory/memory-store.js';

/** The real MemoryStore `inner` behind an outage switch. */
export class SwitchedStore implements Store {
  /** Every call fails with a connection error. */
  down = false;
  /** Every call hangs (never settles). */
  hang = false;
  readonly inner: MemoryStore;

  constructor(inner: MemoryStore) {
    this.inner = inner;
  }

  #run<T>(real: () => Promise<T>): Promise<T> {
    if (this.hang) return new Promise<T>(() => {});
    return this.down ? Promise.reject(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' })) : real();
  }
  get(key: string): Promise<StoreRecord | undefined> {
    return this.#run(() => this.inner.get(key));
  }
  set(key: string, record: StoreRecord): Promise<void> {
    return this.#run(() => this.inner.set(key, record));
  }
  setIfVersion(key: string, record: StoreRecord, expected: number | null): Promise<number | false> {
    return this.#run(() => this.inner.setIfVersion(key, record, expected));
  }
  touch(key: string, record: StoreRecord): Promise<void> {
    return this.#run(() => this.inner.touch(key, record));
  }
  delete(key: string): Promise<void> {
    return this.#run(() => this.inner.delete(key));
  }
}
