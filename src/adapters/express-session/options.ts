/**
 * The options of `tessera/express-session`: express-session's names, defaults and construction
 * errors, resolved once when the middleware is created.
 *
 * @module
 */
import type { Request } from 'express';
import { systemClock, type Clock } from '../../core/clock.js';
import { createKeyring, type EncryptionOptions, type Keyring } from '../../core/keyring.js';
import { checkPrefixRules } from '../../core/cookie-rules.js';
import { resolveLifetime, type LifetimeOptions, type LifetimePreset, type ResolvedLifetime } from '../../core/lifetime-options.js';
import type { CookieOptions } from '../../core/session-cookie.js';
import type { Secret } from '../../core/signature.js';
import type { Store as NativeStore } from '../../core/store.js';
import type { Concurrency } from '../../core/engine-types.js';
import type { CircuitBreakerOptions } from '../../core/circuit-breaker.js';
import { checkMetrics, type SessionMetrics } from '../../core/metrics.js';
import { resolveOutage, type OnStoreError, type OutageConfig } from '../../core/outage-policy.js';
// Not from stores/connect/index.js: that also reaches the bridge class built on express-session's
// types, which a drop-in user without @types/express-session does not have.
import type { ExpressSessionStoreLike } from '../../stores/connect/express-session-store-adapter.js';

/** Cookie options, as express-session takes them (`secure` and `sameSite` may be `'auto'`). */
export type ExpressSessionCookieOptions = CookieOptions;

/** Options of the middleware, with express-session's names and defaults. */
export interface ExpressSessionOptions {
  /**
   * Secret(s) signing the session ID cookie: a string, a Buffer, or an array of them (the first
   * signs, every one verifies, so secrets can be rotated). Without it, cookie-parser's
   * `req.secret` is used; with neither, each request fails with `secret option required for sessions`.
   * As in express-session, the array is read on every request: changing it in place
   * (`secrets.splice(0, 1, next)`) rotates at once, and a cookie signed only with a removed
   * secret is rejected on its next request.
   */
  secret?: Secret | Secret[] | undefined;
  /**
   * Cookie name. Default `'connect.sid'`. Tessera's addition: a `__Host-` or `__Secure-` name
   * (matched case-insensitively, as browsers match it) with a static `cookie` object that breaks
   * the prefix's rules (`__Host-`: Secure, no `domain`, `path: '/'`; `__Secure-`: Secure) is a
   * `TypeError` at construction, since every browser would drop that cookie. Other names are not
   * checked, as in express-session.
   */
  name?: string | undefined;
  /** Legacy alias of `name`. */
  key?: string | undefined;
  /**
   * Where sessions live: a Tessera store (`tessera/redis`, `tessera/sqlite`...), any
   * express-session store (connect-redis, connect-pg-simple, a `session.Store` subclass), or
   * `session.MemoryStore`. Default: a new `session.MemoryStore`.
   */
  store?: NativeStore | ExpressSessionStoreLike | undefined;
  /**
   * Cookie attributes, or a function of the request returning them. Defaults: `path: '/'`,
   * `httpOnly: true`, no `maxAge` (a browser-session cookie), not Secure.
   */
  cookie?: ExpressSessionCookieOptions | ((req: Request) => ExpressSessionCookieOptions) | undefined;
  /** Makes a new session ID. Default: 256 random bits, base64url. */
  genid?: ((req: Request) => string) | undefined;
  /**
   * Whether the request is secure: `true` trusts the first `X-Forwarded-Proto`, `false` only a
   * TLS socket, unset follows Express's `trust proxy` (`req.secure`).
   */
  proxy?: boolean | undefined;
  /** Save unmodified sessions back to the store on every request. Default `true`. */
  resave?: boolean | undefined;
  /** Store (and send a cookie for) new sessions nothing was written to. Default `true`. */
  saveUninitialized?: boolean | undefined;
  /** Send the cookie on every response, renewing its expiry. Default `false`. */
  rolling?: boolean | undefined;
  /** What `req.session = null` (or `delete req.session`) does: `'keep'` (default) or `'destroy'`. */
  unset?: 'destroy' | 'keep' | undefined;
  /**
   * Tessera's addition: a deadline in milliseconds for each store call (`get`, `set`, `touch`,
   * `destroy`); a call that takes longer fails the request with a `TesseraError` whose code is
   * `ERR_STORE_TIMEOUT` (through `next(err)`). Default: none, as express-session, which waits as
   * long as the store takes. (Tessera's own stores keep their own deadlines either way.)
   */
  storeTimeout?: number | undefined;
  /**
   * Tessera's addition: store sessions under `base64url(SHA-256(session ID))` instead of the ID,
   * so a dump of the store holds no usable session IDs. Default `false`, as express-session:
   * sessions already stored under their raw IDs are not found once it is on (their users sign
   * in again), and code that calls the store with `req.sessionID` (`store.get(req.sessionID)`,
   * `store.load(sid)`) must hash it first (`hashStoreKey` from `tessera`).
   */
  hashStoreKeys?: boolean | undefined;
  /**
   * Tessera's addition: encrypt stored sessions with AES-256-GCM,
   * `{ keys: [{ id, key }, ...] }` (32-byte keys, newest first; see `EncryptionOptions`).
   * Default: none. The store then holds sealed values (`enc1.<key id>.<data>`, wrapped in an
   * object for express-session stores), which only this middleware can read.
   */
  encryption?: EncryptionOptions | undefined;
  /**
   * Tessera's addition: how two requests that write one session at the same time are reconciled.
   * `'merge'` (the default with a Tessera store passed as `store`: `RedisStore`, `PostgresStore`,
   * `SqliteStore`, `tessera/memory`'s `MemoryStore`) writes with compare-and-set on the version the
   * request loaded and, when another request wrote in between, re-applies this request's own
   * changes (the top-level keys it set, changed or deleted) to the current session: nothing is
   * lost, the later write wins for the same key, and a session destroyed or regenerated meanwhile
   * is not brought back. `'last-write-wins'` (the only choice, and the default, with an
   * express-session store, `session.MemoryStore` included) writes the whole session, as
   * express-session does.
   */
  concurrency?: Concurrency | undefined;
  /**
   * Tessera's addition: server-side lifetimes, checked on every load from the stored record's
   * own times, with the native API's meaning (see `LifetimeOptions`): `{ idle, absolute, renew,
   * grace }` as durations (ms or `'15m'`, `'12h'`, `'30d'`), or a NIST SP 800-63B-4 preset
   * `'aal1' | 'aal2' | 'aal3'`. A limit left out of the object takes the native default (idle
   * 30 min, absolute 12 h); `false` turns it off. Default: unset, as express-session, where a
   * session lives as long as its cookie and the store keep it.
   * @example
   * lifetime: { idle: '30m', absolute: '12h', renew: '15m' }
   */
  lifetime?: LifetimeOptions | LifetimePreset | undefined;
  /** Tessera's addition: the time source (ms since the epoch) for lifetimes and cookie expiry, for tests. Default `Date.now`. */
  clock?: Clock | undefined;
  /**
   * Tessera's addition, opt-in: what a request does when its session cannot be loaded.
   * `'fail'` (default, as express-session) passes the error to `next(err)`; `'anonymous'`
   * serves the request with a fresh session that is never saved and sends no cookie (the
   * client keeps its real one; `isDegraded(req.session)` from `tessera` tells), for public
   * pages that must stay up while the store is down. A failed write still goes to `next(err)`
   * either way.
   */
  onStoreError?: OnStoreError | undefined;
  /**
   * Tessera's addition, opt-in: fail fast while the store is down. `true` (or
   * `{ failures, cooldown, maxCooldown }`, defaults 5, 1000 ms, 30 s) refuses store calls at
   * once with a `StoreError` (`ERR_STORE_UNAVAILABLE`, status 503) when the store reports
   * itself disconnected (Tessera's stores' `isAvailable`) or after `failures` failed calls in
   * a row, then lets one trial through after the cool-down. Default: off, as express-session,
   * where every request waits for the store and gets the store's own error.
   */
  circuitBreaker?: CircuitBreakerOptions | boolean | undefined;
  /** Tessera's addition: a metrics hook (see `SessionMetrics` in `tessera`). Default: none. */
  metrics?: SessionMetrics | undefined;
}

/** The options with express-session's defaults applied. */
export interface ResolvedOptions {
  name: string;
  secrets: Secret[] | undefined;
  cookie: ExpressSessionCookieOptions | ((req: Request) => ExpressSessionCookieOptions);
  genid: ((req: Request) => string) | undefined;
  proxy: boolean | undefined;
  resave: boolean;
  saveUninitialized: boolean;
  rolling: boolean;
  unsetDestroy: boolean;
  /** Deadline of each store call (ms); 0 for none. */
  storeTimeout: number;
  hashStoreKeys: boolean;
  keyring: Keyring | undefined;
  /** `undefined` unless the `lifetime` option was given. */
  lifetime: ResolvedLifetime | undefined;
  /** As given; checked against the store (and defaulted) when the engine is built. */
  concurrency: unknown;
  clock: Clock;
  /** `undefined` unless `onStoreError` or `circuitBreaker` was given. */
  outage: OutageConfig | undefined;
  metrics: SessionMetrics | undefined;
}

/**
 * Applies express-session's defaults and throws its construction-time `TypeError`s
 * (bad `genid`, bad `unset`, `secret: []`; and Tessera's own: a bad `storeTimeout`,
 * `hashStoreKeys`, `encryption` or `lifetime`, and a `__Host-`/`__Secure-` name whose static `cookie`
 * options break the prefix's rules). A missing secret is not an error here: cookie-parser
 * may supply `req.secret` later, so it is reported per request instead.
 */
export function resolveOptions(options: ExpressSessionOptions | undefined): ResolvedOptions {
  const opts: ExpressSessionOptions = options ?? {};
  if (opts.genid !== undefined && typeof opts.genid !== 'function') throw new TypeError('genid option must be a function');
  if (opts.unset && opts.unset !== 'destroy' && opts.unset !== 'keep') throw new TypeError('unset option must be "destroy" or "keep"');
  const { secret } = opts;
  if (Array.isArray(secret) && secret.length === 0) throw new TypeError('secret option array must contain one or more strings');
  const { storeTimeout } = opts;
  if (storeTimeout !== undefined && (typeof storeTimeout !== 'number' || !(storeTimeout > 0) || !Number.isFinite(storeTimeout))) {
    throw new TypeError(`storeTimeout option must be a positive, finite number of milliseconds (or left unset for no deadline), got ${String(storeTimeout)}`);
  }
  if (opts.hashStoreKeys !== undefined && typeof opts.hashStoreKeys !== 'boolean') {
    throw new TypeError(`hashStoreKeys option must be true or false, got ${JSON.stringify(opts.hashStoreKeys)}`);
  }
  const keyring = opts.encryption === undefined ? undefined : createKeyring(opts.encryption, 'encryption');
  if (opts.clock !== undefined && typeof opts.clock !== 'function') throw new TypeError('clock option must be a function returning milliseconds');
  const lifetime = opts.lifetime === undefined ? undefined : resolveLifetime(opts.lifetime);
  const name = opts.name || opts.key || 'connect.sid';
  // Ordinary names keep express-session's behaviour (no check); a __Host-/__Secure- name whose
  // static cookie options break its prefix rules would be dropped by every browser.
  // (A cookie function is the app's to get right per request: express-session's behaviour.)
  if (typeof name === 'string' && typeof opts.cookie !== 'function') {
    checkPrefixRules(name, opts.cookie || {}, { option: 'name option', secureDefault: false });
  }
  let secrets: Secret[] | undefined;
  if (Array.isArray(secret)) secrets = secret;
  else if (secret) secrets = [secret];
  return {
    name,
    secrets,
    cookie: opts.cookie || {},
    genid: opts.genid,
    proxy: opts.proxy,
    // express-session deprecates leaving these two unset, but still defaults them to true.
    resave: opts.resave === undefined ? true : Boolean(opts.resave),
    saveUninitialized: opts.saveUninitialized === undefined ? true : Boolean(opts.saveUninitialized),
    rolling: Boolean(opts.rolling),
    unsetDestroy: opts.unset === 'destroy',
    storeTimeout: storeTimeout ?? 0,
    hashStoreKeys: opts.hashStoreKeys ?? false,
    keyring,
    lifetime,
    concurrency: opts.concurrency,
    clock: opts.clock ?? systemClock,
    outage: dropInOutage(opts),
    metrics: checkMetrics(opts.metrics),
  };
}

/**
 * The drop-in's outage settings: none unless asked (express-session's behaviour), and each
 * option on its own: `onStoreError` alone brings no breaker, `circuitBreaker` alone keeps 'fail'.
 */
function dropInOutage(opts: ExpressSessionOptions): OutageConfig | undefined {
  const { onStoreError, circuitBreaker } = opts;
  if (onStoreError === undefined && (circuitBreaker === undefined || circuitBreaker === false)) return undefined;
  const breaker = circuitBreaker === true ? undefined : (circuitBreaker ?? false);
  return resolveOutage({ onStoreError, circuitBreaker: breaker });
}
