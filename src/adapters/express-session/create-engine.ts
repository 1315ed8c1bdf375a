/**
 * Builds the session engine behind the drop-in, with express-session's behaviour expressed as
 * engine settings.
 *
 * @module
 */
import type { Request } from 'express';
import { SessionEngine, type EngineConfig } from '../../core/engine.js';
import { generateSessionId } from '../../core/id.js';
import { lifetimeConfig } from '../../core/lifetime-options.js';
import { resolveConcurrency } from '../../core/merge.js';
import { setFallbackEngineFactory } from './engine-registry.js';
import { BROWSER_SESSION_TTL } from './memory-store.js';
import { resolveOptions, type ResolvedOptions } from './options.js';
import { resolveStore, type ResolvedStore } from './resolve-store.js';
import { Session } from './session.js';

/** Longest signed cookie value read; a longer one is no session (browsers cap cookies at 4 KiB). */
const MAX_COOKIE_LENGTH = 4096;

/**
 * An engine with express-session's semantics: no idle timeout unless `lifetime` asks (a session
 * lives as long as its cookie, a browser-session cookie's record for a day), no cookie clearing on destroy, no
 * deadline on store calls unless `storeTimeout` sets one, and sessions of the drop-in's
 * `Session` class. Concurrent writes merge (compare-and-set) only with a Tessera store passed in.
 */
export function createEngine(options: ResolvedOptions, store: ResolvedStore): SessionEngine {
  const { genid } = options;
  const config: EngineConfig = {
    store: store.native,
    secrets: options.secrets,
    genid: genid ? (request) => genid(request as Request) : generateSessionId,
    // A cookie function is called per request; its result reaches the engine with the request.
    cookie: typeof options.cookie === 'function' ? {} : options.cookie,
    saveUninitialized: options.saveUninitialized,
    resave: options.resave,
    rolling: options.rolling,
    // None unless `lifetime` asks: a session lives as long as its cookie (express-session).
    ...(options.lifetime === undefined ? { idleTimeout: undefined, fallbackTtl: BROWSER_SESSION_TTL } : lifetimeConfig(options.lifetime, BROWSER_SESSION_TTL)),
    touchAfter: store.touchAfter,
    // None unless the `storeTimeout` option asks: express-session waits as long as a store takes.
    storeTimeout: options.storeTimeout,
    maxCookieLength: MAX_COOKIE_LENGTH,
    clearCookieOnDestroy: false,
    clock: options.clock,
    sessionClass: Session,
    // Off unless asked for: sessions stored by express-session (raw IDs, JSON) stay readable.
    hashStoreKeys: options.hashStoreKeys,
    keyring: options.keyring,
    // Merge by default with a Tessera store (compare-and-set); an express-session store cannot.
    concurrency: resolveConcurrency(options.concurrency, store.native, 'concurrency option'),
    // None unless `onStoreError` or `circuitBreaker` asks: errors go to next(err) as they come.
    outage: options.outage,
    metrics: options.metrics,
  };
  // Read when a touch is considered: a `session.MemoryStore` whose methods an app replaced gets
  // express-session's touch on every request from then on (see `DropInStore.touchAfter`).
  Object.defineProperty(config, 'touchAfter', { get: () => store.touchAfter, enumerable: true });
  return new SessionEngine(config);
}

// Sessions built from a store no middleware has used (`store.load`, `new Session(req, data)`).
setFallbackEngineFactory((store) => createEngine(resolveOptions({}), resolveStore(store)));
