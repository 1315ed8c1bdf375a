/**
 * What the middleware reads from a request, exactly as express-session reads it: whether it is
 * secure (the `proxy` option), its original path, its cookie options, and its session ID
 * (the `Cookie` header, or cookie-parser's `req.signedCookies` / `req.cookies`).
 *
 * @module
 */
import type { Request } from 'express';
import type { TLSSocket } from 'node:tls';
import type { SessionEngine } from '../../core/engine.js';
import type { CookieOptions } from '../../core/session-cookie.js';
import type { Secret } from '../../core/signature.js';

/** What cookie-parser adds to a request. */
interface CookieParserFields {
  cookies?: Record<string, unknown>;
  signedCookies?: Record<string, unknown>;
  secret?: unknown;
}

/**
 * Whether the request is secure: a TLS socket always is; `proxy: false` trusts nothing else;
 * `proxy: true` trusts the first value of `X-Forwarded-Proto`; unset, Express's `req.secure`
 * (which follows its `trust proxy` setting).
 */
export function isSecureRequest(req: Request, proxy: boolean | undefined): boolean {
  if ((req.socket as TLSSocket | undefined)?.encrypted) return true;
  if (proxy === false) return false;
  if (proxy !== true) return req.secure === true;
  const header = req.headers['x-forwarded-proto'];
  const value = (Array.isArray(header) ? header[0] : header) ?? '';
  const comma = value.indexOf(',');
  return (comma === -1 ? value : value.slice(0, comma)).trim().toLowerCase() === 'https';
}

/** The path of the URL the request arrived with (before any `app.use('/x', ...)` mount stripped it). */
export function originalPathname(req: Request): string {
  const url = req.originalUrl || req.url || '/';
  if (url.startsWith('/')) {
    const end = url.search(/[?#]/);
    return end === -1 ? url : url.slice(0, end);
  }
  try {
    return new URL(url).pathname || '/';
  } catch {
    return '/';
  }
}

/**
 * The cookie options for a session made by this request, with `'auto'` resolved the way
 * express-session resolves it when it creates a session: `secure: 'auto'` is Secure exactly
 * on secure requests, `sameSite: 'auto'` is `None` on secure requests and `Lax` otherwise.
 */
export function resolveCookieOptions(options: CookieOptions, secure: boolean): CookieOptions {
  if (options.secure !== 'auto' && options.sameSite !== 'auto') return options;
  const resolved: CookieOptions = { ...options };
  if (options.secure === 'auto') resolved.secure = secure;
  if (options.sameSite === 'auto') resolved.sameSite = secure ? 'none' : 'lax';
  return resolved;
}

/** The secrets for this request: the option's, else cookie-parser's `req.secret`. */
export function requestSecrets(req: Request, secrets: Secret[] | undefined): Secret[] | undefined {
  if (secrets !== undefined) return secrets;
  const secret = (req as CookieParserFields).secret;
  return (typeof secret === 'string' && secret !== '') || Buffer.isBuffer(secret) ? [secret] : undefined;
}

/**
 * The verified session IDs of the request, best first (empty for none). Looked for, in
 * express-session's order: signed values in the `Cookie` header; a value cookie-parser already
 * verified (`req.signedCookies`); a signed value in cookie-parser's `req.cookies`. An unsigned,
 * forged or oversized value anywhere is ignored, never an error.
 *
 * Unlike express-session, which reads only the first `name=` of the header, every value of the
 * name is verified, and the engine loads the first with a live session: a cookie planted by a
 * sibling subdomain ("cookie tossing") cannot hide the real one. A client that sends the cookie
 * once sees no difference.
 */
export function readSessionId(req: Request, name: string, secrets: readonly Secret[], engine: SessionEngine): string[] {
  const fromHeader = engine.readCookieCandidates(req.headers.cookie, name, secrets);
  if (fromHeader.length > 0) return fromHeader;
  const { signedCookies, cookies } = req as CookieParserFields;
  const verified = signedCookies?.[name];
  if (typeof verified === 'string' && verified !== '' && verified.length <= engine.config.maxCookieLength) return [verified];
  const raw = cookies?.[name];
  const id = typeof raw === 'string' ? engine.readSignedValue(raw, secrets) : undefined;
  return id === undefined ? [] : [id];
}
