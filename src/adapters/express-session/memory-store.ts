/**
 * `session.MemoryStore`: express-session's MemoryStore API (callbacks, `all`, `length`,
 * `clear`, `load`) over Tessera's bounded in-memory store. Unlike express-session's, it cannot
 * grow without limit (beyond `maxSessions` or `maxBytes` it evicts sessions that hold no data
 * first, then the least recently used) and it sweeps expired sessions. While its storage
 * methods are its own, the middleware talks to the
 * native store inside directly.
 *
 * @module
 */
import { inherits } from 'node:util';
import { systemClock, type Clock } from '../../core/clock.js';
import { readForward } from '../../core/forward.js';
import type { StoreRecord } from '../../core/store.js';
import { MemoryStore as NativeMemoryStore, type MemoryStoreOptions as NativeMemoryStoreOptions } from '../../stores/memory/index.js';
import { mayBeIgnored } from './errors.js';
import { Store, type SessionObject, type StoreCallback } from './store.js';

/** Store lifetime (ms) of a session whose cookie has no expiry (a browser-session cookie): one day. */
export const BROWSER_SESSION_TTL = 86_400_000;

/** Options of `session.MemoryStore`: those of Tessera's `MemoryStore` (`maxSessions`, `maxBytes`, `sweepInterval`, `maxValueBytes`, `clock`). */
export type MemoryStoreOptions = NativeMemoryStoreOptions;

/** An express-session `MemoryStore` (see the module comment). Called without a callback, each method returns a Promise. */
export interface MemoryStore extends Store {
  /** Reads a session (`undefined` when missing or expired). Without a callback, returns a Promise. */
  get(sid: string, callback: (err: any, session?: SessionObject | null) => void): void;
  get(sid: string): Promise<SessionObject | undefined>;
  /** Creates or replaces a session; it expires with its cookie (a browser-session cookie: after a day). */
  set(sid: string, session: SessionObject): Promise<void>;
  set(sid: string, session: SessionObject, callback?: (err?: any) => void): void;
  /** Deletes a session. */
  destroy(sid: string): Promise<void>;
  destroy(sid: string, callback?: (err?: any) => void): void;
  /** Moves a session's expiry to its cookie's, keeping its data. */
  touch(sid: string, session: SessionObject): Promise<void>;
  touch(sid: string, session: SessionObject, callback?: (err?: any) => void): void;
  /** Every unexpired session, keyed by ID. Without a callback, returns a Promise. */
  all(callback: (err: any, sessions?: Record<string, SessionObject>) => void): void;
  all(): Promise<Record<string, SessionObject>>;
  /** How many unexpired sessions there are. Without a callback, returns a Promise. */
  length(callback: (err: any, length?: number) => void): void;
  length(): Promise<number>;
  /** Deletes every session. */
  clear(): Promise<void>;
  clear(callback?: (err?: any) => void): void;
}

/** The `MemoryStore` constructor: `new`, `class extends`, or `MemoryStore.call(this)`. */
export interface MemoryStoreConstructor {
  new (options?: MemoryStoreOptions): MemoryStore;
  (this: MemoryStore, options?: MemoryStoreOptions): void;
  readonly prototype: MemoryStore;
}

const kNative = Symbol('tessera.nativeMemoryStore');
const kClock = Symbol('tessera.clock');

interface Internals {
  [kNative]: NativeMemoryStore;
  [kClock]: Clock;
}

function MemoryStoreImpl(this: MemoryStore, options?: MemoryStoreOptions): void {
  Store.call(this);
  Object.defineProperty(this, kNative, { value: new NativeMemoryStore(options) });
  Object.defineProperty(this, kClock, { value: options?.clock ?? systemClock });
}
inherits(MemoryStoreImpl, Store);

/** Without a callback, the promise itself; with one, its outcome reported on a later tick. */
function settle<T>(promise: Promise<T>, callback: StoreCallback<T> | undefined): Promise<T> | undefined {
  if (callback === undefined) return mayBeIgnored(promise);
  promise.then(
    (result) => process.nextTick(callback, null, result),
    (error: unknown) => process.nextTick(callback, error),
  );
  return undefined;
}

/** The stored value as express-session's session object, without Tessera's own metadata. */
/** The session object of a stored value; `undefined` for the forward a renewed session's old ID leaves (no session). */
function toObject(value: string): SessionObject | undefined {
  if (readForward(value) !== undefined) return undefined;
  const { __tessera: _meta, ...session } = JSON.parse(value) as SessionObject;
  return session;
}

function expiryOf(session: SessionObject, now: number): number {
  const expires = (session.cookie as { expires?: unknown } | undefined)?.expires;
  const at = expires instanceof Date ? expires.getTime() : typeof expires === 'string' ? Date.parse(expires) : Number.NaN;
  return Number.isNaN(at) ? now + BROWSER_SESSION_TTL : at;
}

/** A session holding nothing but its cookie (no data): the native store may evict it first. */
function isEmpty(session: SessionObject): boolean {
  for (const key in session) if (key !== 'cookie' && key !== '__tessera') return false;
  return true;
}

function internals(store: MemoryStore): Internals {
  return store as unknown as Internals;
}

const proto = MemoryStoreImpl.prototype as MemoryStore;

proto.get = function get(this: MemoryStore, sid: string, callback?: StoreCallback<SessionObject | undefined>) {
  const read = internals(this)[kNative].get(sid).then((record) => (record === undefined ? undefined : toObject(record.value)));
  return settle(read, callback);
} as MemoryStore['get'];

proto.set = function set(this: MemoryStore, sid: string, session: SessionObject, callback?: StoreCallback<void>) {
  const self = internals(this);
  const record: StoreRecord = { value: JSON.stringify(session), expiresAt: expiryOf(session, self[kClock]()) };
  if (isEmpty(session)) record.disposable = true;
  return settle(self[kNative].set(sid, record), callback);
} as MemoryStore['set'];

proto.destroy = function destroy(this: MemoryStore, sid: string, callback?: StoreCallback<void>) {
  return settle(internals(this)[kNative].delete(sid), callback);
} as MemoryStore['destroy'];

proto.touch = function touch(this: MemoryStore, sid: string, session: SessionObject, callback?: StoreCallback<void>) {
  const self = internals(this);
  const native = self[kNative];
  // As express-session's MemoryStore: the stored cookie becomes the given one, the data stays.
  const done = native.get(sid).then((record) => {
    if (record === undefined) return undefined;
    const stored = JSON.parse(record.value) as SessionObject;
    stored.cookie = session.cookie;
    const next: StoreRecord = { value: JSON.stringify(stored), expiresAt: expiryOf(session, self[kClock]()) };
    if (record.userKey !== undefined) next.userKey = record.userKey;
    else if (isEmpty(stored)) next.disposable = true;
    return native.set(sid, next);
  });
  return settle(done, callback);
} as MemoryStore['touch'];

proto.all = function all(this: MemoryStore, callback?: StoreCallback<Record<string, SessionObject>>) {
  const list = internals(this)[kNative].all().then((entries) => {
    const sessions: Record<string, SessionObject> = Object.create(null) as Record<string, SessionObject>;
    for (const [sid, record] of entries) {
      try {
        const session = toObject(record.value);
        if (session !== undefined) sessions[sid] = session;
      } catch {
        // Not a session (written through the native API): not listed.
      }
    }
    return sessions;
  });
  return settle(list, callback);
} as MemoryStore['all'];

proto.length = function length(this: MemoryStore, callback?: StoreCallback<number>) {
  return settle(
    this.all().then((sessions) => Object.keys(sessions).length),
    callback,
  );
} as MemoryStore['length'];

proto.clear = function clear(this: MemoryStore, callback?: StoreCallback<void>) {
  return settle(internals(this)[kNative].clear(), callback);
} as MemoryStore['clear'];

/** The native store inside a `session.MemoryStore` (whatever its methods are now), else `undefined`. */
export function nativeMemoryStoreOf(store: unknown): NativeMemoryStore | undefined {
  return store instanceof MemoryStoreImpl ? internals(store as MemoryStore)[kNative] : undefined;
}

/**
 * True while a `session.MemoryStore`'s storage methods are the prototype's own: neither
 * replaced on the instance nor overridden by a subclass. Only then may the middleware skip
 * them and talk to the native store inside. Four property reads, cheap enough for every call.
 */
export function hasOwnStorageMethods(store: MemoryStore): boolean {
  return store.get === proto.get && store.set === proto.set && store.destroy === proto.destroy && store.touch === proto.touch;
}

/**
 * express-session's `MemoryStore`, bounded. Extend it like `session.Store`.
 *
 * @example
 * const store = new session.MemoryStore({ maxSessions: 50_000 });
 * app.use(session({ store, secret: 'keyboard cat', resave: false, saveUninitialized: false }));
 * store.length((err, n) => console.log(n, 'sessions'));
 */
export const MemoryStore = MemoryStoreImpl as unknown as MemoryStoreConstructor;
