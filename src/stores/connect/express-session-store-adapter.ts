/**
 * `fromExpressSessionStore`: any express-session store (connect-redis, connect-pg-simple,
 * connect-mongo, express-session's MemoryStore...) as a Tessera `Store`.
 *
 * @module
 */
import { systemClock, type Clock } from '../../core/clock.js';
import { StoreError } from '../../core/errors.js';
import { boundedCalls, type Store, type StoreRecord } from '../../core/store.js';
import { withTimeout } from '../../core/with-timeout.js';
import { fromCallback, type NodeCallback } from './callbacks.js';
import { fromSessionObject, toSessionObject, type SessionObject } from './session-value.js';

/**
 * The callback API of an express-session store: `get`, `set` and `destroy` are required, `touch`
 * is recommended (express-session's own tiers). Methods may also return a promise; it is ignored.
 */
export interface ExpressSessionStoreLike {
  // The session parameters are `any` so that stores typed against express-session's own
  // `SessionData` (whose `cookie` is a `Cookie` class) fit without a cast.
  get(sid: string, callback: (error: any, session?: any) => void): unknown;
  set(sid: string, session: any, callback?: (error?: any) => void): unknown;
  destroy(sid: string, callback?: (error?: any) => void): unknown;
  touch?(sid: string, session: any, callback?: (error?: any) => void): unknown;
}

/** Where `get` takes a record's expiry from; see {@link ExpressSessionStoreAdapterOptions.expiry}. */
export type ExpiryReport = 'store' | 'cookie';

/** Options of {@link fromExpressSessionStore}. */
export interface ExpressSessionStoreAdapterOptions {
  /**
   * Deadline of each store call in milliseconds. Default `5000`. `Number.POSITIVE_INFINITY` sets
   * none: every call waits as long as the store takes, as under express-session.
   */
  timeout?: number;
  /**
   * What `get` reports as `expiresAt`. Default `'store'`.
   * - `'store'`: `Number.POSITIVE_INFINITY`. The wrapped store enforces expiry with its own TTL,
   *   which is all most of them can be trusted for: connect-redis, connect-pg-simple and
   *   connect-mongo extend the TTL on `touch` but leave the stored `cookie.expires` as it was, so
   *   after a touch that date is stale and reporting it would end rolling sessions early.
   * - `'cookie'`: `Date.parse(session.cookie.expires)` (+Infinity when absent), and `get` treats a
   *   record past it as missing. Exact for stores whose `touch` rewrites the stored cookie, such
   *   as express-session's MemoryStore.
   */
  expiry?: ExpiryReport;
  /**
   * Read the session before touching it, and touch only when the store still returns it. Costs a
   * round trip; set it for stores whose `touch` revives a session that has expired but not yet
   * been pruned (connect-pg-simple's touch updates the row whatever its expiry). Default `false`.
   */
  checkBeforeTouch?: boolean;
  /** Largest value `set` accepts, in UTF-8 bytes. Default: no limit of the adapter's own. */
  maxValueBytes?: number;
  /** Source of "now": the `'cookie'` expiry check and the `originalMaxAge` of wrapped values. Default `Date.now`. */
  clock?: Clock;
}

function isNotFound(error: unknown): boolean {
  // express-session's own convention (file-based stores report a missing session this way).
  return (error as { code?: unknown } | null)?.code === 'ENOENT';
}

/**
 * A Tessera `Store` over an express-session store, so existing session data and infrastructure
 * keep working. Values in Tessera's session format are stored as the express-session session
 * object they encode, so express-session apps and Tessera apps can share one store (see
 * `session-value.ts` for the exact mapping); for those, `expiresAt` is advisory: the wrapped
 * store derives its TTL from `session.cookie.expires`, falling back to its own default (e.g.
 * connect-redis's `ttl`) when the cookie has no expiry. Other values are wrapped in a session
 * object whose `cookie.expires` is `expiresAt`, so the store's TTL honours it.
 *
 * - `touch` calls the store's `touch`; a store without one is not called, and its TTL is then
 *   extended only by `set` (as under express-session, which also calls `touch` only if present).
 *   See `checkBeforeTouch` for stores whose `touch` revives expired sessions.
 * - No `listByUser`/`deleteByUser`/`prune`: express-session stores have no user index, and
 *   expire sessions themselves.
 * - `close` does nothing: the wrapped store and its client belong to the application.
 *
 * Every call has a deadline (`timeout`) and every failure is a `StoreError`; an error whose
 * `code` is `'ENOENT'` from `get` means "not found", as express-session reads it.
 *
 * @example
 * ```ts
 * import { createClient } from 'redis';
 * import { RedisStore } from 'connect-redis';
 * import { fromExpressSessionStore } from 'tessera/connect';
 *
 * const client = await createClient({ url: process.env.REDIS_URL }).connect();
 * const store = fromExpressSessionStore(new RedisStore({ client, prefix: 'sess:' }));
 * ```
 */
export class ExpressSessionStoreAdapter implements Store {
  /** The wrapped express-session store. */
  readonly target: ExpressSessionStoreLike;
  readonly #timeout: number;
  readonly #expiry: ExpiryReport;
  readonly #maxValueBytes: number;
  readonly #clock: Clock;
  readonly #checkBeforeTouch: boolean;

  /** @throws {TypeError} when the store lacks get/set/destroy or an option is invalid. */
  constructor(store: ExpressSessionStoreLike, options: ExpressSessionStoreAdapterOptions = {}) {
    for (const method of ['get', 'set', 'destroy'] as const) {
      if (typeof (store as Partial<ExpressSessionStoreLike> | null)?.[method] !== 'function') {
        throw new TypeError(`fromExpressSessionStore: \`store\` must be an express-session store; it has no ${method}() method`);
      }
    }
    const { timeout = 5000, expiry = 'store', maxValueBytes = Number.POSITIVE_INFINITY, clock = systemClock } = options;
    const { checkBeforeTouch = false } = options;
    if (typeof timeout !== 'number' || !(timeout > 0)) {
      throw new TypeError(`fromExpressSessionStore: \`timeout\` must be a positive number of ms (or Infinity for none), got ${String(timeout)}`);
    }
    if (expiry !== 'store' && expiry !== 'cookie') {
      throw new TypeError(`fromExpressSessionStore: \`expiry\` must be 'store' or 'cookie', got ${String(expiry)}`);
    }
    if (typeof maxValueBytes !== 'number' || !(maxValueBytes > 0)) {
      throw new TypeError(`fromExpressSessionStore: \`maxValueBytes\` must be a positive number, got ${String(maxValueBytes)}`);
    }
    if (typeof clock !== 'function') throw new TypeError('fromExpressSessionStore: `clock` must be a function returning ms since the epoch');
    if (typeof checkBeforeTouch !== 'boolean') throw new TypeError('fromExpressSessionStore: `checkBeforeTouch` must be a boolean');
    this.target = store;
    this.#timeout = timeout;
    this.#expiry = expiry;
    this.#maxValueBytes = maxValueBytes;
    this.#clock = clock;
    this.#checkBeforeTouch = checkBeforeTouch;
  }

  /** Every call is bounded (see `boundedCalls` in the Store contract), unless `timeout` is Infinity. */
  get [boundedCalls](): boolean {
    return Number.isFinite(this.#timeout);
  }

  get(key: string): Promise<StoreRecord | undefined> {
    return this.#get(key, true);
  }

  /**
   * `get`, except that an error whose `code` is `'ENOENT'` rejects instead of meaning "not
   * found": express-session's `reload` passes that error on (only its initial load reads it as
   * "no session").
   */
  getStrict(key: string): Promise<StoreRecord | undefined> {
    return this.#get(key, false);
  }

  #get(key: string, enoentIsMissing: boolean): Promise<StoreRecord | undefined> {
    return withTimeout('get', this.#timeout, async () => {
      const session = await this.#read(key, enoentIsMissing);
      if (session === null || session === undefined) return undefined;
      const parts = fromSessionObject(session);
      if (this.#expiry === 'store') parts.expiresAt = Number.POSITIVE_INFINITY;
      // Stores that round TTLs up to whole seconds may return a record a little past its expiry.
      else if (parts.expiresAt <= this.#clock()) return undefined;
      return parts;
    });
  }

  set(key: string, record: StoreRecord): Promise<void> {
    return withTimeout('set', this.#timeout, async () => {
      const bytes = Buffer.byteLength(record.value, 'utf8');
      if (bytes > this.#maxValueBytes) {
        throw new StoreError('set', `session value of ${bytes} bytes exceeds maxValueBytes (${this.#maxValueBytes})`, {
          code: 'ERR_STORE_VALUE_TOO_LARGE',
        });
      }
      const session = toSessionObject(record, this.#clock());
      await fromCallback((cb: NodeCallback) => this.target.set(key, session, cb));
    });
  }

  touch(key: string, record: StoreRecord): Promise<void> {
    const { target } = this;
    if (typeof target.touch !== 'function') return Promise.resolve();
    return withTimeout('touch', this.#timeout, async () => {
      if (this.#checkBeforeTouch && (await this.#read(key, true)) == null) return;
      const session: SessionObject = toSessionObject(record, this.#clock());
      await fromCallback((cb: NodeCallback) => target.touch?.(key, session, cb));
    });
  }

  delete(key: string): Promise<void> {
    return withTimeout('delete', this.#timeout, async () => {
      await fromCallback((cb: NodeCallback) => this.target.destroy(key, cb));
    });
  }

  /** The session object the store holds for `key`; `undefined`/`null` when it has none. */
  async #read(key: string, enoentIsMissing: boolean): Promise<unknown> {
    try {
      return await fromCallback((cb) => this.target.get(key, cb));
    } catch (error) {
      if (enoentIsMissing && isNotFound(error)) return undefined;
      throw error;
    }
  }

  /** Resolves; the wrapped store and its connection stay open (the application owns them). */
  close(): Promise<void> {
    return Promise.resolve();
  }
}

/**
 * Wraps an express-session store as a Tessera `Store` (see {@link ExpressSessionStoreAdapter}).
 *
 * @example
 * ```ts
 * import session from 'express-session';
 * import { fromExpressSessionStore } from 'tessera/connect';
 *
 * const store = fromExpressSessionStore(new session.MemoryStore(), { expiry: 'cookie' });
 * ```
 */
export function fromExpressSessionStore(
  store: ExpressSessionStoreLike,
  options?: ExpressSessionStoreAdapterOptions,
): ExpressSessionStoreAdapter {
  return new ExpressSessionStoreAdapter(store, options);
}
