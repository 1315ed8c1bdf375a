/**
 * Option checks for the native API: each bad option is a `TypeError` that names the option
 * and says how to fix it, thrown at construction rather than on the first request.
 *
 * @module
 */
import type { Secret } from './signature.js';
import type { CookieOptions } from './session-cookie.js';
import { checkCookieAttributes, show } from './cookie-rules.js';

// The cookie name and prefix rules live with the other cookie rules.
export { checkCookieName, checkPrefixRules } from './cookie-rules.js';

const SAME_SITE = new Set(['lax', 'strict', 'none', 'auto']);
const PRIORITY = new Set(['low', 'medium', 'high']);

/** Minimum secret length, in characters (or bytes for a Buffer): 256 bits of a random hex/base64 string. */
export const MIN_SECRET_LENGTH = 32;

/** Checks and normalises the `secret` option to a non-empty list. */
export function checkSecrets(secret: unknown): Secret[] {
  if (secret === undefined || secret === null || secret === '') {
    throw new TypeError('secret is required: pass a random string of at least 32 characters (e.g. `openssl rand -base64 32`), or an array of them to rotate');
  }
  const list = Array.isArray(secret) ? secret : [secret];
  if (list.length === 0) throw new TypeError('secret must not be an empty array');
  list.forEach((s: unknown, i) => {
    const where = Array.isArray(secret) ? `secret[${i}]` : 'secret';
    if (typeof s !== 'string' && !Buffer.isBuffer(s)) throw new TypeError(`${where} must be a string or a Buffer`);
    if (s.length < MIN_SECRET_LENGTH) {
      throw new TypeError(`${where} is too short: it must be at least ${MIN_SECRET_LENGTH} characters of random data (got ${s.length})`);
    }
  });
  return list as Secret[];
}

/**
 * Checks a non-negative finite number of milliseconds, at most `max` (default 1e14 ms, about
 * 3,170 years: a date beyond it cannot be stored; a timer option passes 2^31 - 1, the longest
 * delay `setTimeout` keeps instead of firing at once).
 */
export function checkDuration(name: string, value: unknown, { allowZero = true, max = 1e14 } = {}): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || (!allowZero && value === 0)) {
    throw new TypeError(`${name} must be a ${allowZero ? 'non-negative' : 'positive'} number of milliseconds (got ${String(value)})`);
  }
  if (value > max) throw new TypeError(`${name} must be at most ${max} ms (got ${value})`);
}

/** Checks an optional boolean option (a string `'false'` from the environment would be truthy). */
export function checkBoolean(name: string, value: unknown): void {
  if (value !== undefined && typeof value !== 'boolean') {
    throw new TypeError(`${name} must be true or false (got ${show(value)})`);
  }
}

/** Checks the `cookie` option's attributes. */
export function checkCookieOptions(cookie: CookieOptions): void {
  checkBoolean('cookie.httpOnly', cookie.httpOnly);
  checkBoolean('cookie.partitioned', cookie.partitioned);
  if (cookie.maxAge != null) checkDuration('cookie.maxAge', cookie.maxAge);
  if (cookie.expires != null && !(cookie.expires instanceof Date && !Number.isNaN(cookie.expires.getTime()))) {
    throw new TypeError('cookie.expires must be a valid Date; prefer cookie.maxAge');
  }
  if (cookie.sameSite !== undefined && typeof cookie.sameSite !== 'boolean' && !SAME_SITE.has(String(cookie.sameSite).toLowerCase())) {
    throw new TypeError(`cookie.sameSite must be 'lax', 'strict', 'none', 'auto' or a boolean (got ${show(cookie.sameSite)})`);
  }
  if (cookie.priority !== undefined && !PRIORITY.has(String(cookie.priority).toLowerCase())) {
    throw new TypeError(`cookie.priority must be 'low', 'medium' or 'high' (got ${show(cookie.priority)})`);
  }
  if (cookie.secure !== undefined && typeof cookie.secure !== 'boolean' && cookie.secure !== 'auto') {
    throw new TypeError(`cookie.secure must be true, false or 'auto' (got ${show(cookie.secure)})`);
  }
  // Path and Domain: RFC 6265bis attribute rules (<= 1024 octets, no ';' or CTLs), see cookie-rules.ts.
  checkCookieAttributes(cookie);
  const sameSiteNone = typeof cookie.sameSite === 'string' && cookie.sameSite.toLowerCase() === 'none';
  if (sameSiteNone && cookie.secure === false) {
    throw new TypeError("cookie.sameSite 'none' requires cookie.secure true or 'auto' (browsers reject it otherwise)");
  }
}

/**
 * A numeric store option: `fallback` when unset, else a finite number of at least `min`;
 * anything else is a `TypeError` naming the store and the option.
 */
export function checkStoreNumber(store: string, option: string, value: unknown, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min) {
    throw new TypeError(`${store}: \`${option}\` must be a finite number >= ${min}, got ${String(value)}`);
  }
  return value;
}
