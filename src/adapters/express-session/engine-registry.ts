/**
 * Which session engine serves a given store object. express-session lets code outside the
 * middleware build sessions from a store (`store.load(sid, cb)`, `new Session(req, data)` with
 * `req.sessionStore`); those sessions must save, reload and destroy through the same engine
 * (and the same store bridge) as the middleware's own.
 *
 * Kept apart from the engine factory so that the `Session` class can look engines up without
 * importing the factory (which needs the store classes, which need `Session`).
 *
 * @module
 */
import type { SessionEngine } from '../../core/engine.js';

const engines = new WeakMap<object, SessionEngine>();
let fallback: ((store: object) => SessionEngine) | undefined;

/** Records the engine a middleware built for `store` (the store object the user passed). */
export function registerEngine(store: object, engine: SessionEngine): void {
  engines.set(store, engine);
}

/** Sets how to build an engine for a store no middleware has used yet. Called once by the factory. */
export function setFallbackEngineFactory(factory: (store: object) => SessionEngine): void {
  fallback = factory;
}

/** The engine for `store`: the middleware's, or a new one with express-session's defaults. */
export function engineFor(store: unknown): SessionEngine {
  if (typeof store !== 'object' || store === null) {
    throw new TypeError('req.sessionStore must be the session store (set by the session middleware)');
  }
  let engine = engines.get(store);
  if (engine === undefined) {
    if (fallback === undefined) throw new Error('tessera/express-session: engine factory not loaded');
    engine = fallback(store);
    engines.set(store, engine);
  }
  return engine;
}
