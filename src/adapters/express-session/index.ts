/**
 * `tessera/express-session`: a drop-in replacement for express-session.
 *
 * Same options, defaults, `req.session` API, cookie format and store API, so
 * `require('express-session')` can become `require('tessera/express-session')` and existing
 * sessions, cookies and stores (connect-redis, connect-pg-simple, your own `session.Store`)
 * keep working. One difference on purpose: the session is stored before the response's status
 * line goes out, so a failed save becomes an error response instead of a silent 200.
 * Type your session data by augmenting `SessionData` in `tessera`.
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
import { createEngine } from './create-engine.js';
import { registerEngine } from './engine-registry.js';
import { MemoryStore } from './memory-store.js';
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
 * Creates the session middleware (express-session's `session(options)`).
 *
 * Defaults, as express-session's: `name: 'connect.sid'`, `resave: true`,
 * `saveUninitialized: true`, `rolling: false`, `unset: 'keep'`,
 * `cookie: { path: '/', httpOnly: true, maxAge: null }`, `store: new session.MemoryStore()`.
 * Throws a `TypeError` for a bad `genid`, `unset` or `store`, or `secret: []`.
 */
function session(options?: ExpressSessionOptions): RequestHandler {
  const resolved = resolveOptions(options);
  const userStore: object = options?.store ?? new MemoryStore();
  const store = resolveStore(userStore);
  warnMemoryStoreInProduction(userStore);
  const engine = createEngine(resolved, store);
  registerEngine(userStore, engine);
  return createMiddleware({ options: resolved, store, userStore, engine });
}

/** The base class of express-session stores. */
session.Store = Store;
/** express-session's in-memory store, bounded. */
session.MemoryStore = MemoryStore;
/** The session cookie class (`new session.Cookie(options)`). */
session.Cookie = SessionCookie;
/** The session class (`new session.Session(req, data)`). */
session.Session = Session;

export default session;
export { Store, MemoryStore, SessionCookie as Cookie, Session, session };
