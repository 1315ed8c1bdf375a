/**
 * Reads every value a `Cookie` header carries under one name. A browser sends a name more than
 * once when cookies of that name exist for several domains or paths, which is what a sibling
 * subdomain can arrange ("cookie tossing": it sets `sid` for `.example.com` or for a longer
 * path, and the browser sends it beside, often before, the real one). A parser that keeps only
 * the first value (the `cookie` package's `parse`, and so express-session) lets the planted
 * cookie hide the real one; the engine instead tries each value in order.
 *
 * Splitting and decoding are the `cookie` package's (pairs split at `;`, name and value trimmed
 * of spaces and tabs, pairs without `=` skipped, a value with `%` URL-decoded when it decodes),
 * so the first value read here is exactly what `parse(header)[name]` gives.
 *
 * @module
 */

/** Most values of one name read from a header; a longer run of them is cut (bounded work per request). */
export const MAX_VALUES_PER_NAME = 32;

/**
 * The values of the cookie `name` in `header`, in header order, decoded; at most `limit`.
 * Linear in the header's length, and never throws.
 *
 * @example
 * cookieValues('sid=planted; a=1; sid=real', 'sid'); // ['planted', 'real']
 */
export function cookieValues(header: string, name: string, limit = MAX_VALUES_PER_NAME): string[] {
  const values: string[] = [];
  const len = header.length;
  // The shortest pair is `a=` (the `cookie` package reads nothing from a shorter header).
  if (len < 2) return values;
  let start = 0;
  while (start < len && values.length < limit) {
    let end = header.indexOf(';', start);
    if (end === -1) end = len;
    const eq = header.indexOf('=', start);
    if (eq !== -1 && eq < end && sliceMatches(header, start, eq, name)) {
      values.push(decode(trimmed(header, eq + 1, end)));
    }
    // A pair without '=' in this segment is skipped, as the `cookie` package skips it. When the
    // next '=' lies beyond `end`, later segments find it again with their own indexOf: to keep
    // the scan linear, the search for '=' is only repeated once the scan has passed it.
    start = end + 1;
    if (eq === -1) break;
    if (eq >= end) start = skipTo(header, start, eq);
  }
  return values;
}

// Jumps over segments that end before `eq` (they hold no '='), so no '=' is searched twice.
function skipTo(header: string, start: number, eq: number): number {
  const lastSemicolon = header.lastIndexOf(';', eq - 1);
  return lastSemicolon + 1 > start ? lastSemicolon + 1 : start;
}

/** Whether `header[start, end)`, trimmed of spaces and tabs, equals `name`. */
function sliceMatches(header: string, start: number, end: number, name: string): boolean {
  let s = start;
  let e = end;
  while (s < e && isBlank(header.charCodeAt(s))) s++;
  while (e > s && isBlank(header.charCodeAt(e - 1))) e--;
  return e - s === name.length && header.startsWith(name, s);
}

function trimmed(header: string, start: number, end: number): string {
  let s = start;
  let e = end;
  while (s < e && isBlank(header.charCodeAt(s))) s++;
  while (e > s && isBlank(header.charCodeAt(e - 1))) e--;
  return header.slice(s, e);
}

function isBlank(code: number): boolean {
  return code === 0x20 || code === 0x09;
}

function decode(value: string): string {
  if (value.indexOf('%') === -1) return value;
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
