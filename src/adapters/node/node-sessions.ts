/**
 * `nodeSessions(manager)`: sessions for a bare `node:http` server. `load(req, res)` reads the
 * cookie, loads the session and holds `res` (see `commit-before-head.ts`), so the store write,
 * the `Set-Cookie` lines and the headers the core asks for go out before the response's head,
 * whichever way the app ends it. The adapter only translates; every session rule is the core's.
 *
 * @module
 */
import { STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import type { CommitResult } from '../../core/engine-types.js';
import { TesseraError } from '../../core/errors.js';
import type { SessionManager, TypedSession } from '../../core/manager.js';
import type { SessionData } from '../../core/session.js';
import { applyCommit } from './apply-commit.js';
import { commitBeforeHead } from './commit-before-head.js';
import { clientIp, isSecure } from './request-info.js';
import { varyOnCookie } from './vary.js';

/** Options of `nodeSessions`. */
export interface NodeSessionsOptions {
  /**
   * Trust `X-Forwarded-Proto` (HTTPS detection) and `X-Forwarded-For` (the device list's IP)
   * from a proxy in front of the server. Default `false`: only the socket counts
   * (`req.socket.encrypted`, `req.socket.remoteAddress`). Turn it on only behind a proxy that
   * sets these headers itself, or any client can claim HTTPS.
   */
  trustProxy?: boolean;
  /**
   * Answers a request whose session could not be committed (the store failed or timed out
   * while the response was held). `res` is still unsent, its headers back to what they were
   * before the app built its response, unless the head had already gone out (a streamed body
   * whose late changes failed to save): then only `res.destroy()` is left. It must end `res`.
   * Default: `503 Service Unavailable` for a `StoreError` (its `status`), else `500`, as plain
   * text; a response whose head went out is destroyed.
   */
  onError?: (error: unknown, req: IncomingMessage, res: ServerResponse) => void;
}

/** Sessions for one `node:http` app. */
export interface NodeSessions<T extends object = SessionData> {
  /**
   * Loads the session of `req` and holds `res` until it is committed. Calling it again for the
   * same response returns the same session. Rejects with a `StoreError` (`status` 503) when the
   * store fails while loading: catch it and answer, as with any error of an async handler.
   * Also rejects (`ERR_HEADERS_SENT`) when `res` already sent its head: load before answering.
   */
  load(req: IncomingMessage, res: ServerResponse): Promise<TypedSession<T>>;
}

/**
 * Sessions for a bare `node:http` server, backed by `manager`.
 *
 * @example
 * import { createServer } from 'node:http';
 * import { SessionManager } from 'tessera';
 * import { nodeSessions } from 'tessera/node';
 *
 * const sessions = nodeSessions(new SessionManager<{ views: number }>({ secret: process.env.SESSION_SECRET! }));
 * createServer(async (req, res) => {
 *   try {
 *     const session = await sessions.load(req, res);
 *     session.views = (session.views ?? 0) + 1;
 *     res.end(`${session.views} views`); // stored, and Set-Cookie sent, before the head goes out
 *   } catch {
 *     res.statusCode = 503; // the store is down
 *     res.end();
 *   }
 * }).listen(3000);
 */
export function nodeSessions<T extends object = SessionData>(manager: SessionManager<T>, options: NodeSessionsOptions = {}): NodeSessions<T> {
  if (typeof manager !== 'object' || manager === null || typeof manager.loadSession !== 'function') {
    throw new TypeError('nodeSessions(manager): manager must be a SessionManager from tessera');
  }
  const { trustProxy = false, onError = answerError } = options;
  if (typeof trustProxy !== 'boolean') throw new TypeError(`nodeSessions: trustProxy must be a boolean, got ${typeof trustProxy}`);
  if (typeof onError !== 'function') throw new TypeError('nodeSessions: onError must be a function (error, req, res) => void');
  // One load per response: a second `load` (a helper, a second middleware) gets the same session.
  const loads = new WeakMap<ServerResponse, Promise<TypedSession<T>>>();

  async function load(req: IncomingMessage, res: ServerResponse): Promise<TypedSession<T>> {
    if (res.headersSent) throw headersSent();
    const secure = isSecure(req, trustProxy);
    const { session, cookieName } = await manager.loadSession({ cookieHeader: req.headers.cookie, secure, request: req, userAgent: req.headers['user-agent'], ip: clientIp(req, trustProxy) });
    // The app may have answered while the store was read: the cookie could not go out any more.
    if (res.headersSent) throw headersSent();
    varyOnCookie(res);
    commitBeforeHead(
      res,
      (streamed) => {
        const result = manager.commitNow(session, streamed ? { secure, cookieName, streamed } : { secure, cookieName });
        return result instanceof Promise ? result.then((r) => withHeaders(res, r)) : withHeaders(res, result);
      },
      (error) => onError(error, req, res),
      () => manager.commitRemainder(session),
      // Once the response is done a later `load` rejects (its head went out), so the entry can
      // go: left to the garbage collector, it kept each response's session and request alive
      // through young collections (see `kRequest` in the core's session.ts for why).
      () => loads.delete(res),
    );
    return session;
  }

  return {
    load(req, res) {
      let pending = loads.get(res);
      if (pending === undefined) {
        pending = load(req, res);
        loads.set(res, pending);
      }
      return pending;
    },
  };
}

function headersSent(): TesseraError {
  return new TesseraError('ERR_HEADERS_SENT', 'sessions.load(req, res) was called after the response was sent: load the session before answering');
}

/** Puts the commit's headers and cookies on the held response: nothing is left for the hold to add. */
function withHeaders(res: ServerResponse, result: CommitResult): undefined {
  applyCommit(res, result);
  return undefined;
}

/** The default `onError`: the error's own status (503 for a `StoreError`) as plain text. */
function answerError(error: unknown, _req: IncomingMessage, res: ServerResponse): void {
  if (res.headersSent) {
    // A streamed body whose late changes could not be saved: the client must not take the
    // truncated response for a whole one.
    res.destroy();
    return;
  }
  const declared = (error as { status?: unknown } | null)?.status;
  const status = typeof declared === 'number' && declared >= 500 && declared <= 599 ? declared : 500;
  const body = STATUS_CODES[status] ?? 'Error';
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}
