/**
 * `RecencyMap`: a string-keyed map that also keeps its entries in least-recently-used order,
 * the bookkeeping behind `MemoryStore`'s eviction.
 *
 * @module
 */

/** One entry of a `RecencyMap`. Hold it only until the next call that may remove it. */
export class RecencyEntry<V> {
  /** The neighbour used less recently, or `undefined` for the oldest entry. */
  older: RecencyEntry<V> | undefined = undefined;
  /** The neighbour used more recently, or `undefined` for the newest entry. */
  newer: RecencyEntry<V> | undefined = undefined;

  constructor(
    /** The entry's key. */
    readonly key: string,
    /** The entry's value; replace it freely. */
    public value: V,
  ) {}
}

/**
 * A `Map` of entries threaded on a doubly linked list in recency order. Every operation is O(1).
 * A `Map` alone (delete + re-set to move a key to the end, `keys().next()` to find the oldest)
 * is not: V8 leaves a hole per deleted entry at the front of its table, and every `keys().next()`
 * walks those holes, which made an insert-heavy store 20x slower.
 */
export class RecencyMap<V> {
  readonly #entries = new Map<string, RecencyEntry<V>>();
  #oldest: RecencyEntry<V> | undefined = undefined;
  #newest: RecencyEntry<V> | undefined = undefined;

  /** How many entries the map holds. */
  get size(): number {
    return this.#entries.size;
  }

  /** The entry of `key`, without counting it as used. */
  find(key: string): RecencyEntry<V> | undefined {
    return this.#entries.get(key);
  }

  /** The least recently used entry. */
  oldest(): RecencyEntry<V> | undefined {
    return this.#oldest;
  }

  /** Adds a new key as the most recently used entry. The key must not be in the map. */
  add(key: string, value: V): void {
    const entry = new RecencyEntry(key, value);
    this.#entries.set(key, entry);
    this.#append(entry);
  }

  /** Makes an entry of this map the most recently used. */
  use(entry: RecencyEntry<V>): void {
    if (entry === this.#newest) return;
    this.#unlink(entry);
    this.#append(entry);
  }

  /** Removes an entry of this map (an entry already removed is left alone). */
  remove(entry: RecencyEntry<V>): void {
    if (this.#entries.get(entry.key) !== entry) return;
    this.#entries.delete(entry.key);
    this.#unlink(entry);
  }

  /** Removes every entry. */
  clear(): void {
    this.#entries.clear();
    this.#oldest = undefined;
    this.#newest = undefined;
  }

  /** The entries, least recently used first. Removing the current entry while iterating is safe. */
  *[Symbol.iterator](): IterableIterator<RecencyEntry<V>> {
    let entry = this.#oldest;
    while (entry !== undefined) {
      const next = entry.newer;
      yield entry;
      entry = next;
    }
  }

  #append(entry: RecencyEntry<V>): void {
    entry.older = this.#newest;
    entry.newer = undefined;
    if (this.#newest === undefined) this.#oldest = entry;
    else this.#newest.newer = entry;
    this.#newest = entry;
  }

  #unlink(entry: RecencyEntry<V>): void {
    const { older, newer } = entry;
    if (older === undefined) this.#oldest = newer;
    else older.newer = newer;
    if (newer === undefined) this.#newest = older;
    else newer.older = older;
    entry.older = undefined;
    entry.newer = undefined;
  }
}
