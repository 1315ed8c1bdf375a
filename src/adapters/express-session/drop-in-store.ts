/**
 * The store the drop-in's engine talks to when the app passed an express-session store: the
 * store's own callback methods, looked up at every call as express-session does, with one fast
 * path: a `session.MemoryStore` whose storage methods are still the prototype's own is served
 * by the native memory store inside it, skipping the callback and JSON round trip.
 *
 * @module
 */
import type { Store as NativeStore, StoreRecord } from '../../core/store.js';
import type { MemoryStore as NativeMemoryStore } from '../../stores/memory/index.js';
// The adapter file itself, not `stores/connect/index.js`: the index also loads the other
// direction of the bridge, which requires the express-session package at runtime.
import { fromExpressSessionStore, type ExpressSessionStoreAdapter, type ExpressSessionStoreLike } from '../../stores/connect/express-session-store-adapter.js';
import { hasOwnStorageMethods, type MemoryStore } from './memory-store.js';

/** express-session touches an unchanged session on every request when `resave` is off. */
const TOUCH_EVERY_REQUEST = 0;
/**
 * Tessera's stores skip a touch while the stored expiry is less than this far behind: it makes
 * express-session's per-request touch cheap, at the cost of an expiry up to a minute early.
 */
export const NATIVE_TOUCH_AFTER = 60_000;

/** A `session.MemoryStore` and the native store inside it. */
export interface MemoryStorePair {
  store: MemoryStore;
  native: NativeMemoryStore;
}

/**
 * A Tessera `Store` over an express-session store (see the module comment). No deadline of its
 * own: express-session waits as long as a store takes (the drop-in's `storeTimeout` sets one).
 */
export class DropInStore implements NativeStore {
  /** The store the app passed. */
  readonly target: ExpressSessionStoreLike;
  readonly #bridge: ExpressSessionStoreAdapter;
  readonly #memory: MemoryStorePair | undefined;

  constructor(target: ExpressSessionStoreLike, memory?: MemoryStorePair) {
    this.target = target;
    this.#bridge = fromExpressSessionStore(target, { timeout: Number.POSITIVE_INFINITY });
    this.#memory = memory;
  }

  /** The native memory store, while the `session.MemoryStore`'s methods are its own; else `undefined`. */
  #fast(): NativeMemoryStore | undefined {
    const memory = this.#memory;
    return memory !== undefined && hasOwnStorageMethods(memory.store) ? memory.native : undefined;
  }

  /**
   * How far behind the stored expiry may be before an unchanged session is touched: throttled on
   * the native fast path, every request when the store's own `touch` runs (as express-session).
   */
  get touchAfter(): number {
    return this.#fast() === undefined ? TOUCH_EVERY_REQUEST : NATIVE_TOUCH_AFTER;
  }

  get(key: string): Promise<StoreRecord | undefined> {
    return (this.#fast() ?? this.#bridge).get(key);
  }

  /** `get` for `reload`: a `get` error with `code: 'ENOENT'` is an error here, as in express-session's `reload`. */
  getStrict(key: string): Promise<StoreRecord | undefined> {
    return this.#fast()?.get(key) ?? this.#bridge.getStrict(key);
  }

  set(key: string, record: StoreRecord): Promise<void> {
    return (this.#fast() ?? this.#bridge).set(key, record);
  }

  touch(key: string, record: StoreRecord): Promise<void> {
    return (this.#fast() ?? this.#bridge).touch(key, record);
  }

  delete(key: string): Promise<void> {
    return (this.#fast() ?? this.#bridge).delete(key);
  }

  /** Resolves; the app owns the store it passed. */
  close(): Promise<void> {
    return Promise.resolve();
  }
}
