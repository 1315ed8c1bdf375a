/**
 * Puts a commit's headers on a Fetch API `Response`: the `Set-Cookie` lines appended (never
 * replacing the app's own cookies), the headers the core asks for, and `Vary: Cookie`.
 *
 * @module
 */
import type { CommitResult } from '../../core/engine-types.js';
import { setCookieLines } from '../../core/set-cookie-lines.js';

/** One response header as a `[name, value]` pair (lower-case name), usable as `HeadersInit`. */
export type SessionHeader = [name: string, value: string];

/**
 * The headers a commit asks for, in the order they are applied: each `set-cookie` line, then
 * the core's headers (`cache-control: no-store` with a cookie, `clear-site-data` at logout),
 * then `vary: Cookie` (always: the response depends on the session cookie, so a shared cache
 * must not serve it to another visitor).
 */
export function sessionHeaderList(result: CommitResult): SessionHeader[] {
  const list: SessionHeader[] = setCookieLines(result).map((line) => ['set-cookie', line]);
  if (result.headers !== undefined) for (const { name, value } of result.headers) list.push([name.toLowerCase(), value]);
  list.push(['vary', 'Cookie']);
  return list;
}

/**
 * `response` with the commit's headers. Its own headers are changed in place when they can be;
 * a response whose headers are immutable (`Response.redirect()`, one returned by `fetch`) is
 * copied (same status, headers and body stream) and the copy is returned.
 */
export function withSessionHeaders(response: Response, result: CommitResult): Response {
  try {
    applyTo(response.headers, result);
    return response;
  } catch (error) {
    // The Fetch standard's "immutable" header guard throws a TypeError at the first change, so
    // nothing was changed yet: copy the response and apply everything to the copy.
    if (!(error instanceof TypeError)) throw error;
    const copy = new Response(response.body, response);
    applyTo(copy.headers, result);
    return copy;
  }
}

function applyTo(headers: Headers, result: CommitResult): void {
  addVaryCookie(headers);
  for (const line of setCookieLines(result)) headers.append('set-cookie', line);
  if (result.headers === undefined) return;
  for (const { name, value, ifAbsent } of result.headers) {
    // The app's own Cache-Control wins (`ifAbsent`); Clear-Site-Data is the core's to set.
    if (ifAbsent === true && headers.has(name)) continue;
    headers.set(name, value);
  }
}

/** Adds `Cookie` to the `Vary` header unless it is already listed (or the response varies on `*`). */
function addVaryCookie(headers: Headers): void {
  const vary = headers.get('vary');
  if (vary === null) {
    headers.set('vary', 'Cookie');
    return;
  }
  for (const field of vary.split(',')) {
    const name = field.trim().toLowerCase();
    if (name === 'cookie' || name === '*') return;
  }
  headers.append('vary', 'Cookie');
}
