/**
 * A fault injector for the hold's tests: the real MemoryStore, with `set` slowed down or made to
 * fail on cue (a slow or broken network store cannot be produced on demand otherwise). What it
 * stores is real.
 *
 * @module
 */
import { setTimeout as delay } from 'node:timers/promises';
import type { Store, StoreRecord } from '../../src/core/store.js';
import { MemoryStore } from '../../src/stores/memory/memory-store.js';

/** A MemoryStore whose writes can be delayed (`latency`, ms) or rejected (`failSets`). */
export class FaultStore implements Store {
  readonly inner = new MemoryStore({ sweepInterval: 0 });
  latency = 0;
  failSets = false;
  /** Called when a write has finished (or failed), before it resolves. */
  onSet: (() => void) | undefined;

  get(key: string): Promise<StoreRecord | undefined> {
    return this.inner.get(key);
  }
  async set(key: string, record: StoreRecord): Promise<void> {
    if (this.latency > 0) await delay(this.latency);
    this.onSet?.();
    if (this.failSets) throw new Error('store write failed');
    await this.inner.set(key, record);
  }
  async touch(key: string, record: StoreRecord): Promise<void> {
    if (this.latency > 0) await delay(this.latency);
    if (this.failSets) throw new Error('store write failed');
    await this.inner.touch(key, record);
  }
  delete(key: string): Promise<void> {
    return this.inner.delete(key);
  }
}
