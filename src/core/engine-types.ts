/**
 * The types the session engine is configured and observed with.
 *
 * @module
 */
import type { Clock } from './clock.js';
import type { InvalidRecordReason } from './envelope.js';
import type { Keyring } from './keyring.js';
import type { StoreError } from './errors.js';
import type { CircuitState } from './circuit-breaker.js';
import type { OutageConfig } from './outage-policy.js';
import type { CookieOptions, SessionCookie } from './session-cookie.js';
import type { Session, SessionHooks, SessionState } from './session.js';
import type { Secret } from './signature.js';
import type { Store } from './store.js';
import type { ClientInfo, DeviceConfig } from './device-client.js';
import type { SessionMetrics } from './metrics.js';
import type { CookieCacheConfig } from './cookie-cache-options.js';

/** Everything the engine needs, fully resolved (no defaults applied here). */
export interface EngineConfig {
  store: Store;
  /** Signing secrets (first signs, all verify); `undefined` when each request supplies them. */
  secrets: readonly Secret[] | undefined;
  genid: (request: unknown) => string;
  cookie: CookieOptions;
  saveUninitialized: boolean;
  resave: boolean;
  rolling: boolean;
  /** Server-side idle timeout (ms, `lifetime.idle`): the store expiry is now + this. Unset: the cookie's expiry. */
  idleTimeout: number | undefined;
  /** Absolute lifetime (ms, `lifetime.absolute`) from `authenticatedAt ?? createdAt` (see `lifetime.ts`). Unset: none. */
  absoluteTimeout?: number | undefined;
  /** Rotate the session ID once it is this old (ms, `lifetime.renew`), keeping the data (see `renewal.ts`). Unset: never. */
  renewAfter?: number | undefined;
  /** How long (ms) a renewed session's old ID still reaches it (`lifetime.grace`). Default 30 s. */
  renewGrace?: number | undefined;
  /** Store expiry (ms from now) for a browser-session cookie when there is no idle timeout. */
  fallbackTtl: number;
  /** Skip a touch while the stored expiry is less than this much behind (ms); 0 always touches. */
  touchAfter: number;
  /** Deadline for each store call (ms); 0 leaves it to the store. */
  storeTimeout: number;
  /** Longest signed cookie value accepted; longer means "no session". */
  maxCookieLength: number;
  /** On `destroy`, send a cookie that deletes the browser's copy. */
  clearCookieOnDestroy: boolean;
  /** `Clear-Site-Data` value sent with the cookie-clearing response of a `destroy` (see `site-data.ts`). Default: none. */
  clearSiteData?: string | undefined;
  /** Ask for `Cache-Control: no-store` on every response that sets or clears the session cookie. Default `false`. */
  noStore?: boolean;
  clock: Clock;
  /** Store keys are `base64url(SHA-256(id))` instead of the ID itself (see `keys.ts`). Default `false`. */
  hashStoreKeys?: boolean;
  /** Seal stored values with AES-256-GCM under this keyring (see `envelope.ts`). Default: none. */
  keyring?: Keyring | undefined;
  /**
   * The class sessions are made of (default `Session`). An adapter may pass a subclass whose
   * prototype matches its framework's session object (the express-session drop-in does).
   */
  sessionClass?: new (state: SessionState, cookie: SessionCookie, request: unknown) => Session;
  /** What to do while the store is down (see `outage-policy.ts`). Unset: no fail-fast, every load failure fails. */
  outage?: OutageConfig | undefined;
  /**
   * `'merge'`: write with compare-and-set on the record's version and merge this request's changes
   * on a conflict (see `merge.ts`; the store must have `setIfVersion`). Unset or
   * `'last-write-wins'`: plain `set`s, the last whole-session write wins.
   */
  concurrency?: Concurrency | undefined;
  /** Record device metadata in logged-in sessions' records (see `devices.ts`). Unset: none. */
  devices?: DeviceConfig | undefined;
  /** The metrics hook (see `metrics.ts`). Unset: nothing is measured. */
  metrics?: SessionMetrics | undefined;
  /** Serve reads from a sealed copy of the record in a second cookie (see `cookie-cache.ts`). Unset: none. */
  cookieCache?: CookieCacheConfig | undefined;
}

/** How concurrent writes of one session are reconciled (the `concurrency` option). */
export type Concurrency = 'merge' | 'last-write-wins';

/** The request facts the engine needs. */
export interface RequestContext {
  /** Whether the request arrived over HTTPS (resolves `secure: 'auto'`). */
  secure: boolean;
  /** Cookie options for a session created by this request (express-session's `cookie(req)`). */
  cookie?: CookieOptions;
  /** Passed to `genid`. */
  request?: unknown;
  /** Adapter hooks, called on regenerate/destroy. */
  hooks?: SessionHooks;
  /** The request's device (user agent, IP), for the device metadata of logged-in sessions. */
  client?: ClientInfo;
  /** The request's cache cookie value (`cookieCache`), if it sent one. */
  cacheCookie?: string | undefined;
}

/** What `commit` needs from the response side. */
export interface CommitContext {
  /** Whether the request arrived over HTTPS (a Secure cookie is only sent then). */
  secure: boolean;
  /** Secrets for this request, when they are not the configured ones (cookie-parser's `req.secret`). */
  secrets?: readonly Secret[];
  /** The cookie's name. */
  cookieName: string;
  /**
   * The response's head goes out before its body ends (a streamed response): the session may
   * still change after this commit (`commitRemainder`), when no cookie can be sent any more.
   * The cookie cache then sends no copy (and deletes the client's). Default `false`.
   */
  streamed?: boolean;
}

/** What `commit` decided. */
export interface CommitResult {
  /** A `Set-Cookie` header value to send, if any. */
  setCookie: string | undefined;
  /** What happened in the store. */
  stored: 'saved' | 'touched' | 'none';
  /** Other response headers the session needs (`Clear-Site-Data`, `Cache-Control`); the adapter sets them before the head. */
  headers?: readonly CommitHeader[];
  /**
   * Further `Set-Cookie` values beyond the session cookie (a second cookie the core manages,
   * such as a cookie cache). Adapters read every cookie through `setCookieLines(result)`.
   */
  extraSetCookies?: readonly string[];
}


/** A response header `commit` asks for. */
export interface CommitHeader {
  name: string;
  value: string;
  /** Set only when the response has no header of this name yet (the app's own `Cache-Control` wins). */
  ifAbsent?: boolean;
}

/** Events the engine emits, with their payloads. */
export interface SessionEvents {
  created: [session: Session];
  saved: [session: Session];
  touched: [session: Session];
  regenerated: [session: Session];
  destroyed: [session: Session];
  /** A stored session past a limit, deleted on sight; the request got a new session. */
  expired: [info: ExpiredInfo];
  /** A session's ID was rotated (`lifetime.renew`); its old ID reaches it for the grace window. */
  renewed: [info: RenewedInfo];
  /** A stored record that could not be opened (see `InvalidRecordReason`); the request gets a new session. */
  invalidRecord: [info: InvalidRecordInfo];
  storeError: [error: StoreError];
  /** The circuit breaker in front of the store changed state (see `circuit-breaker.ts`). */
  circuit: [state: CircuitState];
  /** `onStoreError: 'anonymous'`: the store could not be read, so the request got this fresh, never-saved session. */
  degraded: [error: StoreError, session: Session];
  /** `concurrency: 'merge'`: another request wrote the session between this one's load and write (see `ConflictInfo`). */
  conflict: [info: ConflictInfo];
}

/** The payload of the `conflict` event. */
export interface ConflictInfo {
  /** The store key of the record (never the session ID). */
  key: string;
  /**
   * `merged`: this request's changes were applied to the current record and written; `dropped`:
   * the record was deleted since this request loaded it (logout, regenerate, login elsewhere), so
   * nothing was written and no cookie sent (a destroyed session stays dead).
   */
  outcome: 'merged' | 'dropped';
  /** The data keys both requests changed: the other request's value was replaced by this one's (the later write wins). */
  overwritten: string[];
  /** How many writes were tried, the successful one included. */
  attempts: number;
}

/** The payload of the `expired` event. */
export interface ExpiredInfo {
  /** The store key of the record (never the session ID). */
  key: string;
  /**
   * Which limit it ran past: `idle` (time since the last request), `absolute` (since creation or
   * the last authentication), or `revoked` (its user revoked every session since it was bound to them).
   */
  limit: 'idle' | 'absolute' | 'revoked';
}

/** The payload of the `renewed` event. */
export interface RenewedInfo {
  /** The store key the session now lives under. */
  key: string;
  /** The store key of the old ID, which forwards to `key` until `until`. */
  previousKey: string;
  /** End of the grace window (ms since the epoch). */
  until: number;
}

/** The payload of the `invalidRecord` event. */
export interface InvalidRecordInfo {
  /** The store key of the record (never the session ID). */
  key: string;
  /** Why it could not be opened. */
  reason: InvalidRecordReason;
}
