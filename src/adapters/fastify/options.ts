/**
 * The options of the Fastify plugin, and the `SessionManager` they resolve to. They overlap
 * @fastify/session's where the two meet (`secret`, `cookieName`, `cookie`, `saveUninitialized`,
 * `rolling`, `idGenerator`, `store`) with the same meanings, so an app switches by changing the
 * import and the plugin name; the defaults are Tessera's secure ones (see the README's Fastify
 * section for each difference).
 *
 * @module
 */
import type { FastifyRequest } from 'fastify';
import { isStore, type SessionManagerOptions } from '../../core/manager.js';
import { SessionManager } from '../../session-manager.js';
import type { Store } from '../../core/store.js';
import { checkCookieName } from '../../core/cookie-rules.js';
import { fromExpressSessionStore, type ExpressSessionStoreLike } from '../../stores/connect/express-session-store-adapter.js';

/** Options that build the manager: @fastify/session's names where they overlap, plus every `SessionManager` option. */
export interface TesseraFastifySessionOptions extends Omit<SessionManagerOptions, 'store' | 'genid'> {
  /**
   * The session cookie's name (@fastify/session's `cookieName`; the manager's `name`). Default:
   * `__Host-sid` over HTTPS and `sid` over plain HTTP (@fastify/session: `sessionId`).
   */
  cookieName?: string;
  /**
   * Where sessions live: a Tessera store, or any express-session store (connect-redis,
   * connect-pg-simple, ...), which is run through `fromExpressSessionStore` from
   * `tessera/connect`. Default: Tessera's bounded in-memory store.
   */
  store?: Store | ExpressSessionStoreLike;
  /** Generates session IDs from the request (@fastify/session's `idGenerator`). Default: 256 random bits, base64url. */
  idGenerator?: (request: FastifyRequest) => string;
  /** The manager's `genid` (the same as `idGenerator`; give one or the other). */
  genid?: (request: FastifyRequest) => string;
  /** Accepted for @fastify/session compatibility: only `'s:'`, the prefix Tessera's cookie values always carry. */
  cookiePrefix?: 's:';
  /** Accepted for @fastify/session compatibility: only `'sha256'`, the HMAC Tessera signs cookies with. */
  algorithm?: 'sha256';
}

/** A manager built by the app (shared with other adapters, or configured once for several servers). */
export interface TesseraFastifyManagerOptions {
  /** The `SessionManager` sessions come from; no other option may be given beside it. */
  manager: SessionManager<object>;
}

/** What `app.register(tesseraSession, options)` takes: a manager, or the options to build one. */
export type TesseraFastifyOptions = TesseraFastifyManagerOptions | TesseraFastifySessionOptions;

// Keys Fastify itself reads from a plugin's options object (`register(plugin, { prefix })`).
const FASTIFY_KEYS = new Set(['prefix', 'logLevel', 'logSerializers']);

/**
 * The manager `options` ask for: the one given, or a new one built from them. Every bad option
 * is a `TypeError` naming it (the manager checks its own).
 */
export function resolveManager(options: unknown): SessionManager<object> {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError('tessera/fastify: options must be an object: { secret, store, ... } or { manager }');
  }
  if ('manager' in options) return givenManager(options as Record<string, unknown>);
  const { cookieName, idGenerator, cookiePrefix, algorithm, store, ...rest } = options as TesseraFastifySessionOptions & Record<string, unknown>;
  for (const key of FASTIFY_KEYS) delete rest[key];
  if (cookiePrefix !== undefined && cookiePrefix !== 's:') {
    throw new TypeError(`cookiePrefix must be 's:' or left out: Tessera's cookie values always start with express-session's 's:' (got ${JSON.stringify(cookiePrefix)})`);
  }
  if (algorithm !== undefined && algorithm !== 'sha256') {
    throw new TypeError(`algorithm must be 'sha256' or left out: Tessera signs cookies with HMAC-SHA-256 (got ${JSON.stringify(algorithm)})`);
  }
  const managerOptions: SessionManagerOptions = rest as SessionManagerOptions;
  if (cookieName !== undefined) {
    if (rest.name !== undefined) throw new TypeError('cookieName and name both name the cookie: give one of them');
    checkCookieName(cookieName, { option: 'cookieName' });
    managerOptions.name = cookieName;
  }
  if (idGenerator !== undefined) {
    if (rest.genid !== undefined) throw new TypeError('idGenerator and genid both generate IDs: give one of them');
    if (typeof idGenerator !== 'function') throw new TypeError('idGenerator must be a function (request) => string');
    managerOptions.genid = idGenerator as (request: unknown) => string;
  }
  if (store !== undefined) managerOptions.store = nativeStore(store);
  return new SessionManager(managerOptions);
}

function givenManager(options: Record<string, unknown>): SessionManager<object> {
  const { manager } = options;
  if (!(manager instanceof SessionManager) && (typeof manager !== 'object' || manager === null || typeof (manager as SessionManager).loadSession !== 'function')) {
    throw new TypeError('manager must be a SessionManager from tessera');
  }
  const others = Object.keys(options).filter((key) => key !== 'manager' && !FASTIFY_KEYS.has(key));
  if (others.length > 0) {
    // They would be silently ignored: the manager was configured when it was built.
    throw new TypeError(`${others[0]} cannot be given beside manager: pass it to new SessionManager({ ... }) instead`);
  }
  return manager as SessionManager<object>;
}

/** A Tessera store as is; an express-session store (get/set/destroy with callbacks) through the connect bridge. */
function nativeStore(store: unknown): Store {
  const s = store as Partial<ExpressSessionStoreLike> | null;
  // A callback store takes (sid, callback) in get and deletes with destroy().
  const callbackStore = typeof s === 'object' && s !== null && typeof s.get === 'function' && typeof s.set === 'function' && typeof s.destroy === 'function';
  if (callbackStore && (!isStore(store) || s.get!.length >= 2)) return fromExpressSessionStore(s as ExpressSessionStoreLike);
  if (isStore(store)) return store;
  throw new TypeError(
    'store must be a Tessera store (get, set, touch, delete returning promises) or an express-session store (get, set, destroy with callbacks)',
  );
}
