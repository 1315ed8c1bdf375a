/**
 * `SessionManager`: the native API, secure by default. One manager serves every framework
 * adapter (`tessera/express`, `tessera/fastify`, `tessera/koa`, `tessera/web`, `tessera/hono`,
 * `tessera/node`).
 *
 * @module
 */
import { systemClock, type Clock } from './clock.js';
import { SessionEngine, type CommitResult } from './engine.js';
import type { SessionManagerOptions } from './manager-options.js';
import { generateSessionId } from './id.js';
import { createKeyring } from './keyring.js';
import { lifetimeConfig, resolveLifetime } from './lifetime-options.js';
import { warnIfWeakSecret } from './secrets.js';
import type { CookieOptions } from './session-cookie.js';
import type { Session, SessionData, SessionHooks } from './session.js';
import { boundedCalls, type Store } from './store.js';
import { checkBoolean, checkCookieOptions, checkDuration, checkSecrets } from './validate.js';
import { checkCookieName, checkPrefixRules } from './cookie-rules.js';
import { clearSiteDataValue, DEFAULT_CLEAR_SITE_DATA } from './site-data.js';
import { kState } from './session.js';
import { checkMetrics } from './metrics.js';
import { resolveOutage } from './outage-policy.js';
import { resolveConcurrency } from './merge.js';
import { cacheCookieName, cacheDevices, resolveCookieCache } from './cookie-cache-options.js';
import { cookieValues } from './cookie-header.js';
import { deferredClientInfo, listSessions, resolveDevices, revokeAllSessions, revokeSession, setDeviceLabel, type DeviceSession } from './devices.js';

/** A session whose data is typed by `T`. */
export type TypedSession<T extends object = SessionData> = Session & Partial<T>;

export type { SessionManagerOptions } from './manager-options.js';

/** What an adapter hands to `loadSession`. */
export interface LoadInput {
  /** The request's `Cookie` header. */
  cookieHeader: string | undefined;
  /** Whether the request arrived over HTTPS. */
  secure: boolean;
  /** The framework's request object (passed to hooks). */
  request?: unknown;
  /** Adapter hooks. */
  hooks?: SessionHooks;
  /** The request's `User-Agent` header, for the device list (kept up to 256 characters). */
  userAgent?: string | undefined;
  /** The client's IP address as the framework sees it (Express: `req.ip`), for the device list; kept as the `devices.ip` option says. */
  ip?: string | undefined;
}

/** A loaded session and the cookie name it travels under. */
export interface LoadedSession<T extends object> {
  session: TypedSession<T>;
  cookieName: string;
}

/**
 * Turns a request's cookie into a session, and the session back into a store write and a
 * `Set-Cookie` header. Framework adapters call `loadSession` then `commitSession`.
 *
 * @example
 * import { SessionManager } from 'tessera';
 * import { SqliteStore } from 'tessera/sqlite';
 *
 * const manager = new SessionManager<{ userId: string }>({
 *   secret: process.env.SESSION_SECRET!,
 *   store: new SqliteStore({ path: './data/sessions.db' }),
 * });
 * manager.on('storeError', (err) => console.error(err.operation, err.cause));
 */
export class SessionManager<T extends object = SessionData> extends SessionEngine {
  readonly #name: string | undefined;
  readonly #httpsName: string;
  readonly #warn: (message: string) => void;
  #warned = false;

  constructor(options: SessionManagerOptions) {
    if (typeof options !== 'object' || options === null) throw new TypeError('options must be an object with at least a secret');
    // A private frozen copy: the caller's array or Buffer changed later must not half-rotate
    // (signing with one list while remembered cookies were verified under another).
    const secrets = Object.freeze(checkSecrets(options.secret).map((s) => (typeof s === 'string' ? s : Buffer.from(s))));
    if (options.cookie !== undefined && (typeof options.cookie !== 'object' || options.cookie === null)) {
      throw new TypeError('cookie must be an object of cookie attributes, e.g. { maxAge: 86_400_000 }');
    }
    const cookie: CookieOptions = { path: '/', httpOnly: true, sameSite: 'lax', secure: 'auto', ...options.cookie };
    checkCookieOptions(cookie);
    if (options.name !== undefined) {
      // Refused now when even the shortest signed value cannot fit (RFC 6265bis: 4096 octets).
      checkCookieName(options.name, { minValueOctets: options.genid === undefined ? MIN_DEFAULT_VALUE : MIN_ANY_VALUE });
      checkPrefixRules(options.name, cookie);
    }
    const lifetime = lifetimeConfig(resolveLifetime(options.lifetime, options.idleTimeout), BROWSER_SESSION_RECORD_TTL);
    const touchAfter = options.touchAfter ?? 60_000;
    checkDuration('touchAfter', touchAfter);
    // Tessera's own stores bound every call themselves; a timer per call would only cost.
    const storeTimeout = options.storeTimeout ?? (options.store === undefined || isBounded(options.store) ? 0 : 5000);
    checkDuration('storeTimeout', storeTimeout, { max: 2 ** 31 - 1 });
    checkBoolean('saveUninitialized', options.saveUninitialized);
    checkBoolean('rolling', options.rolling);
    if (options.warn !== undefined && typeof options.warn !== 'function') throw new TypeError('warn must be a function taking a message');
    if (options.genid !== undefined && typeof options.genid !== 'function') throw new TypeError('genid must be a function returning a string');
    if (options.clock !== undefined && typeof options.clock !== 'function') throw new TypeError('clock must be a function returning milliseconds');
    if (options.store !== undefined && !isStore(options.store)) {
      throw new TypeError('store must implement get, set, touch and delete (for an express-session store, wrap it with fromExpressSessionStore from tessera/connect)');
    }
    checkBoolean('hashStoreKeys', options.hashStoreKeys);
    checkBoolean('noStore', options.noStore);
    const clearSiteData = clearSiteDataValue(options.clearSiteData ?? DEFAULT_CLEAR_SITE_DATA);
    const outage = resolveOutage(options);
    const keyring = options.encryption === undefined ? undefined : createKeyring(options.encryption, 'encryption');
    warnIfWeakSecret(secrets);
    const clock = options.clock ?? systemClock;
    const genid = options.genid;
    const store = options.store ?? new.target.defaultStore(clock);
    const concurrency = resolveConcurrency(options.concurrency, store);
    const cookieCache = resolveCookieCache(options.cookieCache, keyring, concurrency === 'merge');
    const devices = cacheDevices(resolveDevices(options.devices, store), options.devices, cookieCache, store);
    super({
      store,
      secrets,
      genid: genid ? (request) => genid(request) : generateSessionId,
      cookie,
      saveUninitialized: options.saveUninitialized ?? false,
      resave: false,
      rolling: options.rolling ?? false,
      ...lifetime,
      touchAfter,
      storeTimeout,
      maxCookieLength: 4096,
      clearCookieOnDestroy: true,
      clearSiteData,
      noStore: options.noStore ?? true,
      clock,
      hashStoreKeys: options.hashStoreKeys ?? true,
      keyring,
      outage,
      concurrency,
      devices,
      metrics: checkMetrics(options.metrics),
      cookieCache,
    });
    this.#name = options.name;
    this.#httpsName = defaultHttpsName(cookie);
    this.#warn = options.warn ?? ((m) => console.warn(m));
  }

  /**
   * The store for options that name none. The core imports no store (stores build on the core,
   * never the reverse), so this one has none: `SessionManager` from `tessera`
   * (src/session-manager.ts) overrides it with a bounded `MemoryStore`.
   */
  protected static defaultStore(_clock: Clock): Store {
    throw new TypeError("store is required here: pass a store, or use SessionManager from 'tessera', whose default is a MemoryStore");
  }

  /** The cookie name used for a request (see the `name` option). */
  cookieName(secure: boolean): string {
    if (this.#name !== undefined) return this.#name;
    if (secure) return this.#httpsName;
    if (!this.#warned) {
      this.#warned = true;
      this.#warn(`tessera: serving sessions over plain HTTP with the cookie "sid"; over HTTPS the cookie is "${this.#httpsName}" and Secure. Use HTTPS (or set trust proxy behind a TLS proxy) in production.`);
    }
    return 'sid';
  }

  /**
   * Reads the request's cookie and loads its session (or starts a new one). When the header
   * carries the cookie's name more than once, each value is verified in order and the first
   * whose session is live is used; a missing, forged or unknown value is "no session", never an
   * error. Rejects only with a `StoreError` when the store fails.
   *
   * @example
   * const { session, cookieName } = await manager.loadSession({ cookieHeader: req.headers.cookie, secure: true });
   */
  async loadSession(input: LoadInput): Promise<LoadedSession<T>> {
    const cookieName = this.cookieName(input.secure);
    // Every value of the name that verifies, in header order: the first with a live session wins
    // (a cookie planted by a sibling subdomain cannot hide the real one; see cookie-header.ts).
    const { ids, sent } = this.readCookieSent(input.cookieHeader, cookieName);
    const devices = this.config.devices;
    const ctx = {
      secure: input.secure,
      request: input.request,
      ...(input.hooks ? { hooks: input.hooks } : {}),
      ...(devices ? { client: deferredClientInfo(devices, input.userAgent, input.ip) } : {}),
      // Only with a session cookie to bind it to: a cache cookie alone is nothing.
      ...(this.cookieCache !== undefined && ids.length > 0 && input.cookieHeader !== undefined ? { cacheCookie: cookieValues(input.cookieHeader, cacheCookieName(cookieName), 1)[0] } : {}),
    };
    const session = (await this.load(ids, ctx)) as TypedSession<T>;
    // The name was sent but no live session came of it: the commit deletes the dead cookie.
    if (sent && session.isNew) session[kState].staleCookie = true;
    return { session, cookieName };
  }

  /**
   * The live sessions of a user (oldest first), for a "your devices" page: when each was
   * created and last seen, its user agent, IP (prefix) and label. Each is named by a `handle`
   * for `revokeSession`, never by its ID or store key; `current` marks the session passed as
   * `{ current: req.session }`. Expired sessions are left out. Throws `ERR_DEVICES_UNAVAILABLE`
   * without device tracking (see the `devices` option).
   *
   * @example
   * app.get('/devices', async (req, res) => res.json(await manager.listSessions(req.session.userKey!, { current: req.session })));
   */
  listSessions(userId: string | number, options?: { current?: Session }): Promise<DeviceSession[]> {
    return listSessions(this, userId, options);
  }

  /**
   * Logs out the session of `userId` that `handle` (from `listSessions`) names: its record is
   * deleted, so its next request has no session. Resolves to `false` when there is no such
   * session (already gone, or not this user's).
   */
  revokeSession(userId: string | number, handle: string): Promise<boolean> {
    return revokeSession(this, userId, handle);
  }

  /**
   * Logs out every session of `userId` ("log out everywhere"), or every one but `except`
   * ("everywhere else", after a password change); resolves to how many were deleted.
   *
   * @example
   * await manager.revokeAllSessions(req.session.userKey!, { except: req.session });
   */
  revokeAllSessions(userId: string | number, options?: { except?: Session }): Promise<number> {
    return revokeAllSessions(this, userId, options);
  }

  /** Names the session's device in the device list (`'Work laptop'`, 1 to 64 characters; `undefined` clears); stored at the end of the request. */
  setDeviceLabel(session: Session, label: string | undefined): void {
    setDeviceLabel(session, label);
  }

  /** Writes what the request changed and returns the `Set-Cookie` header to send, if any. */
  commitSession(session: Session, input: { secure: boolean; cookieName: string }): Promise<CommitResult> {
    return this.commit(session, input);
  }
}

/** Without any server-side limit, a browser-session cookie's record lives this long after the last request (as in the drop-in). */
const BROWSER_SESSION_RECORD_TTL = 24 * 3_600_000;

/** `s%3A` + a 43-character default ID + `.` + a 43-character MAC: the shortest default value, encoded. */
const MIN_DEFAULT_VALUE = 4 + 43 + 1 + 43;
/** The same with a one-character ID (a custom `genid`). */
const MIN_ANY_VALUE = 4 + 1 + 1 + 43;

/**
 * The default cookie name over HTTPS: the strongest prefix the cookie options allow
 * (OWASP Session Management: `__Host-` for session IDs). A prefixed name whose rules the
 * options break would be dropped by the browser, so a weaker name is chosen instead.
 */
function defaultHttpsName(cookie: CookieOptions): string {
  if (cookie.secure === false) return 'sid';
  if (cookie.domain !== undefined || (cookie.path !== undefined && cookie.path !== '/')) return '__Secure-sid';
  return '__Host-sid';
}

function isBounded(store: unknown): boolean {
  return typeof store === 'object' && store !== null && (store as { [boundedCalls]?: unknown })[boundedCalls] === true;
}

/** True for an object with the four required Store methods. */
export function isStore(value: unknown): value is Store {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return ['get', 'set', 'touch', 'delete'].every((m) => typeof v[m] === 'function');
}
