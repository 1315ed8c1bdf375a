/**
 * `toExpressSessionStore`: a Tessera `Store` as a store for the express-session middleware.
 *
 * @module
 */
import { EventEmitter } from 'node:events';
import expressSession, { type SessionData, type Store as ExpressStore } from 'express-session';
import { systemClock, type Clock } from '../../core/clock.js';
import type { Store, StoreRecord } from '../../core/store.js';
import { withTimeout } from '../../core/with-timeout.js';
import { toCallback } from './callbacks.js';
import { cookieExpiry } from './session-value.js';

type ExpressRequest = Parameters<ExpressStore['createSession']>[0];
type LoadedSession = ReturnType<ExpressStore['createSession']>;
type Callback<T = unknown> = (error?: any, result?: T) => void;

// express-session's own classes, so a loaded session behaves exactly like one it created. Their
// declared constructors are private or absent, hence the casts.
const SessionClass = expressSession.Session as unknown as new (req: ExpressRequest, data: object) => LoadedSession;
const CookieClass = expressSession.Cookie as unknown as new (options: object) => SessionData['cookie'];

/**
 * Optional extras of a native store that `toExpressSessionStore` maps to express-session's
 * `all`/`length` and `clear` when present (Tessera's `MemoryStore` has both).
 */
export interface EnumerableStore extends Store {
  /** Every unexpired record, as `[key, record]` pairs. */
  all?(): Promise<Array<[string, StoreRecord]>>;
  /** Deletes every record. */
  clear?(): Promise<void>;
}

/** Options of {@link toExpressSessionStore}. */
export interface ExpressCompatibleStoreOptions {
  /** Lifetime in ms of a session whose cookie has no expiry (a browser-session cookie). Default `86_400_000` (1 day). */
  defaultTtl?: number;
  /** Deadline of each store call in milliseconds. Default `5000`. */
  timeout?: number;
  /** Source of "now" for `defaultTtl` and the expiry check. Default `Date.now`. */
  clock?: Clock;
  /**
   * Derives the record's user key from a session being saved (e.g. `(s) => s.userId`), so that
   * the native store's `listByUser`/`deleteByUser` ("log out everywhere") cover sessions written
   * by express-session. Default: none (express-session's saves carry no user key).
   */
  userKey?: (session: SessionData) => string | undefined;
}

function parseSession(value: string): SessionData | null {
  try {
    const parsed: unknown = JSON.parse(value);
    const cookie = (parsed as { cookie?: unknown } | null)?.cookie;
    if (typeof parsed === 'object' && parsed !== null && typeof cookie === 'object' && cookie !== null) return parsed as SessionData;
  } catch {
    // fall through: not a session
  }
  // A record express-session cannot read is no session (like a bad cookie); its next save replaces it.
  return null;
}

/**
 * An express-session store over a Tessera `Store`: the callback API express-session calls
 * (`get`, `set`, `destroy`, `touch`, and `all`/`length`/`clear` when the native store has
 * `all()`/`clear()`), an `EventEmitter` like express-session's own `Store` base class, and that
 * class's `regenerate`, `load` and `createSession`.
 *
 * Sessions are stored as `JSON.stringify(session)` with the expiry of `session.cookie.expires`
 * (or now + `defaultTtl` for a cookie without one) and read back with `cookie.expires` as a
 * string, as express-session stores do, so Tessera's own express-session drop-in reads them too.
 * It never emits `disconnect`: a native store reports failures per call, as errors.
 * Requires the `express-session` package (its `Session` and `Cookie` classes build loaded sessions).
 *
 * @example
 * ```ts
 * import express from 'express';
 * import session from 'express-session';
 * import { PostgresStore } from 'tessera/postgres';
 * import { toExpressSessionStore } from 'tessera/connect';
 *
 * const app = express();
 * const store = toExpressSessionStore(new PostgresStore({ pool }));
 * app.use(session({ store, secret: process.env.SESSION_SECRET!, resave: false, saveUninitialized: false }));
 * ```
 */
export class ExpressCompatibleStore extends EventEmitter implements ExpressStore {
  /** The native store sessions are kept in. */
  readonly native: EnumerableStore;
  /** Set by the express-session middleware: gives `req` a new session ID and session. */
  declare generate?: (req: ExpressRequest) => void;
  /** Present when the native store has `all()`. */
  declare all?: (callback: Callback<Record<string, SessionData>>) => void;
  /** Present when the native store has `all()`. */
  declare length?: (callback: Callback<number>) => void;
  /** Present when the native store has `clear()`. */
  declare clear?: (callback?: Callback<void>) => void;
  readonly #defaultTtl: number;
  readonly #timeout: number;
  readonly #clock: Clock;
  readonly #userKey: ((session: SessionData) => string | undefined) | undefined;

  /** @throws {TypeError} when `native` is not a Store or an option is invalid. */
  constructor(native: EnumerableStore, options: ExpressCompatibleStoreOptions = {}) {
    super();
    for (const method of ['get', 'set', 'touch', 'delete'] as const) {
      if (typeof (native as Partial<Store> | null)?.[method] !== 'function') {
        throw new TypeError(`toExpressSessionStore: \`native\` must be a Tessera Store; it has no ${method}() method`);
      }
    }
    const { defaultTtl = 86_400_000, timeout = 5000, clock = systemClock, userKey } = options;
    for (const [name, value] of [['defaultTtl', defaultTtl], ['timeout', timeout]] as const) {
      if (typeof value !== 'number' || !(value > 0) || !Number.isFinite(value)) {
        throw new TypeError(`toExpressSessionStore: \`${name}\` must be a positive number of ms, got ${String(value)}`);
      }
    }
    if (typeof clock !== 'function') throw new TypeError('toExpressSessionStore: `clock` must be a function returning ms since the epoch');
    if (userKey !== undefined && typeof userKey !== 'function') throw new TypeError('toExpressSessionStore: `userKey` must be a function');
    this.native = native;
    this.#defaultTtl = defaultTtl;
    this.#timeout = timeout;
    this.#clock = clock;
    this.#userKey = userKey;
    const { all, clear } = native;
    // StoreOperation has no names for these extensions: they report as the nearest contract call.
    if (typeof all === 'function') {
      const entries = (): Promise<Array<[string, StoreRecord]>> => withTimeout('get', this.#timeout, () => all.call(native));
      this.all = (callback) => {
        const sessions = entries().then((list) => {
          const out: Record<string, SessionData> = {};
          for (const [key, record] of list) {
            const session = parseSession(record.value);
            if (session !== null) out[key] = session;
          }
          return out;
        });
        toCallback(sessions, callback);
      };
      this.length = (callback) => toCallback(entries().then((list) => list.length), callback);
    }
    if (typeof clear === 'function') {
      this.clear = (callback) => toCallback(withTimeout('delete', this.#timeout, () => clear.call(native)), callback);
    }
  }

  /** Reads a session; `null` when it is missing or expired. `cookie.expires` stays a string. */
  get(sid: string, callback: Callback<SessionData | null>): void {
    const read = withTimeout('get', this.#timeout, () => this.native.get(sid)).then((record) =>
      record === undefined || record.expiresAt <= this.#clock() ? null : parseSession(record.value),
    );
    toCallback(read, callback);
  }

  /** Creates or replaces a session. */
  set(sid: string, session: SessionData, callback?: Callback<void>): void {
    toCallback(withTimeout('set', this.#timeout, () => this.native.set(sid, this.#record(session))), callback);
  }

  /** Extends a session's expiry to its cookie's (the native store keeps the stored value). */
  touch(sid: string, session: SessionData, callback?: Callback<void>): void {
    toCallback(withTimeout('touch', this.#timeout, () => this.native.touch(sid, this.#record(session))), callback);
  }

  /** Deletes a session. */
  destroy(sid: string, callback?: Callback<void>): void {
    toCallback(withTimeout('delete', this.#timeout, () => this.native.delete(sid)), callback);
  }

  /** Deletes the request's session, then gives the request a new one (`req.session.regenerate`). */
  regenerate(req: ExpressRequest, callback: (error?: any) => any): void {
    this.destroy(req.sessionID, (error) => {
      if (this.generate === undefined) {
        callback(error ?? new Error('toExpressSessionStore: regenerate needs the store to be passed to express-session'));
        return;
      }
      this.generate(req);
      callback(error);
    });
  }

  /** Reads a session and builds a live `Session` from it, outside any request (e.g. for WebSockets). */
  load(sid: string, callback: (error: any, session?: SessionData) => any): void {
    this.get(sid, (error, session) => {
      if (error) callback(error);
      else if (!session) callback(undefined);
      else callback(null, this.createSession({ sessionID: sid, sessionStore: this } as unknown as ExpressRequest, session));
    });
  }

  /** Turns stored session data into express-session's `Session` (with a live `Cookie`) on `req.session`. */
  createSession(req: ExpressRequest, session: SessionData): LoadedSession {
    const stored = session.cookie as unknown as Record<string, unknown>;
    const { expires, originalMaxAge } = stored;
    const cookie = new CookieClass({ ...stored, expires: typeof expires === 'string' ? new Date(expires) : expires });
    // Setting `expires` recomputed `originalMaxAge` as the time left; keep the configured lifetime,
    // which every rolling renewal resets the cookie to.
    cookie.originalMaxAge = (originalMaxAge ?? null) as number | null;
    const loaded = new SessionClass(req, { ...session, cookie });
    (req as { session?: unknown }).session = loaded;
    return loaded;
  }

  #record(session: SessionData): StoreRecord {
    const expires = cookieExpiry(session);
    const record: StoreRecord = {
      value: JSON.stringify(session),
      expiresAt: Number.isFinite(expires) ? expires : this.#clock() + this.#defaultTtl,
    };
    const userKey = this.#userKey?.(session);
    if (userKey !== undefined) record.userKey = userKey;
    return record;
  }
}

/**
 * Wraps a Tessera `Store` for the express-session middleware (see {@link ExpressCompatibleStore}).
 *
 * @example
 * ```ts
 * import session from 'express-session';
 * import { MemoryStore } from 'tessera/memory';
 * import { toExpressSessionStore } from 'tessera/connect';
 *
 * app.use(session({ store: toExpressSessionStore(new MemoryStore()), secret, resave: false, saveUninitialized: false }));
 * ```
 */
export function toExpressSessionStore(native: EnumerableStore, options?: ExpressCompatibleStoreOptions): ExpressCompatibleStore {
  return new ExpressCompatibleStore(native, options);
}
