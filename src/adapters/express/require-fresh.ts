/**
 * `requireFresh(maxAge)`: sudo mode for Express routes. A sensitive action (changing the email
 * or password, deleting the account) runs only when the user authenticated recently; otherwise
 * the request is answered (or handed to your handler, typically a password prompt).
 *
 * @module
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { checkMaxAge, isFresh } from '../../core/login.js';
import { Session } from '../../core/session.js';
import type { Duration } from '../../core/duration.js';

/** Options of `requireFresh`. */
export interface RequireFreshOptions {
  /**
   * Status of the answer to a request whose last authentication is older than `maxAge` (or
   * missing). Default `401`: the client can fix it by authenticating again (a 403 says that
   * would not help). Ignored with `handler`.
   */
  status?: number;
  /** Called instead of answering, e.g. to redirect to a password prompt. */
  handler?: (req: Request, res: Response, next: NextFunction) => void;
}

/**
 * Express middleware that lets the request through only when its session's user authenticated
 * (`session.login`, `session.reauthenticated`) less than `maxAge` ms ago; otherwise it answers
 * `status` (default 401, body `Reauthentication required`) or calls `options.handler`. Works
 * with `tessera/express` and with the drop-in (`tessera/express-session`, logged in through its
 * `login` helper). Mount it after the session middleware; without a session it fails the request
 * with an error rather than let the action run.
 *
 * @example
 * app.post('/account/email', requireFresh(10 * 60_000, { handler: (req, res) => res.redirect('/confirm-password') }), changeEmail);
 */
export function requireFresh(maxAge: Duration, options: RequireFreshOptions = {}): RequestHandler {
  const ms = checkMaxAge('requireFresh', maxAge);
  if (typeof options !== 'object' || options === null) throw new TypeError('requireFresh(maxAge, options): options must be an object such as { status: 403 }');
  const { status = 401, handler } = options;
  if (!Number.isInteger(status) || status < 400 || status > 599) {
    throw new TypeError(`requireFresh: status must be an HTTP error status (400-599), got ${String(status)}`);
  }
  if (handler !== undefined && typeof handler !== 'function') throw new TypeError('requireFresh: handler must be a function (req, res, next)');
  return function tesseraRequireFresh(req: Request, res: Response, next: NextFunction): void {
    const session: unknown = req.session;
    if (!(session instanceof Session)) {
      next(new Error('requireFresh: req.session is not a Tessera session; mount the session middleware before requireFresh'));
      return;
    }
    if (isFresh(session, ms)) {
      next();
      return;
    }
    if (handler !== undefined) {
      handler(req, res, next);
      return;
    }
    res.status(status).type('text/plain').send('Reauthentication required');
  };
}
