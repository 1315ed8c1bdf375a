/**
 * The session object handed to application code (`req.session`). Its own enumerable properties
 * are the session's data plus `cookie`; its ID, state and methods are not enumerable, so the
 * data can be iterated or spread without them, and stored keys named like methods never
 * replace them.
 *
 * @module
 */
import type { CookieOptions, SessionCookie } from './session-cookie.js';
import type { SessionEngine } from './engine.js';
import type { LoginOptions } from './login.js';
import type { Duration } from './duration.js';
import type { MergeBase } from './merge.js';
import type { DeviceMeta } from './devices.js';
import type { ClientInfo } from './device-client.js';

/**
 * The data your app keeps in sessions. Augment it to type `req.session`:
 * @example
 * declare module 'tessera' {
 *   interface SessionData { userId: string; visits: number }
 * }
 */
// eslint-disable-next-line @typescript-eslint/no-empty-interface
export interface SessionData {}

/** Callback form of the session methods (express-session style). */
export type SessionCallback = (err?: unknown) => void;

/** Called by the core when a session changes identity, so an adapter can mirror it on the request. */
export interface SessionHooks {
  /** After `regenerate`: the session now has a new ID. */
  regenerated?(session: Session): void;
  /** After `destroy`. */
  destroyed?(session: Session): void;
}

/** Per-request bookkeeping of a session, kept off the enumerable data. */
export interface SessionState {
  engine: SessionEngine;
  id: string;
  /** The ID the request's cookie carried (whether or not a session was found for it). */
  cookieId: string | undefined;
  /** The ID the session had when loaded or created. */
  originalId: string;
  /** Data fingerprint when loaded or created. */
  originalHash: string;
  /** Data fingerprint as last written to the store in this request (or as loaded when `resave` is off). */
  savedHash: string | undefined;
  /** Store expiry as loaded, for the touch throttle. */
  loadedExpiresAt: number | undefined;
  createdAt: number;
  /** When the user last authenticated in this session (`login`, `reauthenticated`); `undefined` when never. */
  authenticatedAt: number | undefined;
  userKey: string | undefined;
  destroyed: boolean;
  secure: boolean;
  hooks: SessionHooks | undefined;
  /** The cookie options of the request (`RequestContext.cookie`), reused when `regenerate` makes a new cookie. */
  cookieOptions?: CookieOptions | undefined;
  /** The app called `touch()`: the end of the request touches the store, whatever the throttle says. */
  touchRequested?: boolean;
  /**
   * The store key of `id`, once derived (see `SessionEngine.keyOf`). For a session reached
   * through a renewal forward, the key of the renewed record under the old ID (`forwarded`).
   */
  keyMemo?: { id: string; key: string } | undefined;
  /**
   * The request sent the session cookie's name but no live session came of it (forged, stale or
   * unknown ID): the native API deletes the client's cookie unless it sends a new one anyway.
   */
  staleCookie?: boolean;
  /** The end of the request has begun committing this session (a `login` now could send no cookie). */
  committed?: boolean;
  /** A `login` in flight: the commit waits for it, so a login the app forgot to await is not lost. */
  loginPending?: Promise<void> | undefined;
  /** `login` completed in this request. */
  loggedIn?: boolean;
  /** When the record was last written (ms since the epoch), as loaded or written in this request. */
  seenAt?: number | undefined;
  /** When the current ID was issued (ms since the epoch), for `lifetime.renew`; unset: `createdAt`. */
  issuedAt?: number | undefined;
  /** Loaded through the forward an old ID leaves after a renewal: no rotation, no cookie for the old ID. */
  forwarded?: boolean;
  /** The store key of a renewal forward leading to this session, deleted with it by `destroy`/`regenerate`. */
  forwardKey?: string | undefined;
  /**
   * `concurrency: 'merge'`: the version of the session's record as loaded or last written in this
   * request (`null`: it has none yet, so a write must create it); unset: writes are plain `set`s.
   */
  version?: number | null | undefined;
  /**
   * `concurrency: 'merge'`: another request deleted the record since this one loaded it, so this
   * one's write was dropped (and `destroyed` set). Its response sends no cookie at all.
   */
  superseded?: boolean;
  /** `concurrency: 'merge'`: what the record held at `version`, this request's changes being computed against it (see `merge.ts`). */
  base?: MergeBase | undefined;
  /** The device facts of this request (user agent, IP as configured), recorded by writes of a logged-in session. */
  client?: ClientInfo | undefined;
  /** When the session was bound to its user (its recorded epoch); unset: stamped by the next write. */
  epoch?: number | undefined;
  /** The device metadata as loaded (or as `setDeviceLabel` changed it). */
  device?: DeviceMeta | undefined;
}

/** Symbol under which a session keeps its state. Internal. */
export const kState: unique symbol = Symbol('tessera.session');

/** Symbol under which a session keeps the adapter's request object (for `genid(req)`). Internal. */
export const kRequest: unique symbol = Symbol('tessera.request');

// One descriptor, refilled for each definition: nothing is allocated per session for it. The
// request in particular must not sit in a per-request literal: V8 may allocate such literals
// straight in the old generation (allocation-site pretenuring), where a dead one would keep its
// request, and all the request reaches, alive through every young collection (measured under
// `tessera/node`: young collections of 6-8 ms instead of 3, the old generation growing ~1 MB per
// collection). The session itself is a class instance, allocated young.
const hidden: PropertyDescriptor = { value: undefined, enumerable: false, writable: false, configurable: false };

function defineHidden(target: object, key: symbol, value: unknown): void {
  hidden.value = value;
  Object.defineProperty(target, key, hidden);
  hidden.value = undefined;
}

/** The adapter's request object a session was loaded or created for (`undefined` for one made without). */
export function requestOf(session: Session): unknown {
  return session[kRequest];
}

/** Options of `regenerate`. */
export interface RegenerateOptions {
  /**
   * Keep the data under the new ID (default `false`: start empty, as express-session does).
   * Use it at login to defeat session fixation without losing, say, a shopping cart.
   */
  keep?: boolean;
}

function settle(promise: Promise<void>, callback: SessionCallback | undefined): Promise<void> | undefined {
  if (!callback) return promise;
  promise.then(() => callback(), callback);
  return undefined;
}

/**
 * One client's session. Read and write data as properties (`session.userId = 'u1'`);
 * every method works with a callback (express-session style) or returns a Promise.
 */
export class Session {
  /** The session cookie's attributes and expiry. */
  declare cookie: SessionCookie;
  declare [kState]: SessionState;
  declare [kRequest]: unknown;

  /** @internal Created by the core; application code receives sessions, it does not make them. */
  constructor(state: SessionState, cookie: SessionCookie, request?: unknown) {
    defineHidden(this, kState, state);
    defineHidden(this, kRequest, request);
    this.cookie = cookie;
  }

  /** The session ID (not enumerable). */
  get id(): string {
    return this[kState].id;
  }

  /** True when this session was created by this request rather than loaded. */
  get isNew(): boolean {
    const s = this[kState];
    return s.cookieId !== s.id;
  }

  /** When the session was first created (ms since the epoch). */
  get createdAt(): number {
    return this[kState].createdAt;
  }

  /** When the user last authenticated in this session (ms since the epoch), or `undefined` if never. */
  get authenticatedAt(): number | undefined {
    return this[kState].authenticatedAt;
  }

  /** The key of the user this session belongs to, kept with the record for per-user listing. */
  get userKey(): string | undefined {
    return this[kState].userKey;
  }

  set userKey(key: string | undefined) {
    // A new owner: the session is bound to them from its next write (the revocation epoch).
    if (key !== this[kState].userKey) this[kState].epoch = undefined;
    this[kState].userKey = key;
  }

  /** Gives the session a new ID (call it at login: session fixation), dropping the old record. */
  regenerate(options?: RegenerateOptions): Promise<void>;
  regenerate(callback: SessionCallback): void;
  regenerate(options: RegenerateOptions, callback: SessionCallback): void;
  regenerate(a?: RegenerateOptions | SessionCallback, b?: SessionCallback): Promise<void> | undefined {
    const options = typeof a === 'function' ? {} : (a ?? {});
    const callback = typeof a === 'function' ? a : b;
    return settle(this[kState].engine.regenerate(this, options), callback);
  }

  /**
   * Logs the user in: a new session ID (the old record deleted in the same step: no session
   * fixation), `userKey = String(userId)`, `authenticatedAt` = now, and the record stored
   * before the Promise resolves (so a redirect right after finds it). The data starts empty
   * unless `{ keep: true }`. `userId` must be a non-empty string or a finite number
   * (`TypeError`). Rejects with `ERR_SESSION_DESTROYED` after `destroy()`, `ERR_HEADERS_SENT`
   * once the response is being sent, `ERR_LOGIN_TWICE` on a second call in one request.
   *
   * @example
   * app.post('/login', async (req, res) => {
   *   const user = await checkPassword(req.body);
   *   await req.session.login(user.id);
   *   res.redirect('/');
   * });
   */
  login(userId: string | number, options?: LoginOptions): Promise<void>;
  login(userId: string | number, callback: SessionCallback): void;
  login(userId: string | number, options: LoginOptions, callback: SessionCallback): void;
  login(userId: string | number, a?: LoginOptions | SessionCallback, b?: SessionCallback): Promise<void> | undefined {
    const options = typeof a === 'function' ? {} : (a ?? {});
    const callback = typeof a === 'function' ? a : b;
    return settle(this[kState].engine.login(this, userId, options), callback);
  }

  /**
   * Sudo mode: true when the user authenticated (`login`, `reauthenticated`) less than `maxAge`
   * ms ago; false when longer ago or never. Check it before a sensitive action (changing the
   * email or password, deleting the account) and ask for the password again when false.
   */
  isFresh(maxAge: Duration): boolean {
    return this[kState].engine.isFresh(this, maxAge);
  }

  /**
   * Records a new authentication time without a new login, after the user proved themselves
   * again (password, second factor). Stored at the end of the request.
   */
  reauthenticated(): this {
    this[kState].engine.reauthenticated(this);
    return this;
  }

  /** Deletes the session from the store; nothing is saved for it at the end of the request. */
  destroy(): Promise<void>;
  destroy(callback: SessionCallback): void;
  destroy(callback?: SessionCallback): Promise<void> | undefined {
    return settle(this[kState].engine.destroy(this), callback);
  }

  /** Re-reads the data from the store; fails with `ERR_SESSION_NOT_FOUND` if it is gone. */
  reload(): Promise<void>;
  reload(callback: SessionCallback): void;
  reload(callback?: SessionCallback): Promise<void> | undefined {
    return settle(this[kState].engine.reload(this), callback);
  }

  /** Writes the session to the store now (the end-of-request save is then skipped if nothing changed). */
  save(): Promise<void>;
  save(callback: SessionCallback): void;
  save(callback?: SessionCallback): Promise<void> | undefined {
    return settle(this[kState].engine.save(this), callback);
  }

  /**
   * Renews the cookie's expiry from its original `maxAge`, and the stored expiry at the end of
   * the request (an explicit touch is never skipped by the `touchAfter` throttle).
   */
  touch(): this {
    this.cookie.resetMaxAge();
    this[kState].touchRequested = true;
    return this;
  }

  /** Alias of `touch`, as in express-session. */
  resetMaxAge(): this {
    return this.touch();
  }
}

/** The data of a session, without `cookie` (a shallow copy). */
export function sessionData(session: Session): Record<string, unknown> {
  const { cookie: _cookie, ...data } = session as unknown as Record<string, unknown>;
  return data;
}

/** Replaces a session's data in place, skipping reserved keys and keys its methods use. */
export function assignData(session: Session, data: Record<string, unknown>): void {
  const target = session as unknown as Record<string, unknown>;
  for (const key of Object.keys(target)) if (key !== 'cookie') delete target[key];
  for (const key of Object.keys(data)) {
    if (key === 'cookie' || key === '__tessera' || (key in target && isMember(target, key))) continue;
    target[key] = data[key];
  }
}

/**
 * True when `key` names a method or accessor on the session's prototype chain (`save`, `id`,
 * `__proto__`...), which stored data must never replace. A plain writable data property there
 * is a default a subclass lets data shadow (the express-session drop-in does so for `isNew`).
 */
function isMember(target: object, key: string): boolean {
  for (let proto: object | null = Object.getPrototypeOf(target); proto !== null; proto = Object.getPrototypeOf(proto)) {
    const descriptor = Object.getOwnPropertyDescriptor(proto, key);
    if (descriptor !== undefined) return descriptor.get !== undefined || descriptor.set !== undefined || typeof descriptor.value === 'function' || !descriptor.writable;
  }
  return false;
}
