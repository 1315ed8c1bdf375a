/**
 * The contract between Tessera's core and a session store.
 *
 * A store moves opaque records: a string value produced by the core's codec, an absolute
 * expiry, and optionally the key of the user the session belongs to. It never sees a raw
 * session ID (the core derives the key), never parses the value, and holds no session logic.
 * Every sentence with "must" or "should" below is checked by `storeConformance` in
 * `tessera/testing`; a third-party store can run the same suite.
 *
 * @module
 */

/** One stored session, as the store keeps it. */
export interface StoreRecord {
  /** The encoded session (opaque to the store). It must be returned byte-for-byte as it was set. */
  value: string;
  /**
   * Absolute expiry in milliseconds since the epoch. After it the record must never be returned.
   * A store that enforces expiry itself but cannot report it (an express-session store behind
   * `tessera/connect`) returns `Number.POSITIVE_INFINITY` from `get`.
   */
  expiresAt: number;
  /** The key of the user this session belongs to, for per-user listing and deletion. */
  userKey?: string;
  /**
   * A hint from the core, on the records it writes: `true` when the session holds no data and
   * no user key (a visitor nothing was written for, e.g. one of a flood of cookieless requests
   * saved by `saveUninitialized`), so losing it loses nothing. A store that evicts under pressure
   * (`MemoryStore`) drops such records before any other; one that never evicts ignores the hint,
   * and no store has to keep it or give it back from `get`.
   */
  disposable?: boolean;
  /**
   * The record's version, from `get` of a store that has `setIfVersion` (ignored by `set`): a
   * non-negative integer that every write of the key (`set`, `setIfVersion`) changes and `touch`
   * leaves alone. A record written before the store kept versions reads as `0`.
   */
  version?: number;
}

/**
 * A session store. Methods return Promises; a rejected Promise means a system failure
 * (the server is down, a query failed), never "not found".
 *
 * Keys are non-empty strings of at most 256 characters made of base64url characters
 * (`A-Z a-z 0-9 - _`) and, for express-session compatibility, any printable ASCII.
 */
export interface Store {
  /**
   * Reads a record.
   * - It must resolve to `undefined` when the key is missing or its record has expired, even
   *   if no sweep or prune has run since (expiry is the store's, not the process's).
   * - It must return the value exactly as last set, and the expiry as last set or touched.
   * - It should be one round trip to the server.
   */
  get(key: string): Promise<StoreRecord | undefined>;

  /**
   * Creates or replaces a record, value, expiry and user key together.
   * - A later `get` must return this record until it expires or is replaced or deleted.
   * - Concurrent sets of different keys must not interfere.
   * - It should refuse (reject with a `StoreError` whose code is `ERR_STORE_VALUE_TOO_LARGE`)
   *   a value larger than the store's configured maximum, before writing anything.
   */
  set(key: string, record: StoreRecord): Promise<void>;

  /**
   * Writes a record only if the stored one is still the version the caller read (optional):
   * compare-and-set, so two requests on one session cannot silently overwrite each other.
   * `expected` is the `version` a `get` returned, or `null` for "there must be no record".
   * - It must write (value, expiry and user key together, as `set` does) and resolve to the new
   *   version when the key holds an unexpired record of version `expected`, or, for `null`, when
   *   the key is missing or expired; otherwise it must write nothing and resolve to `false`.
   * - It must never recreate a record that was deleted or has expired when `expected` is a number.
   * - It must be atomic: of concurrent calls with the same `expected`, exactly one may succeed.
   * - The version it resolves to must be the one a later `get` returns, and must differ from
   *   `expected`; a later `set` or `setIfVersion` must change it again, a `touch` must not.
   * - It should refuse an oversized value as `set` does (`ERR_STORE_VALUE_TOO_LARGE`).
   * - It should be one round trip to the server.
   */
  setIfVersion?(key: string, record: StoreRecord, expected: number | null): Promise<number | false>;

  /**
   * Extends the expiry of an existing record to `record.expiresAt`.
   * - It must not rewrite the stored value (`record.value` is the current value, passed for
   *   stores that need it, such as express-session stores behind `tessera/connect`).
   * - It must resolve, writing nothing, when the key is missing or expired.
   * - It should be a single command or statement.
   * - It must not change the record's `version`: a touch does not lose anyone's update, so it
   *   must not make a concurrent `setIfVersion` fail.
   */
  touch(key: string, record: StoreRecord): Promise<void>;

  /**
   * Deletes a record.
   * - It must resolve when the key is missing.
   * - A later `get` of the key must resolve to `undefined`.
   */
  delete(key: string): Promise<void>;

  /**
   * Lists the keys of a user's unexpired sessions (optional).
   * - It must return every key set with this `userKey` that has not expired or been deleted,
   *   and no other key.
   */
  listByUser?(userKey: string): Promise<string[]>;

  /**
   * Deletes every session of a user (optional), e.g. for "log out everywhere".
   * - It must leave no record with this `userKey`, and resolve to how many it deleted.
   */
  deleteByUser?(userKey: string): Promise<number>;

  /**
   * The user's revocation epoch (optional): the largest number `raiseUserEpoch` was given for
   * this user, or 0 when never. The core records an epoch in each session and treats a session
   * whose epoch is older as dead, so "log out everywhere" reaches even a session the index missed.
   * - It must resolve to 0 for an unknown user, and be one round trip.
   */
  userEpoch?(userKey: string): Promise<number>;

  /**
   * Raises the user's revocation epoch to `epoch` (optional); one that is already larger stays.
   * - It must be atomic: concurrent raises leave the largest.
   * - The epoch must outlive every session of the user (it never expires on its own).
   */
  raiseUserEpoch?(userKey: string, epoch: number): Promise<void>;

  /**
   * Delivers every raise of a revocation epoch to this process (optional), so the core can keep
   * the epochs in memory and check them without a store call (the cookie cache, see
   * `cookie-cache.ts`): Redis pub/sub, PostgreSQL `LISTEN/NOTIFY`, in-process for memory.
   * - It resolves once delivery is live; from then on every `raiseUserEpoch` that completes, on
   *   this store or any other process sharing the data, must reach `watcher.raised` with the
   *   user key and an epoch at least the one raised, until the returned function is called.
   * - When delivery stops (a dropped connection), it must call `watcher.interrupted` before it
   *   would miss a raise, and `watcher.live` once it delivers again (raises in between may be lost).
   * - It may deliver a raise more than once, or one that completed before it resolved.
   * - The returned function stops delivery and releases what the watch opened (never the
   *   connection the user passed in); no callback runs once it has resolved. It must resolve
   *   when called twice.
   * - It rejects when delivery cannot start (the server is down); the caller may try again.
   */
  watchUserEpochs?(watcher: UserEpochWatcher): Promise<() => Promise<void>>;

  /**
   * Deletes expired records now (optional; stores whose server expires keys need none).
   * - It must not delete an unexpired record, and resolves to how many it deleted.
   */
  prune?(): Promise<number>;

  /**
   * Whether the store can be reached right now, from what its client already knows (optional):
   * a Redis client that is not connected, a pool whose last connection attempt was refused.
   * While it answers `false` the core fails calls at once (`ERR_STORE_UNAVAILABLE`) instead of
   * waiting for their timeout, except for one trial call now and then to notice recovery.
   * - It must answer synchronously, from memory, without I/O: it is asked before every call.
   * - It must answer `true` while the store serves calls normally.
   * - It should answer `true` again once the store is back, at the latest after a call succeeded.
   */
  isAvailable?(): boolean;

  /**
   * Stops the store's timers and releases what it opened itself (optional).
   * - It must not close connections the user passed in; the user owns those.
   * - It must resolve when called twice.
   */
  close?(): Promise<void>;
}

/** What `Store.watchUserEpochs` delivers to. Callbacks must not throw (a store ignores what they throw). */
export interface UserEpochWatcher {
  /** A user's revocation epoch was raised to (at least) `epoch`. */
  raised(userKey: string, epoch: number): void;
  /** Delivery stopped: raises may be missed until `live`. */
  interrupted(): void;
  /** Delivery (re)started after `interrupted`. */
  live(): void;
}

/**
 * A store sets `[boundedCalls] = true` when no call of it can hang: it bounds each call with its
 * own deadline (Tessera's Redis and PostgreSQL stores, the express-session bridge) or never
 * waits on I/O (the memory and SQLite stores). The core then adds no timer of its own to its
 * calls; any other store gets the manager's `storeTimeout`.
 */
export const boundedCalls: unique symbol = Symbol.for('tessera.store.boundedCalls');

/**
 * The store's own report of whether it can be reached (`Store.isAvailable`); `true` for a store
 * without one, or whose report throws (a broken probe must not take the sessions down).
 */
export function storeAvailable(store: Store): boolean {
  if (typeof store.isAvailable !== 'function') return true;
  try {
    return store.isAvailable() !== false;
  } catch {
    return true;
  }
}

/** Whether the store can compare-and-set on a record version (has `setIfVersion`). */
export function supportsVersions(store: Store): store is Store & Required<Pick<Store, 'setIfVersion'>> {
  return typeof store.setIfVersion === 'function';
}
