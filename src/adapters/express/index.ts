/**
 * `tessera/express`: the native Express middleware, secure by default.
 *
 * @example
 * import express from 'express';
 * import { SessionManager } from 'tessera';
 * import { session } from 'tessera/express';
 *
 * const app = express();
 * app.use(session(new SessionManager({ secret: process.env.SESSION_SECRET! })));
 * app.post('/login', async (req, res) => {
 *   await req.session.login('u1'); // new ID (no session fixation), stored before it resolves
 *   res.redirect('/');
 * });
 * app.post('/account/delete', requireFresh(5 * 60_000), (req, res) => { ... }); // sudo mode
 * app.post('/logout', async (req, res) => {
 *   await req.session.destroy(); // + Clear-Site-Data: "cookies" and a cookie-deleting Set-Cookie
 *   res.redirect('/');
 * });
 *
 * @module
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { SessionManager } from '../../core/manager.js';
import type { CommitResult } from '../../core/engine-types.js';
import { setCookieLines } from '../../core/set-cookie-lines.js';
import { applyCommitHeaders } from '../node/apply-commit.js';
import { commitBeforeHead } from '../node/commit-before-head.js';
import './request-types.js';

export type { SessionManager } from '../../core/manager.js';
export { requireFresh, type RequireFreshOptions } from './require-fresh.js';

/**
 * Express middleware that gives every request `req.session`, backed by `manager`.
 * The store write and the `Set-Cookie` header are committed before the response's status line
 * goes out (redirects and streamed responses included); a store failure goes to `next(err)`.
 * Responses carry `Vary: Cookie` so shared caches never serve one user's page to another, and
 * one that sets or clears the session cookie carries the headers the manager asks for
 * (`Cache-Control: no-store` unless the app set its own; `Clear-Site-Data` at logout).
 */
export function session(manager: SessionManager<object>): RequestHandler {
  if (typeof manager !== 'object' || manager === null || typeof manager.loadSession !== 'function') {
    throw new TypeError('session(manager): manager must be a SessionManager from tessera');
  }
  return function tesseraSession(req: Request, res: Response, next: NextFunction): void {
    if (req.session) {
      next();
      return;
    }
    const secure = req.secure;
    manager.loadSession({ cookieHeader: req.headers.cookie, secure, request: req, userAgent: req.headers['user-agent'], ip: req.ip }).then(
      ({ session, cookieName }) => {
        req.session = session;
        req.sessionStore = manager.store;
        Object.defineProperty(req, 'sessionID', { get: () => req.session?.id, configurable: true, enumerable: true });
        // Most responses carry no Vary yet: set it directly rather than through res.vary's parser.
        if (res.hasHeader('Vary')) res.vary('Cookie');
        else res.setHeader('Vary', 'Cookie');
        commitBeforeHead(
          res,
          (streamed) => {
            const current = req.session;
            if (!current) return undefined;
            const result = manager.commitNow(current, streamed ? { secure, cookieName, streamed } : { secure, cookieName });
            return result instanceof Promise ? result.then((r) => withHeaders(res, r)) : withHeaders(res, result);
          },
          next,
          async () => {
            if (req.session) await manager.commitRemainder(req.session);
          },
        );
        next();
      },
      next,
    );
  };
}

/**
 * Sets the headers the core asked for (`Clear-Site-Data`, `Cache-Control: no-store` unless the
 * app set one) on the held response, before its head goes out, and hands back every cookie
 * (`setCookieLines`: the session cookie, then the cookie cache's).
 */
function withHeaders(res: Response, result: CommitResult): string | string[] | undefined {
  try {
    applyCommitHeaders(res, result);
  } catch (error) {
    // Code that bypassed the session middleware already wrote the head: the hold reports that.
    if ((error as { code?: unknown }).code !== 'ERR_HTTP_HEADERS_SENT') throw error;
  }
  // The common case, one cookie or none, without building a list.
  return result.extraSetCookies === undefined ? result.setCookie : setCookieLines(result);
}
