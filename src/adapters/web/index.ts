/**
 * `tessera/web`: sessions for code built on the Fetch API's `Request` and `Response` (Next.js
 * route handlers and middleware, Bun, Deno, Cloudflare-style handlers, Hono). Loads nothing
 * Node-only beyond `node:crypto` and `node:events` (no `node:http`, no framework).
 *
 * @example
 * import { SessionManager } from 'tessera';
 * import { webSessions } from 'tessera/web';
 *
 * const sessions = webSessions(new SessionManager<{ views: number }>({ secret: process.env.SESSION_SECRET! }));
 *
 * export async function GET(request: Request): Promise<Response> {
 *   const session = await sessions.load(request);
 *   session.views = (session.views ?? 0) + 1;
 *   return sessions.commit(session, Response.json({ views: session.views }));
 * }
 *
 * @module
 */
import type { CommitResult } from '../../core/engine-types.js';
import type { SessionManager, TypedSession } from '../../core/manager.js';
import type { Session, SessionData } from '../../core/session.js';
import { sessionHeaderList, withSessionHeaders, type SessionHeader } from './response-headers.js';

export type { SessionManager, TypedSession } from '../../core/manager.js';
export type { SessionHeader } from './response-headers.js';

/** Options of `webSessions`. */
export interface WebSessionsOptions {
  /**
   * Take the request's scheme from the leftmost `X-Forwarded-Proto` value when there is one
   * (`https` means HTTPS), instead of from the request URL. Default `false`: the header is
   * never trusted, since any client can send it. Turn it on only when every request reaches the
   * app through a proxy that sets this header itself (a TLS-terminating load balancer).
   */
  trustForwardedProto?: boolean;
}

/** Per-request facts `load` cannot read from a `Request`. */
export interface WebLoadOptions {
  /**
   * The client's IP address, for the device list (a `Request` carries none: take it from the
   * runtime, e.g. Bun's `server.requestIP(request)`, Deno's `info.remoteAddr`, or a header your
   * proxy sets). Kept as the manager's `devices.ip` option says.
   */
  ip?: string | undefined;
}

/** Sessions over `Request`/`Response`: `load` at the start of a request, `commit` (or `headers`) at its end. */
export interface WebSessions<T extends object = SessionData> {
  /** The manager behind these sessions. */
  readonly manager: SessionManager<T>;
  /**
   * The request's session: the stored one its cookie names, or a new one. A missing, forged,
   * malformed or oversized cookie means a new session, never an error. Rejects only with a
   * `StoreError` (`status` 503) when the store fails or times out.
   */
  load(request: Request, options?: WebLoadOptions): Promise<TypedSession<T>>;
  /**
   * Writes what the request changed to the store and returns `response` carrying the session's
   * `Set-Cookie` lines (appended to the app's own), the headers the manager asks for
   * (`Cache-Control: no-store` unless the response has one, `Clear-Site-Data` at logout) and
   * `Vary: Cookie`. A response with immutable headers (`Response.redirect()`, a `fetch` result)
   * is copied and the copy returned, so always send the returned one. Rejects with a
   * `StoreError` when the store write fails: answer 503 (`error.status`) instead.
   * Changes made to the session after this (for example while a streamed body is still being
   * produced) are not written: `await session.save()` writes them.
   */
  commit(session: Session, response: Response): Promise<Response>;
  /**
   * The same commit as `commit` (the store is written once, whichever of the two is called and
   * how often), as `[name, value]` pairs to put on a response yourself: every `set-cookie` line,
   * then `cache-control: no-store` / `clear-site-data` when the manager asks for them, then
   * `vary: Cookie`. Append each pair (`headers.append(name, value)`), or pass the list as
   * `HeadersInit`; a `Cache-Control` of your own replaces the `no-store` when set after.
   */
  headers(session: Session): Promise<SessionHeader[]>;
}

/** What `load` remembers of a request for its commit. */
interface Loaded {
  secure: boolean;
  cookieName: string;
  result?: Promise<CommitResult>;
}

/**
 * Sessions for Fetch API handlers, backed by `manager`.
 *
 * @example
 * const sessions = webSessions(manager);
 * const session = await sessions.load(request, { ip: server.requestIP(request)?.address });
 * return sessions.commit(session, new Response('ok'));
 */
export function webSessions<T extends object = SessionData>(manager: SessionManager<T>, options: WebSessionsOptions = {}): WebSessions<T> {
  if (typeof manager !== 'object' || manager === null || typeof manager.loadSession !== 'function') {
    throw new TypeError('webSessions(manager): manager must be a SessionManager from tessera');
  }
  if (typeof options !== 'object' || options === null) throw new TypeError('webSessions(manager, options): options must be an object');
  const trustForwardedProto = options.trustForwardedProto ?? false;
  if (typeof trustForwardedProto !== 'boolean') throw new TypeError('trustForwardedProto must be a boolean');
  // Keyed by the session object: nothing is added to the app's Request or Response.
  const loaded = new WeakMap<Session, Loaded>();

  const commitOnce = (session: Session): Promise<CommitResult> => {
    const entry = loaded.get(session);
    if (entry === undefined) throw new TypeError('commit(session): this session was not loaded by this webSessions(manager)');
    entry.result ??= (async () => manager.commitNow(session, entry))();
    return entry.result;
  };

  return {
    manager,
    async load(request, loadOptions) {
      const headers = (request as Partial<Request> | undefined)?.headers;
      if (typeof headers?.get !== 'function' || typeof request.url !== 'string') {
        throw new TypeError('load(request): request must be a Fetch API Request (for node:http, use tessera/express or tessera/node)');
      }
      const secure = isHttps(request, trustForwardedProto);
      const { session, cookieName } = await manager.loadSession({
        cookieHeader: headers.get('cookie') ?? undefined,
        secure,
        request,
        // Only the device list keeps the user agent: no header lookup without it.
        userAgent: manager.config.devices === undefined ? undefined : (headers.get('user-agent') ?? undefined),
        ip: loadOptions?.ip,
      });
      loaded.set(session, { secure, cookieName });
      return session;
    },
    async commit(session, response) {
      return withSessionHeaders(response, await commitOnce(session));
    },
    async headers(session) {
      return sessionHeaderList(await commitOnce(session));
    },
  };
}

/** Whether the request came over HTTPS: its URL's scheme, or a trusted proxy's `X-Forwarded-Proto`. */
function isHttps(request: Request, trustForwardedProto: boolean): boolean {
  if (trustForwardedProto) {
    const proto = request.headers.get('x-forwarded-proto');
    // Leftmost value, as Express reads it behind `trust proxy`: the proxy nearest the client.
    if (proto !== null) return (proto.split(',', 1)[0] ?? '').trim().toLowerCase() === 'https';
  }
  // A Request's URL is absolute and its scheme serialised in lower case.
  return request.url.startsWith('https:');
}
