/**
 * The `cookieCache` option of `SessionManager`: checked once at construction, with what it
 * needs (`encryption`, compare-and-set, the revocation epoch). See `cookie-cache.ts`.
 *
 * @module
 */
import { parseDuration, type Duration } from './duration.js';
import type { Keyring } from './keyring.js';
import type { Store } from './store.js';

/** The `cookieCache` option of `SessionManager`. */
export interface CookieCacheOptions {
  /** How long a copy is used before the store is read again, and how stale it may be. Default `'30s'`, at most `'10m'`. */
  ttl?: Duration;
}

/** The resolved `cookieCache` option. */
export interface CookieCacheConfig {
  /** ms. */
  ttl: number;
  keyring: Keyring;
}

const DEFAULT_TTL = 30_000;
const MAX_TTL = 600_000;

/**
 * Checks the `cookieCache` option. `TypeError` naming what is missing: `encryption` (the cookie
 * is sealed with its keyring) and compare-and-set (`concurrency: 'merge'`).
 */
export function resolveCookieCache(option: unknown, keyring: Keyring | undefined, merge: boolean): CookieCacheConfig | undefined {
  if (option === undefined || option === false) return undefined;
  if (option !== true && (typeof option !== 'object' || option === null)) throw new TypeError("cookieCache must be true, false or { ttl: '30s' }");
  const ttl = option === true || (option as CookieCacheOptions).ttl === undefined ? DEFAULT_TTL : parseDuration((option as CookieCacheOptions).ttl, 'cookieCache.ttl', { allowZero: false, max: MAX_TTL });
  if (keyring === undefined) throw new TypeError('cookieCache needs the encryption option: the cached copy is sealed with its keys (encryption: { keys: [{ id, key }] })');
  if (!merge) throw new TypeError("cookieCache needs concurrency: 'merge' and a store with setIfVersion (every Tessera store), so that a request served from the cache never recreates a deleted session");
  return { ttl, keyring };
}

/** The cache cookie's name beside the session cookie `name`. */
export function cacheCookieName(name: string): string {
  return `${name}-cache`;
}

/**
 * The device settings with the cookie cache: a cache must not outlive "log out everywhere", so
 * with device tracking on, the revocation epoch is turned on too (`devices: { epoch: false }`
 * beside `cookieCache` is a `TypeError`). Without device tracking there is no revocation to wait for.
 */
export function cacheDevices<D extends { epoch: boolean }>(devices: D | undefined, option: unknown, cache: CookieCacheConfig | undefined, store: Store): D | undefined {
  if (cache === undefined || devices === undefined || devices.epoch) return devices;
  if (typeof option === 'object' && option !== null && (option as { epoch?: unknown }).epoch === false) {
    throw new TypeError('cookieCache needs devices.epoch (a cached session must die with "log out everywhere"): leave it unset or true, or turn devices off');
  }
  if (typeof store.userEpoch !== 'function' || typeof store.raiseUserEpoch !== 'function') {
    throw new TypeError('cookieCache with devices needs a store with userEpoch and raiseUserEpoch (MemoryStore, SqliteStore, RedisStore, PostgresStore)');
  }
  return { ...devices, epoch: true };
}
