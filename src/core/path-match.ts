/**
 * Cookie path matching, RFC 6265 §5.1.4: whether a cookie with `Path=cookiePath` belongs to a
 * request for `requestPath` (so is sent with it). A plain prefix test is not a path match:
 * `/admin` must not match `/administrator`.
 *
 * @module
 */

/**
 * True when `requestPath` path-matches `cookiePath` (RFC 6265 §5.1.4): they are equal, or
 * `cookiePath` is a prefix of `requestPath` and either ends with `/` or is followed in
 * `requestPath` by a `/`.
 *
 * @example
 * pathMatches('/admin/x', '/admin'); // true
 * pathMatches('/administrator', '/admin'); // false
 */
export function pathMatches(requestPath: string, cookiePath: string): boolean {
  if (requestPath === cookiePath) return true;
  if (!requestPath.startsWith(cookiePath)) return false;
  return cookiePath.endsWith('/') || requestPath.charCodeAt(cookiePath.length) === 0x2f;
}
