/**
 * `MemoryStore`: a session store in this process's memory, bounded by count and by bytes, for
 * development, tests and single-process apps. It is Tessera's default store.
 *
 * @module
 */
import type { Clock } from '../../core/clock.js';
import { StoreError } from '../../core/errors.js';
import { boundedCalls, type Store, type StoreRecord, type UserEpochWatcher } from '../../core/store.js';
import { resolveMemoryStoreOptions, type MemoryStoreOptions } from './memory-store-options.js';
import { RecencyMap, type RecencyEntry } from './recency-map.js';

export type { MemoryStoreOptions } from './memory-store-options.js';

// Shared settled promises: the hot path allocates no promise for "nothing to return".
const NONE: Promise<undefined> = Promise.resolve(undefined);
const DONE: Promise<void> = Promise.resolve();

/**
 * A bounded in-memory store. Records are kept in recency order (`RecencyMap`: a read, set or
 * touch moves the record to the newest end), in two tiers. Beyond `maxSessions` or `maxBytes`
 * a set evicts the least recently used record marked `disposable` (the core marks a session
 * that holds no data and no user key: a visitor nothing was written for), and only when none
 * is left the least recently used of the others, so a flood of cookieless visitors saved by
 * `saveUninitialized` cannot log anyone out. A record set without the mark is never evicted
 * before a disposable one; a set decides the tier, a touch keeps it. O(1) per operation.
 * Expiry is checked on every read against `clock`, and a background sweep (unref'd) drops
 * expired records. A `userKey -> keys`
 * index serves `listByUser`/`deleteByUser` and is updated on every overwrite, delete, eviction and
 * expiry. Methods return already-settled promises: no timer, no I/O, so no `timeout` option.
 * Each record carries a version (1 on creation, one more on every write, unchanged by a touch)
 * for `setIfVersion`. `set` stores a copy of the record; `get` returns the store's own copy (not a fresh one, to keep
 * the hot path allocation-free), so treat it as read-only.
 *
 * Sessions live only as long as the process and are not shared between processes: use
 * `SqliteStore`, `RedisStore` or `PostgresStore` beyond one process.
 *
 * @example
 * ```ts
 * import { MemoryStore } from 'tessera/memory';
 *
 * const store = new MemoryStore({ maxSessions: 50_000, sweepInterval: 30_000 });
 * await store.set('k1', { value: 'v', expiresAt: Date.now() + 3_600_000, userKey: 'user-42' });
 * await store.listByUser('user-42'); // ['k1']
 * await store.close(); // stops the sweep timer
 * ```
 */
export class MemoryStore implements Store {
  /** Every call is bounded (see `boundedCalls` in the Store contract). */
  readonly [boundedCalls] = true;
  readonly #records = new RecencyMap<StoreRecord>();
  readonly #byUser = new Map<string, Set<string>>();
  /** Revocation epochs, one number per user ever revoked (kept for the store's life, as the contract asks). */
  readonly #epochs = new Map<string, number>();
  /** The `watchUserEpochs` subscribers. */
  readonly #watchers = new Set<UserEpochWatcher>();
  readonly #clock: Clock;
  readonly #maxSessions: number;
  readonly #maxBytes: number;
  readonly #maxValueBytes: number;
  #timer: ReturnType<typeof setInterval> | undefined;

  /** @throws TypeError when an option is invalid, naming it. */
  constructor(options: MemoryStoreOptions = {}) {
    const { maxSessions, maxBytes, sweepInterval, maxValueBytes, clock } = resolveMemoryStoreOptions(options);
    this.#clock = clock;
    this.#maxSessions = maxSessions;
    this.#maxBytes = maxBytes;
    this.#maxValueBytes = maxValueBytes;
    if (sweepInterval > 0) {
      // The timer holds only a weak reference, so a store dropped without close() can still be
      // garbage collected (its timer then stops itself); unref() keeps it from holding the process.
      const self = new WeakRef(this);
      const timer = setInterval(() => {
        const store = self.deref();
        if (store === undefined) clearInterval(timer);
        else store.#sweep();
      }, sweepInterval);
      timer.unref();
      this.#timer = timer;
    }
  }

  /** How many records the store holds, including expired ones not swept yet. */
  get size(): number {
    return this.#records.size;
  }

  /** The bytes the store holds as `maxBytes` counts them (values and keys, UTF-8), including expired records not swept yet. */
  get bytes(): number {
    return this.#records.weight;
  }

  /** Reads a record; an expired one is removed and reported missing. Counts as a use for eviction. */
  get(key: string): Promise<StoreRecord | undefined> {
    const entry = this.#records.find(key);
    if (entry === undefined) return NONE;
    if (entry.value.expiresAt <= this.#clock()) {
      this.#remove(entry);
      return NONE;
    }
    this.#records.use(entry);
    return Promise.resolve(entry.value);
  }

  /**
   * Creates or replaces a record; beyond `maxSessions` or `maxBytes`, evicts disposable records
   * first, least recently used first (see the class comment). The `disposable` mark is not
   * returned by `get`.
   */
  set(key: string, record: StoreRecord): Promise<void> {
    const bytes = this.#measure('set', record.value, key);
    if (typeof bytes !== 'number') return bytes;
    this.#write(key, record, bytes, this.#records.find(key));
    return DONE;
  }

  /**
   * Writes the record only if the stored one is unexpired and of version `expected` (or, for
   * `null`, missing or expired); resolves to the new version, or `false` writing nothing.
   * Atomic for free: nothing else runs between the check and the write in one process.
   */
  setIfVersion(key: string, record: StoreRecord, expected: number | null): Promise<number | false> {
    const bytes = this.#measure('setIfVersion', record.value, key);
    if (typeof bytes !== 'number') return bytes;
    const entry = this.#records.find(key);
    const live = entry !== undefined && entry.value.expiresAt > this.#clock() ? entry : undefined;
    if (expected === null ? live !== undefined : live === undefined || live.value.version !== expected) return Promise.resolve(false);
    return Promise.resolve(this.#write(key, record, bytes, entry));
  }

  /** Sets a new expiry on an unexpired record, keeping its value and user key. */
  touch(key: string, record: StoreRecord): Promise<void> {
    const entry = this.#records.find(key);
    if (entry === undefined) return DONE;
    if (entry.value.expiresAt <= this.#clock()) {
      this.#remove(entry);
      return DONE;
    }
    entry.value = { ...entry.value, expiresAt: record.expiresAt };
    this.#records.use(entry);
    return DONE;
  }

  /** Deletes a record; resolves whether or not it existed. */
  delete(key: string): Promise<void> {
    const entry = this.#records.find(key);
    if (entry !== undefined) this.#remove(entry);
    return DONE;
  }

  /** Keys of the user's unexpired sessions (expired ones found on the way are removed). */
  listByUser(userKey: string): Promise<string[]> {
    const keys: string[] = [];
    const set = this.#byUser.get(userKey);
    if (set === undefined) return Promise.resolve(keys);
    const now = this.#clock();
    for (const key of set) {
      const entry = this.#records.find(key);
      if (entry === undefined) this.#unindex(key, userKey);
      else if (entry.value.expiresAt <= now) this.#remove(entry);
      else keys.push(key);
    }
    return Promise.resolve(keys);
  }

  /** Deletes every record of the user; resolves to how many unexpired sessions that ended. */
  deleteByUser(userKey: string): Promise<number> {
    const set = this.#byUser.get(userKey);
    if (set === undefined) return Promise.resolve(0);
    this.#byUser.delete(userKey);
    const now = this.#clock();
    let count = 0;
    for (const key of set) {
      const entry = this.#records.find(key);
      if (entry === undefined) continue;
      if (entry.value.expiresAt > now) count++;
      this.#records.remove(entry);
    }
    return Promise.resolve(count);
  }

  /** The user's revocation epoch, 0 when never raised. */
  userEpoch(userKey: string): Promise<number> {
    return Promise.resolve(this.#epochs.get(userKey) ?? 0);
  }

  /** Raises the user's revocation epoch to `epoch`, keeping a larger one. */
  raiseUserEpoch(userKey: string, epoch: number): Promise<void> {
    if (!Number.isFinite(epoch)) return Promise.reject(new TypeError(`epoch must be a finite number, got ${String(epoch)}`));
    if (epoch > (this.#epochs.get(userKey) ?? 0)) this.#epochs.set(userKey, epoch);
    const raised = this.#epochs.get(userKey) as number;
    for (const watcher of this.#watchers) {
      try {
        watcher.raised(userKey, raised);
      } catch {
        // A watcher's failure is its own; the raise is done.
      }
    }
    return DONE;
  }

  /** Delivers every raise of a revocation epoch, synchronously, within this process (the store's whole world). */
  watchUserEpochs(watcher: UserEpochWatcher): Promise<() => Promise<void>> {
    this.#watchers.add(watcher);
    return Promise.resolve(() => {
      this.#watchers.delete(watcher);
      return DONE;
    });
  }

  /** Deletes expired records now; resolves to how many. */
  prune(): Promise<number> {
    return Promise.resolve(this.#sweep());
  }

  /** Every unexpired record (for express-session's `all`/`length`): disposable ones first, each tier least recently used first. */
  all(): Promise<Array<[string, StoreRecord]>> {
    const now = this.#clock();
    const out: Array<[string, StoreRecord]> = [];
    for (const entry of this.#records) if (entry.value.expiresAt > now) out.push([entry.key, entry.value]);
    return Promise.resolve(out);
  }

  /** Deletes every record. */
  clear(): Promise<void> {
    this.#records.clear();
    this.#byUser.clear();
    return DONE;
  }

  /** Stops the sweep timer. The records stay readable; the store needs no other cleanup. */
  close(): Promise<void> {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
    return DONE;
  }

  /** The bytes `maxBytes` counts for the record, or the rejection of a value over `maxValueBytes` or `maxBytes`. */
  #measure(operation: 'set' | 'setIfVersion', value: string, key: string): number | Promise<never> {
    // A value built by concatenation (as the core's codec builds it) is a V8 "rope" that keeps
    // every piece alive; flattening it (byteLength reads it all) halves the memory a stored
    // session holds (measured: ~700 -> ~360 heap bytes for a small session).
    const valueBytes = Buffer.byteLength(value);
    // Keys are ASCII (the Store contract), so their length is their size in bytes.
    const bytes = valueBytes + key.length;
    if (valueBytes <= this.#maxValueBytes && bytes <= this.#maxBytes) return bytes;
    const limit = valueBytes > this.#maxValueBytes ? `maxValueBytes (${this.#maxValueBytes} bytes)` : `maxBytes (${this.#maxBytes} bytes)`;
    return Promise.reject(new StoreError(operation, `session value is larger than ${limit}`, { code: 'ERR_STORE_VALUE_TOO_LARGE' }));
  }

  /** Stores a copy of the record over `entry` (the key's current entry, if any) at the next version; returns it. */
  #write(key: string, record: StoreRecord, bytes: number, entry: RecencyEntry<StoreRecord> | undefined): number {
    const { value, expiresAt, userKey } = record;
    // Each write moves the version on from the one it replaces (expired or not), so a reader
    // holding an older version never matches again.
    const version = (entry?.value.version ?? 0) + 1;
    const first = record.disposable === true;
    // A copy, so the caller may reuse its object. Not frozen: Object.freeze cost a third of set's time.
    const copy: StoreRecord = userKey === undefined ? { value, expiresAt, version } : { value, expiresAt, userKey, version };
    const records = this.#records;
    if (entry === undefined) {
      records.add(key, copy, bytes, first);
      if (userKey !== undefined) this.#index(key, userKey);
    } else {
      if (entry.value.userKey !== userKey) {
        this.#unindex(key, entry.value.userKey);
        if (userKey !== undefined) this.#index(key, userKey);
      }
      records.replace(entry, copy, bytes, first);
    }
    while (records.size > this.#maxSessions || records.weight > this.#maxBytes) this.#remove(records.oldest()!);
    return version;
  }

  #sweep(): number {
    const now = this.#clock();
    let count = 0;
    for (const entry of this.#records) {
      if (entry.value.expiresAt <= now) {
        this.#remove(entry);
        count++;
      }
    }
    return count;
  }

  #remove(entry: RecencyEntry<StoreRecord>): void {
    this.#records.remove(entry);
    this.#unindex(entry.key, entry.value.userKey);
  }

  #index(key: string, userKey: string): void {
    const set = this.#byUser.get(userKey);
    if (set === undefined) this.#byUser.set(userKey, new Set([key]));
    else set.add(key);
  }

  #unindex(key: string, userKey: string | undefined): void {
    if (userKey === undefined) return;
    const set = this.#byUser.get(userKey);
    if (set === undefined) return;
    set.delete(key);
    // Drop empty sets, or the index would grow with every user ever seen.
    if (set.size === 0) this.#byUser.delete(userKey);
  }
}
