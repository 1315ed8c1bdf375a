/**
 * Turns whatever was passed as `store` into the native `Store` the engine talks to, and says
 * how often an unchanged session may be touched.
 *
 * @module
 */
import type { EventEmitter } from 'node:events';
import type { Store as NativeStore } from '../../core/store.js';
// The adapter file itself, not `stores/connect/index.js`: the index also loads the other
// direction of the bridge, which requires the express-session package at runtime.
import { fromExpressSessionStore, type ExpressSessionStoreLike } from '../../stores/connect/express-session-store-adapter.js';
import { nativeMemoryStoreOf } from './memory-store.js';

/** express-session touches an unchanged session on every request when `resave` is off. */
const TOUCH_EVERY_REQUEST = 0;
/**
 * Tessera's stores skip a touch while the stored expiry is less than this far behind: it makes
 * express-session's per-request touch cheap, at the cost of an expiry up to a minute early.
 */
const NATIVE_TOUCH_AFTER = 60_000;

/** The store as the engine sees it. */
export interface ResolvedStore {
  native: NativeStore;
  touchAfter: number;
  /** The store's event emitter, if it has one (`disconnect`/`connect` switch sessions off/on). */
  events: Pick<EventEmitter, 'on'> | undefined;
}

/** True for a Tessera store: promise-returning get/set/touch/delete, and no callback-style destroy. */
export function isNativeStore(store: unknown): store is NativeStore {
  if (typeof store !== 'object' || store === null) return false;
  const s = store as Record<string, unknown>;
  const methods = ['get', 'set', 'touch', 'delete'].every((m) => typeof s[m] === 'function');
  // A callback store takes (sid, callback) in get and deletes with destroy().
  return methods && typeof s.destroy !== 'function' && (s.get as (...args: unknown[]) => unknown).length < 2;
}

/**
 * Resolves `store`: `session.MemoryStore` (unmodified) -> its native store; a Tessera store ->
 * itself; any express-session store -> wrapped with `fromExpressSessionStore`, touched on every
 * request as express-session does. Throws a `TypeError` for anything else.
 */
export function resolveStore(store: unknown): ResolvedStore {
  const events = typeof (store as Partial<EventEmitter> | null)?.on === 'function' ? (store as EventEmitter) : undefined;
  const memory = nativeMemoryStoreOf(store);
  if (memory !== undefined) return { native: memory, touchAfter: NATIVE_TOUCH_AFTER, events };
  if (isNativeStore(store)) return { native: store, touchAfter: NATIVE_TOUCH_AFTER, events };
  const s = store as Partial<ExpressSessionStoreLike> | null;
  if (typeof s?.get === 'function' && typeof s.set === 'function' && typeof s.destroy === 'function') {
    return { native: fromExpressSessionStore(s as ExpressSessionStoreLike), touchAfter: TOUCH_EVERY_REQUEST, events };
  }
  throw new TypeError(
    'store must be an express-session store (get, set, destroy with callbacks) or a Tessera store (get, set, touch, delete returning promises)',
  );
}
