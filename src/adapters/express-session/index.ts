/**
 * `tessera/express-session`: a drop-in replacement for express-session.
 *
 * Same options, defaults, `req.session` API, cookie format and store API, so
 * `require('express-session')` can become `require('tessera/express-session')` and existing
 * sessions, cookies and stores (connect-redis, connect-pg-simple, your own `session.Store`)
 * keep working. One difference on purpose: the session is stored before the response's status
 * line goes out, so a failed save becomes an error response instead of a silent 200.
 * Type your session data by augmenting `SessionData` in `tessera`. Tessera's login and sudo
 * mode come as functions (`session.login(req.session, userId)`, `isFresh`, `reauthenticated`,
 * `authenticatedAt`), so `req.session` keeps express-session's shape.
 *
 * @example
 * const express = require('express');
 * const session = require('tessera/express-session');
 *
 * const app = express();
 * app.use(session({ secret: process.env.SESSION_SECRET, resave: false, saveUninitialized: false }));
 * app.get('/', (req, res) => {
 *   req.session.views = (req.session.views ?? 0) + 1;
 *   res.send(`${req.session.views} views`);
 * });
 *
 * @module
 */
import type { RequestHandler } from 'express';
import { SessionCookie } from '../../core/session-cookie.js';
// Types `req.session`, `req.sessionID` and `req.sessionStore` for TypeScript users.
import '../express/request-types.js';
import type { ExpressSessionTypesPresent } from '../express/request-types.js';
import { createEngine } from './create-engine.js';
import { registerEngine } from './engine-registry.js';
import { MemoryStore } from './memory-store.js';
import { authenticatedAt, isFresh, login, reauthenticated } from './login.js';
import { createMiddleware } from './middleware.js';
import { resolveOptions, type ExpressSessionOptions } from './options.js';
import { resolveStore } from './resolve-store.js';
import { Session } from './session.js';
import { Store } from './store.js';

export type { ExpressSessionOptions, ExpressSessionCookieOptions } from './options.js';
export type { SessionObject, StoreCallback, StoreConstructor } from './store.js';
export type { MemoryStoreOptions, MemoryStoreConstructor } from './memory-store.js';
export type { SessionRequest } from './session.js';
export type { SessionData } from '../../core/session.js';
export type { LoginOptions } from './login.js';

let warnedMemoryStore = false;

function warnMemoryStoreInProduction(store: unknown): void {
  if (warnedMemoryStore || process.env.NODE_ENV !== 'production' || !(store instanceof MemoryStore)) return;
  warnedMemoryStore = true;
  console.warn(
    'Warning: tessera/express-session MemoryStore keeps sessions in this process only: they are lost on restart ' +
      'and not shared between processes. Use a store such as tessera/redis, tessera/postgres or tessera/sqlite in production.',
  );
}

/**
 * Nothing, unless `@types/express-session` is in the program: then `any`, so store factories
 * typed against express-session (`MySQLStoreFactory(session)`, `connectPgSimple(session)`)
 * accept the drop-in, whose classes work as express-session's at run time but whose methods
 * also return Promises, which express-session's declarations cannot describe.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type ExpressSessionInterop = ExpressSessionTypesPresent extends true ? any : unknown;

/** A `this` no call has: keeps the interop overload of `session` out of overload resolution. */
interface ExpressSessionFactoryOnly {
  readonly expressSessionFactoryOnly: unique symbol;
}

/**
 * Creates the session middleware (express-session's `session(options)`).
 *
 * Defaults, as express-session's: `name: 'connect.sid'`, `resave: true`,
 * `saveUninitialized: true`, `rolling: false`, `unset: 'keep'`,
 * `cookie: { path: '/', httpOnly: true, maxAge: null }`, `store: new session.MemoryStore()`.
 * Throws a `TypeError` for a bad `genid`, `unset` or `store`, or `secret: []`.
 */
function session(options?: ExpressSessionOptions): RequestHandler;
/**
 * Not for calls (no plain call has this `this`): with `@types/express-session` in the program,
 * it lets `session` be passed where express-session's own type is expected (see
 * `ExpressSessionInterop`). TypeScript ignores a `this` the expected type does not declare.
 */
function session(this: ExpressSessionFactoryOnly, options?: ExpressSessionInterop & ExpressSessionOptions): RequestHandler;
function session(options?: ExpressSessionOptions): RequestHandler {
  const resolved = resolveOptions(options);
  const userStore: object = options?.store ?? new MemoryStore();
  const store = resolveStore(userStore);
  warnMemoryStoreInProduction(userStore);
  const engine = createEngine(resolved, store);
  registerEngine(userStore, engine);
  return createMiddleware({ options: resolved, store, userStore, engine });
}


// The classes and types under the function's name, as `@types/express-session` has them
// (`session.Store`, `session.Cookie`...; `session.ExpressSessionOptions` is its `SessionOptions`).
// Declared rather than inferred from the assignments below, so the declaration files keep
// `ExpressSessionInterop` instead of what it resolves to in this repository's own build.
// eslint-disable-next-line @typescript-eslint/no-namespace
declare namespace session {
  /** The base class of express-session stores. */
  let Store: typeof import('./store.js').Store & ExpressSessionInterop;
  /** express-session's in-memory store, bounded. */
  let MemoryStore: typeof import('./memory-store.js').MemoryStore & ExpressSessionInterop;
  /** The session cookie class (`new session.Cookie(options)`). */
  let Cookie: typeof import('../../core/session-cookie.js').SessionCookie & ExpressSessionInterop;
  /** The session class (`new session.Session(req, data)`). */
  let Session: typeof import('./session.js').Session & ExpressSessionInterop;
  /** Tessera's login for the drop-in: `session.login(req.session, userId)` (see `login.ts`). */
  let login: typeof import('./login.js').login;
  /** Sudo mode: `session.isFresh(req.session, maxAge)`. */
  let isFresh: typeof import('./login.js').isFresh;
  /** Sudo mode: `session.reauthenticated(req.session)`. */
  let reauthenticated: typeof import('./login.js').reauthenticated;
  /** `session.authenticatedAt(req.session)`: when its user last authenticated, or `undefined`. */
  let authenticatedAt: typeof import('./login.js').authenticatedAt;
  type LoginOptions = import('./login.js').LoginOptions;
  type ExpressSessionOptions = import('./options.js').ExpressSessionOptions;
  type ExpressSessionCookieOptions = import('./options.js').ExpressSessionCookieOptions;
  type SessionObject = import('./store.js').SessionObject;
  type StoreCallback<T = unknown> = import('./store.js').StoreCallback<T>;
  type SessionData = import('../../core/session.js').SessionData;
  type Store = import('./store.js').Store;
  type MemoryStore = import('./memory-store.js').MemoryStore;
  type Cookie = import('../../core/session-cookie.js').SessionCookie;
  type Session = import('./session.js').Session;
}
session.Store = Store;
session.MemoryStore = MemoryStore;
session.Cookie = SessionCookie;
session.Session = Session;
session.login = login;
session.isFresh = isFresh;
session.reauthenticated = reauthenticated;
session.authenticatedAt = authenticatedAt;

export default session;
export { Store, MemoryStore, SessionCookie as Cookie, Session, session, login, isFresh, reauthenticated, authenticatedAt };
