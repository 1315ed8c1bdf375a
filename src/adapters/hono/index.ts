/**
 * `tessera/hono`: Hono 4 middleware on top of `tessera/web`. Every request gets its session as
 * `c.get('session')` (typed through `SessionEnv`), committed when the rest of the chain has
 * produced the response, before it leaves the middleware: `c.redirect`, `Response.redirect()`
 * and streamed bodies (`hono/streaming`, a `ReadableStream`) carry the session cookie, and the
 * store write is done before the first byte goes out.
 *
 * @example
 * import { Hono } from 'hono';
 * import { SessionManager } from 'tessera';
 * import { session, type SessionEnv } from 'tessera/hono';
 *
 * type Data = { views: number };
 * const app = new Hono<SessionEnv<Data>>();
 * app.use(session(new SessionManager<Data>({ secret: process.env.SESSION_SECRET! })));
 * app.get('/', (c) => {
 *   const s = c.get('session');
 *   s.views = (s.views ?? 0) + 1;
 *   return c.json({ views: s.views });
 * });
 *
 * @module
 */
import type { Context, MiddlewareHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { isTesseraError } from '../../core/errors.js';
import type { SessionManager, TypedSession } from '../../core/manager.js';
import type { SessionData } from '../../core/session.js';
import { webSessions, type WebSessionsOptions } from '../web/index.js';

export type { SessionManager, TypedSession } from '../../core/manager.js';

/** The context variable this middleware sets: `c.get('session')`. */
export type SessionVariables<T extends object = SessionData> = { session: TypedSession<T> };

/**
 * The Hono environment of an app using this middleware: `new Hono<SessionEnv<Data>>()`. Apps
 * with bindings or variables of their own add `SessionVariables<Data>` to their `Variables`.
 */
export type SessionEnv<T extends object = SessionData> = { Variables: SessionVariables<T> };

/** Options of the Hono `session` middleware. */
export interface HonoSessionOptions extends WebSessionsOptions {
  /**
   * The client's IP address for the device list, read from the context. Hono's request has
   * none; on Node: `(c) => getConnInfo(c).remote.address` with `getConnInfo` from
   * `@hono/node-server/conninfo` (or `hono/bun`, `hono/deno`). Default: none kept.
   */
  ip?: (c: Context) => string | undefined;
}

/**
 * Hono middleware giving every request `c.get('session')`, backed by `manager`.
 *
 * A store failure (`StoreError`) reaches Hono's error handling as an `HTTPException` with the
 * error's status (503; 500 for a value the store refused) and the `StoreError` as its `cause`:
 * Hono's default handler answers `503 Service Unavailable`, and `app.onError` sees it. Changes
 * made after the response left this middleware (inside a stream that is still running) are
 * not written: `await c.get('session').save()` writes them.
 *
 * @example
 * app.use(session(manager, { ip: (c) => getConnInfo(c).remote.address }));
 * app.post('/login', async (c) => {
 *   await c.get('session').login('u1'); // a new ID (no session fixation), stored before it resolves
 *   return c.redirect('/');
 * });
 */
export function session<T extends object = SessionData>(manager: SessionManager<T>, options: HonoSessionOptions = {}): MiddlewareHandler<SessionEnv<T>> {
  if (typeof manager !== 'object' || manager === null || typeof manager.loadSession !== 'function') {
    throw new TypeError('session(manager): manager must be a SessionManager from tessera');
  }
  const { ip, ...webOptions } = options;
  if (ip !== undefined && typeof ip !== 'function') throw new TypeError('ip must be a function (c) => string | undefined');
  const sessions = webSessions(manager, webOptions);
  return async function tesseraSession(c, next) {
    // Mounted twice (app-wide and on a route): the first one owns the session.
    if (c.get('session') !== undefined) return next();
    let current: TypedSession<T>;
    try {
      current = await sessions.load(c.req.raw, ip === undefined ? undefined : { ip: ip(c) });
    } catch (error) {
      throw httpError(error);
    }
    c.set('session', current);
    await next();
    let response: Response;
    try {
      response = await sessions.commit(current, c.res);
    } catch (error) {
      // The app's response must not go out (it would claim a session that was not stored), nor
      // lend its headers (a Location, its cookies) to the error response Hono makes instead:
      // Hono builds that one on the current response's headers, so they start empty. (Headers
      // middleware set before this one ran go too; those set after `next()` are set again.)
      c.res = undefined;
      c.res = new Response(null, { status: 500 });
      throw httpError(error);
    }
    if (response !== c.res) {
      // An immutable response was copied with the session's headers. Assigning over the old one
      // would merge its headers back in, and its Set-Cookie would replace the session's.
      c.res = undefined;
      c.res = response;
    }
  };
}

/** A Tessera error with an HTTP status (a `StoreError`) as Hono's `HTTPException`; anything else as it is. */
function httpError(error: unknown): unknown {
  if (!isTesseraError(error)) return error;
  const status = (error as { status?: unknown }).status;
  if (status !== 500 && status !== 503) return error;
  // The client gets the status text only; the store's message stays in `message` and `cause`.
  const res = new Response(status === 503 ? 'Service Unavailable' : 'Internal Server Error', { status });
  return new HTTPException(status, { message: error.message, cause: error, res });
}
