/**
 * The real `MemoryStore`, counting its writes (`set`, and `setIfVersion`, which the manager
 * uses when the store has it), so tests can assert "no store write" and "one store write".
 *
 * @module
 */
import type { StoreRecord } from '../../src/core/store.js';
import { MemoryStore } from '../../src/stores/memory/memory-store.js';

/** A memory store that counts its writes. */
export class CountingStore extends MemoryStore {
  /** Writes so far (`set` + `setIfVersion`). */
  writes = 0;

  override set(key: string, record: StoreRecord): Promise<void> {
    this.writes++;
    return super.set(key, record);
  }

  override setIfVersion(key: string, record: StoreRecord, expected: number | null): Promise<number | false> {
    this.writes++;
    return super.setIfVersion(key, record, expected);
  }
}
