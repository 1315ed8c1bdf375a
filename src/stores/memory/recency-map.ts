/**
 * `RecencyMap`: a string-keyed map that also keeps its entries in least-recently-used order,
 * in two tiers, and the total weight of its entries: the bookkeeping behind `MemoryStore`'s
 * eviction (disposable records first, then the rest; by count and by bytes).
 *
 * @module
 */

/** One entry of a `RecencyMap`. Hold it only until the next call that may remove it. */
export class RecencyEntry<V> {
  /** The neighbour used less recently in its tier, or `undefined` for the tier's oldest entry. */
  older: RecencyEntry<V> | undefined = undefined;
  /** The neighbour used more recently in its tier, or `undefined` for the tier's newest entry. */
  newer: RecencyEntry<V> | undefined = undefined;

  constructor(
    /** The entry's key. */
    readonly key: string,
    /** The entry's value; replace it freely (its weight and tier change only through the map). */
    public value: V,
    /** What the entry counts for in the map's `weight` (for `MemoryStore`: bytes). */
    public weight: number,
    /** The tier the entry is threaded on. */
    public tier: Tier<V>,
  ) {}
}

/** One recency list: the oldest and newest entry of a tier. */
class Tier<V> {
  oldest: RecencyEntry<V> | undefined = undefined;
  newest: RecencyEntry<V> | undefined = undefined;

  append(entry: RecencyEntry<V>): void {
    entry.tier = this;
    entry.older = this.newest;
    entry.newer = undefined;
    if (this.newest === undefined) this.oldest = entry;
    else this.newest.newer = entry;
    this.newest = entry;
  }

  unlink(entry: RecencyEntry<V>): void {
    const { older, newer } = entry;
    if (older === undefined) this.oldest = newer;
    else older.newer = newer;
    if (newer === undefined) this.newest = older;
    else newer.older = older;
    entry.older = undefined;
    entry.newer = undefined;
  }
}

/**
 * A `Map` of entries threaded on two doubly linked lists in recency order: the *first* tier
 * (entries to give up first) and the *last* tier. `oldest()` is the first tier's least recently
 * used entry, or the last tier's when the first is empty. Every operation is O(1).
 * A `Map` alone (delete + re-set to move a key to the end, `keys().next()` to find the oldest)
 * is not: V8 leaves a hole per deleted entry at the front of its table, and every `keys().next()`
 * walks those holes, which made an insert-heavy store 20x slower.
 */
export class RecencyMap<V> {
  readonly #entries = new Map<string, RecencyEntry<V>>();
  readonly #first = new Tier<V>();
  readonly #last = new Tier<V>();
  #weight = 0;

  /** How many entries the map holds. */
  get size(): number {
    return this.#entries.size;
  }

  /** The sum of the entries' weights. */
  get weight(): number {
    return this.#weight;
  }

  /** The entry of `key`, without counting it as used. */
  find(key: string): RecencyEntry<V> | undefined {
    return this.#entries.get(key);
  }

  /** The entry to give up first: the least recently used of the first tier, else of the last. */
  oldest(): RecencyEntry<V> | undefined {
    return this.#first.oldest ?? this.#last.oldest;
  }

  /** Adds a new key as the most recently used entry of its tier (`first`: give up first). The key must not be in the map. */
  add(key: string, value: V, weight: number, first: boolean): void {
    const tier = first ? this.#first : this.#last;
    const entry = new RecencyEntry(key, value, weight, tier);
    this.#entries.set(key, entry);
    this.#weight += weight;
    tier.append(entry);
  }

  /** Makes an entry of this map the most recently used of its tier. */
  use(entry: RecencyEntry<V>): void {
    const tier = entry.tier;
    if (entry === tier.newest) return;
    tier.unlink(entry);
    tier.append(entry);
  }

  /** Replaces an entry's value, weight and tier, and makes it the most recently used of that tier. */
  replace(entry: RecencyEntry<V>, value: V, weight: number, first: boolean): void {
    entry.value = value;
    this.#weight += weight - entry.weight;
    entry.weight = weight;
    const tier = first ? this.#first : this.#last;
    if (entry === tier.newest) return;
    entry.tier.unlink(entry);
    tier.append(entry);
  }

  /** Removes an entry of this map (an entry already removed is left alone). */
  remove(entry: RecencyEntry<V>): void {
    if (this.#entries.get(entry.key) !== entry) return;
    this.#entries.delete(entry.key);
    this.#weight -= entry.weight;
    entry.tier.unlink(entry);
  }

  /** Removes every entry. */
  clear(): void {
    this.#entries.clear();
    this.#weight = 0;
    for (const tier of [this.#first, this.#last]) {
      tier.oldest = undefined;
      tier.newest = undefined;
    }
  }

  /**
   * The entries: the first tier's, then the last tier's, each least recently used first.
   * Removing the current entry while iterating is safe.
   */
  *[Symbol.iterator](): IterableIterator<RecencyEntry<V>> {
    for (const tier of [this.#first, this.#last]) {
      let entry = tier.oldest;
      while (entry !== undefined) {
        const next = entry.newer;
        yield entry;
        entry = next;
      }
    }
  }
}
