/**
 * A bounded map for the engine's memos: two generations of at most `capacity / 2` keys each.
 * A key found in the older generation moves to the newer; when the newer is full, the older
 * is dropped whole. Recently used keys stay, the bound holds, and nothing is done per entry:
 * evicting the oldest entry of one big `Map` one at a time (`keys().next()`, then `delete`)
 * gets slower the more entries churn, because the iterator walks the holes deletions leave,
 * and under churn it cost more than the work the memos save.
 *
 * @module
 */

/** A bounded key-value memo (see the module comment); `capacity` 0 keeps nothing. */
export class GenerationalMap<K, V> {
  #current = new Map<K, V>();
  #previous = new Map<K, V>();
  readonly #generation: number;

  constructor(capacity: number) {
    this.#generation = Math.max(0, Math.floor(capacity / 2));
  }

  /** The value of `key`, if kept; a hit counts as a use. */
  get(key: K): V | undefined {
    const value = this.#current.get(key);
    if (value !== undefined || this.#previous.size === 0) return value;
    const old = this.#previous.get(key);
    if (old !== undefined) this.set(key, old);
    return old;
  }

  /** Keeps `value` under `key` (replacing what was there). */
  set(key: K, value: V): void {
    if (this.#generation === 0) return;
    if (this.#current.size >= this.#generation && !this.#current.has(key)) {
      this.#previous = this.#current;
      this.#current = new Map();
    }
    this.#current.set(key, value);
  }

  /** Forgets everything. */
  clear(): void {
    this.#current.clear();
    this.#previous.clear();
  }

  /** An upper bound of the keys kept (a key moved to the newer generation is still counted in the older). */
  get size(): number {
    return this.#current.size + this.#previous.size;
  }
}
