/**
 * `session.Store`: the base class of express-session stores. A plain function constructor over
 * `EventEmitter` (not a `class`), so stores written either way extend it: ES classes
 * (`class MyStore extends session.Store`) and the old way
 * (`function MyStore() { session.Store.call(this) }; util.inherits(MyStore, session.Store)`).
 *
 * @module
 */
import { EventEmitter } from 'node:events';
import { inherits } from 'node:util';
import { SessionCookie, type StoredCookie } from '../../core/session-cookie.js';
import { mayBeIgnored } from './errors.js';
import { Session, type SessionRequest } from './session.js';

/** A Node-style callback. */
export type StoreCallback<T = unknown> = (err?: any, result?: T) => void;

/** A session as express-session stores keep it: `cookie` plus the data. */
export interface SessionObject {
  cookie: StoredCookie | SessionCookie;
  [key: string]: unknown;
}

/**
 * An express-session store. Subclasses implement `get`, `set` and `destroy` (required), `touch`
 * (recommended), and `all`, `length`, `clear` (optional), each with a Node-style callback.
 * A store may emit `'disconnect'` to switch sessions off until it emits `'connect'`.
 */
export interface Store extends EventEmitter {
  /** Reads a session: `callback(null, session)`, or `callback()` when there is none. */
  get(sid: string, callback: (err: any, session?: SessionObject | null) => void): void;
  /** Creates or replaces a session. */
  set(sid: string, session: SessionObject, callback?: (err?: any) => void): void;
  /** Deletes a session. */
  destroy(sid: string, callback?: (err?: any) => void): void;
  /** Extends a session's lifetime (recommended). */
  touch?(sid: string, session: SessionObject, callback?: (err?: any) => void): void;
  /** Every session, as an object or array (optional). */
  all?(callback: (err: any, sessions?: unknown) => void): void;
  /** How many sessions there are (optional). */
  length?(callback: (err: any, length?: number) => void): void;
  /** Deletes every session (optional). */
  clear?(callback?: (err?: any) => void): void;
  /** Set by the session middleware: gives `req` a new session (used by `regenerate`). */
  generate?(req: SessionRequest): void;
  /** Destroys `req`'s session and gives the request a new one. Without a callback, returns a Promise. */
  regenerate(req: SessionRequest, callback: (err?: any) => void): void;
  regenerate(req: SessionRequest): Promise<void>;
  /** Reads a session and returns it as a live `Session`. Without a callback, returns a Promise. */
  load(sid: string, callback: (err: any, session?: Session) => void): void;
  load(sid: string): Promise<Session | undefined>;
  /** Turns stored data into a live `Session` on `req.session` (and returns it). */
  createSession(req: SessionRequest, session: SessionObject): Session;
}

/** The `Store` constructor: call it with `new`, extend it with `class`, or `Store.call(this)`. */
export interface StoreConstructor {
  new (): Store;
  (this: Store): void;
  readonly prototype: Store;
}

function StoreImpl(this: Store): void {
  EventEmitter.call(this);
}
inherits(StoreImpl, EventEmitter);

/** Runs `run` with `callback`, or turns it into a Promise when there is none. */
function callbackOrPromise<T>(callback: StoreCallback<T> | undefined, run: (done: StoreCallback<T>) => void): Promise<T> | undefined {
  if (callback !== undefined) {
    run(callback);
    return undefined;
  }
  return mayBeIgnored(new Promise<T>((resolve, reject) => run((err, result) => (err ? reject(err) : resolve(result as T)))));
}

const proto = StoreImpl.prototype as Store;

proto.regenerate = function regenerate(this: Store, req: SessionRequest, callback?: StoreCallback<void>): Promise<void> | undefined {
  return callbackOrPromise(callback, (done) => {
    this.destroy(String(req.sessionID), (err?: unknown) => {
      this.generate?.(req);
      done(err);
    });
  }) as Promise<void>;
} as Store['regenerate'];

proto.load = function load(this: Store, sid: string, callback?: StoreCallback<Session | undefined>): Promise<Session | undefined> | undefined {
  return callbackOrPromise(callback, (done) => {
    this.get(sid, (err: unknown, stored?: SessionObject | null) => {
      if (err) return done(err);
      if (!stored) return done();
      let session: Session;
      try {
        session = this.createSession({ sessionID: sid, sessionStore: this }, stored);
      } catch (error) {
        return done(error);
      }
      done(null, session);
    });
  }) as Promise<Session | undefined>;
} as Store['load'];

proto.createSession = function createSession(this: Store, req: SessionRequest, stored: SessionObject): Session {
  if (typeof stored.cookie !== 'object' || stored.cookie === null) throw new TypeError('stored session has no cookie');
  // SessionCookie turns a string `expires` back into a Date and keeps the stored `originalMaxAge`.
  if (!(stored.cookie instanceof SessionCookie)) stored.cookie = new SessionCookie(stored.cookie);
  const session = new Session(req, stored);
  req.session = session;
  return session;
};

/**
 * The base class of express-session stores (see the module comment).
 *
 * @example
 * class MyStore extends session.Store {
 *   get(sid, cb) { cb(null, this.map.get(sid)); }
 *   set(sid, sess, cb) { this.map.set(sid, sess); cb?.(); }
 *   destroy(sid, cb) { this.map.delete(sid); cb?.(); }
 * }
 */
export const Store = StoreImpl as unknown as StoreConstructor;
