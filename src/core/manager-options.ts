/**
 * The options of `SessionManager`, with their defaults and reasons (the JSDoc an editor shows).
 * Resolved and checked by the manager's constructor.
 *
 * @module
 */
import type { CircuitBreakerOptions } from './circuit-breaker.js';
import type { Clock } from './clock.js';
import type { DeviceOptions } from './devices.js';
import type { CookieCacheOptions } from './cookie-cache-options.js';
import type { Concurrency } from './engine-types.js';
import type { EncryptionOptions } from './keyring.js';
import type { LifetimeOptions, LifetimePreset } from './lifetime-options.js';
import type { SessionMetrics } from './metrics.js';
import type { OnStoreError } from './outage-policy.js';
import type { CookieOptions } from './session-cookie.js';
import type { Secret } from './signature.js';
import type { ClearSiteDataType } from './site-data.js';
import type { Store } from './store.js';

/** Options of `SessionManager`. Every bad option throws a `TypeError` naming it. */
export interface SessionManagerOptions {
  /**
   * Signing secret(s), each at least 32 characters. With several, the first signs and all verify
   * (rotation). They are copied (Buffers too) and frozen at construction: changing the array or
   * a Buffer afterwards has no effect. To rotate, build a new manager with the new list.
   * One that looks like a placeholder ('changeme...', a repeated pattern, a phrase) gets a
   * one-time warning; make one with `generateSecret()`.
   */
  secret: Secret | readonly Secret[];
  /**
   * Store sessions under `base64url(SHA-256(session ID))` rather than the ID, so a dump of the
   * store holds no usable session IDs. Default `true`. Set `false` only to keep reading
   * sessions stored under raw IDs (they are not found once it is on).
   */
  hashStoreKeys?: boolean;
  /**
   * Encrypt stored sessions with AES-256-GCM: `{ keys: [{ id, key }, ...] }`, 32-byte keys,
   * newest first (it encrypts; all decrypt; a record is re-encrypted with the first key when it
   * is next written). A record that fails to decrypt is no session and an `invalidRecord` event.
   * Default: none.
   * @example
   * encryption: { keys: [{ id: '2026-12', key: process.env.SESSION_KEY! }] }
   */
  encryption?: EncryptionOptions;
  /** Where sessions live. Default: a bounded in-memory store (one process only; use SqliteStore, RedisStore or PostgresStore beyond). */
  store?: Store;
  /**
   * Cookie name. Default: `__Host-sid` over HTTPS (the prefix pins it to this host and path `/`,
   * so a sibling subdomain cannot plant or overwrite it), and `sid` over plain HTTP (local
   * development), with a one-time warning. With a `cookie.domain` or a `cookie.path` other
   * than `/` (which `__Host-` forbids) the HTTPS default is `__Secure-sid`; with
   * `cookie.secure: false` it is `sid`.
   *
   * A given name must be an RFC 6265bis token. A `__Host-` or `__Secure-` name (in any case, as
   * browsers match it) must come with the attributes its prefix demands, or the constructor
   * throws a `TypeError` naming the rule.
   */
  name?: string;
  /** Cookie attributes. Defaults: `httpOnly: true`, `sameSite: 'lax'`, `path: '/'`, `secure: 'auto'`, no `maxAge` (browser-session cookie). */
  cookie?: Omit<CookieOptions, 'expires'>;
  /**
   * How long a session lives on the server, checked on every load from the record's own times
   * (never from the cookie's `Expires`, which the client controls). Default
   * `{ idle: '30m', absolute: '12h' }`: 30 minutes since the last request, 12 hours since
   * creation or the last authentication (a new `login` restarts the period). Durations are ms or
   * strings (`'15m'`, `'12h'`, `'30d'`). Presets of NIST SP 800-63B-4: `'aal1'` (30 days overall),
   * `'aal2'` (24 h overall, 1 h idle), `'aal3'` (12 h overall, 15 min idle). Opt out of a limit
   * explicitly with `false` (`{ idle: false, absolute: false }`: the record then lives as long as
   * the cookie's `maxAge`, or 24 h after the last request for a browser-session cookie).
   * `renew` rotates the ID on that period keeping the data, the old ID reaching the session for
   * `grace` (default `'30s'`) so requests already in flight keep their login.
   * @example
   * lifetime: 'aal2'
   * lifetime: { idle: '15m', absolute: '8h', renew: '15m' }
   */
  lifetime?: LifetimeOptions | LifetimePreset;
  /** @deprecated Use `lifetime.idle`. Server-side idle timeout in ms; refused beside `lifetime`. */
  idleTimeout?: number;
  /** An unchanged session is written (touched) at most once per this many ms. Default 60_000; 0 touches every request. */
  touchAfter?: number;
  /** Store (and send a cookie for) sessions nothing was written to. Default `false`. */
  saveUninitialized?: boolean;
  /** Re-send the cookie on every response, renewing its `maxAge`. Default `false`. */
  rolling?: boolean;
  /**
   * Generates session IDs. Default: 256 random bits, base64url. Receives the framework's request
   * object the adapter loaded the session for (Express's `req`, Fastify's `request`), or
   * `undefined` when there is none.
   */
  genid?: (request: unknown) => string;
  /** Deadline for each store call, in ms. Default 5000, or none for Tessera's own stores (they bound every call themselves). */
  storeTimeout?: number;
  /**
   * When the store fails: `'fail'` (default) rejects the request through the framework's error
   * path, answering 503 (`StoreError.status`); `'anonymous'` serves a request whose session
   * could not be *loaded* with a fresh session that is never saved and sends no cookie (the
   * client keeps its real one), plus a `degraded` event: for public pages that must stay up.
   * A failed *write* is an error under both: a change is never acknowledged unsaved.
   */
  onStoreError?: OnStoreError;
  /**
   * Fail fast while the store is down: a call fails at once with `ERR_STORE_UNAVAILABLE` when
   * the store reports itself disconnected (`Store.isAvailable`), or after `failures` failed or
   * timed-out calls in a row, for `cooldown` ms (doubling up to `maxCooldown` while trials fail);
   * then one trial call goes through and its success closes the breaker. State changes are
   * `circuit` events. Default `{ failures: 5, cooldown: 1000, maxCooldown: 30_000 }`; `false`
   * sends every call to the store.
   */
  circuitBreaker?: CircuitBreakerOptions | false;
  /**
   * How two requests that write one session at the same time are reconciled. `'merge'` (the
   * default with a store that can compare-and-set: every Tessera store) writes with the version
   * the request loaded; when another request wrote in between, it re-reads the session, applies
   * this request's own changes (the top-level keys it set, changed or deleted) and writes again,
   * so different keys are never lost, the later write wins for the same key (a `conflict` event
   * says so), and a session destroyed meanwhile stays destroyed. `'last-write-wins'` (the only
   * choice, and the default, with an express-session store behind `tessera/connect`) writes the
   * whole session, as express-session does.
   */
  concurrency?: Concurrency;
  /**
   * A metrics hook: store call latency per operation and outcome, hits and misses, writes
   * skipped by dirty tracking, touches throttled, conflicts merged, requests served degraded,
   * and the circuit breaker's state (see `SessionMetrics`; the README's "Metrics" section wires
   * it to prom-client and OpenTelemetry). Default: none, and nothing is measured.
   */
  metrics?: SessionMetrics;
  /** Time source (ms since the epoch), for tests. */
  clock?: Clock;
  /**
   * What the response of `session.destroy()` (logout) asks the browser to clear, as a
   * `Clear-Site-Data` header beside the cookie-deleting `Set-Cookie`. Default `['cookies']`
   * (`"cookies"`: every cookie of the site, its sibling subdomains included, OWASP's logout
   * advice); a list of types (`['cache', 'cookies', 'storage']`), the header text itself, or
   * `false` for none. Browsers act on it over HTTPS (and localhost) only.
   */
  clearSiteData?: false | ClearSiteDataType | readonly ClearSiteDataType[] | string;
  /**
   * Add `Cache-Control: no-store` to every response that sets or clears the session cookie,
   * unless the app set its own `Cache-Control`, so no shared cache keeps one user's cookie (or
   * page) for another. Default `true`.
   */
  noStore?: boolean;
  /**
   * Devices and "log out everywhere" (`listSessions`, `revokeSession`, `revokeAllSessions`):
   * a logged-in session's record keeps the user agent and IP of the request that last wrote it,
   * the IP cut to a /24 (IPv4) or /48 (IPv6) prefix unless `{ ip: 'full' }` (`{ ip: false }`:
   * none). Default: on when the store keeps a per-user index (Tessera's four stores), off
   * otherwise; `true` or an object with a store that has none (an express-session store behind
   * `tessera/connect`) is a `TypeError`; `false` records nothing and turns the three methods off.
   */
  devices?: boolean | DeviceOptions;
  /**
   * Serve reads from a short-lived copy of the session sealed into a second cookie
   * (`<name>-cache`, AES-256-GCM with the `encryption` keys, bound to the session), so a
   * read-only request reads no store. A copy older than `ttl` (default `'30s'`, at most `'10m'`)
   * falls through to the store, and so does one of a user who was logged out everywhere since
   * (`revokeAllSessions`), on the very next request: the revocation epochs are kept in memory,
   * refreshed by the store (Redis pub/sub, PostgreSQL LISTEN/NOTIFY, in-process for
   * MemoryStore; SQLite: one indexed epoch read instead of the session read). Turns
   * `devices.epoch` on. Needs `encryption` and `concurrency: 'merge'`. Staleness bound: a
   * change another server makes to the record itself (`revokeSession` of one device) is seen once
   * the copy is older than `ttl`. Default: off. Call `manager.close()` on shutdown.
   * @example
   * cookieCache: { ttl: '30s' }
   */
  cookieCache?: boolean | CookieCacheOptions;
  /** Where the one-time plain-HTTP warning goes. Default `console.warn`. (A weak secret's warning is a process warning, code `TESSERA_WEAK_SECRET`.) */
  warn?: (message: string) => void;
}
