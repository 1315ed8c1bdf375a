/**
 * Turns whatever was passed as `store` into the native `Store` the engine talks to, and says
 * how often an unchanged session may be touched.
 *
 * @module
 */
import type { EventEmitter } from 'node:events';
import type { Store as NativeStore } from '../../core/store.js';
import type { ExpressSessionStoreLike } from '../../stores/connect/express-session-store-adapter.js';
import { DropInStore, NATIVE_TOUCH_AFTER } from './drop-in-store.js';
import { nativeMemoryStoreOf, type MemoryStore } from './memory-store.js';

/** The store as the engine sees it. */
export interface ResolvedStore {
  native: NativeStore;
  /** The touch throttle (ms); read at each request, as it may change with the store's methods. */
  readonly touchAfter: number;
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
 * Resolves `store`: a Tessera store -> itself; an express-session store (`session.MemoryStore`
 * included) -> a `DropInStore` calling its methods as express-session does (the native memory
 * store inside a `session.MemoryStore` while its methods are its own). Throws a `TypeError` for
 * anything else.
 */
export function resolveStore(store: unknown): ResolvedStore {
  const events = typeof (store as Partial<EventEmitter> | null)?.on === 'function' ? (store as EventEmitter) : undefined;
  if (isNativeStore(store)) return { native: store, touchAfter: NATIVE_TOUCH_AFTER, events };
  const s = store as Partial<ExpressSessionStoreLike> | null;
  if (typeof s?.get === 'function' && typeof s.set === 'function' && typeof s.destroy === 'function') {
    const native = nativeMemoryStoreOf(store);
    const dropIn = new DropInStore(s as ExpressSessionStoreLike, native && { store: store as MemoryStore, native });
    return {
      native: dropIn,
      get touchAfter() {
        return dropIn.touchAfter;
      },
      events,
    };
  }
  throw new TypeError(
    'store must be an express-session store (get, set, destroy with callbacks) or a Tessera store (get, set, touch, delete returning promises)',
  );
}
