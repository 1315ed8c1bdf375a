/**
 * The rules a session cookie must follow for a browser to keep it (RFC 6265bis): its name is a
 * token, its attribute values are short and free of `;` and control characters, name + value
 * fit in 4096 octets, and a `__Host-` / `__Secure-` name comes with the attributes its prefix
 * demands. Each rule is checked where it can first be known: at construction (a `TypeError`
 * naming the option) or, for the size of a value only known per session, at commit.
 *
 * Prefix matching: RFC 6265bis (draft -14 onwards, 2024) has user agents match `__Secure-` and
 * `__Host-` case-insensitively when a cookie is set, and current Chromium and Firefox do; a
 * `__HOST-sid` with a `Domain` is dropped as surely as a `__Host-sid`. So the prefix rules apply
 * to every case variant. Lookalikes cannot slip past: a name must first be an RFC 9110 token
 * (ASCII only, no whitespace, no U+00A0), so `\u00a0__Host-sid` or a Cyrillic `Н` are refused
 * as names before any prefix is considered. Only the exact spelling is protected by older
 * browsers, which matched case-sensitively: prefer `__Host-` and `__Secure-` as written.
 *
 * @module
 */
import type { CookieOptions } from './session-cookie.js';

/** RFC 6265bis §5.6 / §5.7: the longest name + value a user agent must keep, in octets. */
export const MAX_COOKIE_OCTETS = 4096;

/**
 * Longest `maxAge` accepted, in ms (about 3,170 years): beyond it `Expires` falls outside what a
 * `Date` can hold, and every `Set-Cookie` would fail to serialise. Browsers cap a cookie's
 * lifetime at 400 days anyway (RFC 6265bis §5.6.1).
 */
export const MAX_MAX_AGE = 1e14;

/** RFC 6265bis §5.6: the longest attribute value a user agent keeps, in octets. */
export const MAX_ATTRIBUTE_OCTETS = 1024;

// RFC 9110 §5.6.2 tchar, which RFC 6265bis §4.1.1 uses for cookie-name.
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
// RFC 6265bis §4.1.1: attribute values exclude CTLs (%x00-1F, %x7F) and ';'.
const ATTRIBUTE_FORBIDDEN = /[\u0000-\u001f\u007f;]/;
// RFC 6265bis §4.1.1 path-value: printable ASCII but ';' (what the `cookie` package serialises).
const PATH = /^[\u0020-\u003a\u003c-\u007e]*$/;
// A host name as a Domain attribute: LDH labels, an optional leading dot (ignored by browsers).
const DOMAIN = /^\.?[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/i;

/**
 * A bad option value as text for an error message: JSON where it can be, else `String`, else
 * its type. Never throws (a BigInt, a symbol or an object without a prototype would make
 * `JSON.stringify` or `String` throw, and hide the `TypeError` that names the option).
 *
 * @example
 * show(10n); // '10n'
 */
export function show(value: unknown): string {
  if (typeof value === 'bigint') return `${value}n`;
  try {
    const json = JSON.stringify(value);
    if (json !== undefined) return json;
  } catch {
    // fall through
  }
  try {
    return String(value);
  } catch {
    return typeof value;
  }
}

/** A cookie name prefix with rules, as RFC 6265bis §4.1.3 defines them. */
export type CookiePrefix = '__Host-' | '__Secure-';

/** True when `name` is an RFC 6265bis cookie name (a non-empty token). */
export function isCookieToken(name: unknown): name is string {
  return typeof name === 'string' && TOKEN.test(name);
}

/**
 * The prefix whose rules a browser applies to `name`, matched case-insensitively as RFC 6265bis
 * user agents match it when they store a cookie; `undefined` for an ordinary name.
 *
 * @example
 * cookiePrefix('__Host-sid'); // '__Host-'
 * cookiePrefix('__host-sid'); // '__Host-' (browsers enforce the rules on it too)
 * cookiePrefix('sid'); // undefined
 */
export function cookiePrefix(name: string): CookiePrefix | undefined {
  // Cheap exit for the common ordinary name: no leading underscores.
  if (name.charCodeAt(0) !== 95 || name.charCodeAt(1) !== 95) return undefined;
  const head = name.slice(0, 9).toLowerCase();
  if (head.startsWith('__host-')) return '__Host-';
  if (head === '__secure-') return '__Secure-';
  return undefined;
}

/**
 * Checks a cookie name: an RFC 6265bis token that leaves room for a signed value within
 * 4096 octets. `minValueOctets` is the shortest value the cookie can carry.
 * Throws a `TypeError` naming `option`.
 *
 * @example
 * checkCookieName('__Host-sid'); // ok
 * checkCookieName('my sid'); // TypeError: name must be a valid cookie name ...
 */
export function checkCookieName(name: unknown, { option = 'name', minValueOctets = 0 } = {}): asserts name is string {
  if (!isCookieToken(name)) {
    throw new TypeError(
      `${option} must be a valid cookie name: ASCII letters, digits and !#$%&'*+-.^_\`|~ only, no spaces or other characters (got ${show(name)})`,
    );
  }
  if (name.length + minValueOctets > MAX_COOKIE_OCTETS) {
    throw new TypeError(
      `${option} is too long: with the session's signed value the cookie would exceed ${MAX_COOKIE_OCTETS} octets, which browsers drop (got ${name.length} characters)`,
    );
  }
}

/**
 * Checks the rules of a `__Host-` or `__Secure-` name (RFC 6265bis §4.1.3) against the cookie
 * attributes: both need `Secure` (`secure: true` or `'auto'`; `'auto'` is Secure on every HTTPS
 * request), and `__Host-` also no `Domain` and `Path=/`. A browser silently drops a prefixed
 * cookie that breaks them, so this throws a `TypeError` that names the rule. `secureDefault` is
 * what an unset `secure` means (the native API: `'auto'`; express-session: not Secure).
 *
 * @example
 * checkPrefixRules('__Host-sid', { path: '/app' }); // TypeError: ... must have cookie.path '/'
 */
export function checkPrefixRules(name: string, cookie: CookieOptions, { option = 'name', secureDefault = 'auto' as CookieOptions['secure'] } = {}): void {
  const prefix = cookiePrefix(name);
  if (prefix === undefined) return;
  const secure = cookie.secure ?? secureDefault;
  if (secure !== true && secure !== 'auto') {
    throw new TypeError(`${option}: a ${prefix} cookie must be Secure; set cookie.secure to true or 'auto' (RFC 6265bis §4.1.3)`);
  }
  if (prefix !== '__Host-') return;
  if (cookie.domain !== undefined && cookie.domain !== null && cookie.domain !== '') {
    throw new TypeError(`${option}: a __Host- cookie must not have cookie.domain (it is pinned to the host that set it; RFC 6265bis §4.1.3.2)`);
  }
  if (cookie.path !== undefined && cookie.path !== '/') {
    throw new TypeError(`${option}: a __Host- cookie must have cookie.path '/' (got ${show(cookie.path)}; RFC 6265bis §4.1.3.2)`);
  }
}

/**
 * Checks one attribute value: a string of at most 1024 octets (UTF-8) without `;` or control
 * characters. Throws a `TypeError` naming `option`.
 *
 * @example
 * checkAttributeValue('cookie.path', '/app;Domain=evil.example'); // TypeError
 */
export function checkAttributeValue(option: string, value: unknown): asserts value is string {
  if (typeof value !== 'string') throw new TypeError(`${option} must be a string (got ${typeof value})`);
  if (ATTRIBUTE_FORBIDDEN.test(value)) {
    throw new TypeError(`${option} must not contain ';' or control characters (they would end or break the Set-Cookie attribute)`);
  }
  const octets = Buffer.byteLength(value, 'utf8');
  if (octets > MAX_ATTRIBUTE_OCTETS) {
    throw new TypeError(`${option} is ${octets} octets long; browsers ignore attribute values over ${MAX_ATTRIBUTE_OCTETS} (RFC 6265bis §5.6)`);
  }
}

/**
 * Checks the attributes of the cookie options that become `Set-Cookie` text: `path` starts
 * with `/` and is printable ASCII, `domain` is a host name, both pass `checkAttributeValue`, and `maxAge` gives a
 * representable `Expires` (at most `MAX_MAX_AGE`). Throws a `TypeError` naming the option.
 *
 * @example
 * checkCookieAttributes({ path: '/', domain: 'example.com' }); // ok
 */
export function checkCookieAttributes(cookie: CookieOptions): void {
  if (typeof cookie.maxAge === 'number' && cookie.maxAge > MAX_MAX_AGE) {
    throw new TypeError(`cookie.maxAge must be at most ${MAX_MAX_AGE} ms (browsers keep a cookie 400 days at most; got ${cookie.maxAge})`);
  }
  if (cookie.path !== undefined) {
    checkAttributeValue('cookie.path', cookie.path);
    if (!cookie.path.startsWith('/')) throw new TypeError(`cookie.path must be a string starting with '/' (got ${show(cookie.path)})`);
    if (!PATH.test(cookie.path)) throw new TypeError(`cookie.path must be printable ASCII; percent-encode other characters (got ${show(cookie.path)})`);
  }
  if (cookie.domain !== undefined) {
    checkAttributeValue('cookie.domain', cookie.domain);
    if (!DOMAIN.test(cookie.domain)) {
      throw new TypeError(`cookie.domain must be a host name such as 'example.com' (letters, digits, '-' and '.'; got ${show(cookie.domain)})`);
    }
  }
}

/**
 * Octets of the `name=value` pair of a serialised `Set-Cookie` header that count against the
 * 4096-octet limit (name + value, RFC 6265bis §5.6). The pair is ASCII once serialised.
 *
 * @example
 * nameValueOctets('sid=abc; Path=/'); // 6
 */
export function nameValueOctets(setCookie: string): number {
  const end = setCookie.indexOf(';');
  return (end === -1 ? setCookie.length : end) - 1;
}
