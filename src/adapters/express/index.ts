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
 *   await req.session.regenerate(); // new ID at login: no session fixation
 *   req.session.userId = 'u1';
 *   res.redirect('/'); // the session is stored before the redirect leaves
 * });
 *
 * @module
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { SessionManager } from '../../core/manager.js';
import { commitBeforeHead } from '../node/commit-before-head.js';
import './request-types.js';

export type { SessionManager } from '../../core/manager.js';

/**
 * Express middleware that gives every request `req.session`, backed by `manager`.
 * The store write and the `Set-Cookie` header are committed before the response's status line
 * goes out (redirects and streamed responses included); a store failure goes to `next(err)`.
 * Responses carry `Vary: Cookie` so shared caches never serve one user's page to another.
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
    manager.loadSession({ cookieHeader: req.headers.cookie, secure, request: req }).then(
      ({ session, cookieName }) => {
        req.session = session;
        req.sessionStore = manager.store;
        Object.defineProperty(req, 'sessionID', { get: () => req.session?.id, configurable: true, enumerable: true });
        // Most responses carry no Vary yet: set it directly rather than through res.vary's parser.
        if (res.hasHeader('Vary')) res.vary('Cookie');
        else res.setHeader('Vary', 'Cookie');
        commitBeforeHead(
          res,
          () => {
            const current = req.session;
            if (!current) return undefined;
            const result = manager.commitNow(current, { secure, cookieName });
            return result instanceof Promise ? result.then((r) => r.setCookie) : result.setCookie;
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
