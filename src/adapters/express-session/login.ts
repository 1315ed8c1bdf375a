/**
 * Login and sudo mode for the drop-in, as functions rather than methods: express-session's
 * sessions have no `login`, `isFresh` or `reauthenticated`, and a stored data key of one of
 * those names must keep loading as data. So the drop-in's `req.session` gains nothing; an app
 * that wants the feature imports these (no option to turn on, nothing shadowed).
 *
 * @example
 * const session = require('tessera/express-session');
 * app.post('/login', async (req, res) => {
 *   await session.login(req.session, user.id);
 *   res.redirect('/');
 * });
 *
 * @module
 */
import { isFresh as coreIsFresh, markReauthenticated, type LoginOptions } from '../../core/login.js';
import { kState, Session as CoreSession, type SessionCallback } from '../../core/session.js';
import { settleExpress } from './errors.js';
import type { Duration } from '../../core/duration.js';

export type { LoginOptions } from '../../core/login.js';

function sessionOf(session: unknown, where: string): CoreSession {
  if (!(session instanceof CoreSession)) {
    throw new TypeError(`${where}: pass req.session, a session of tessera/express-session (got ${session === undefined ? 'undefined: was it destroyed, or is the middleware not mounted?' : typeof session})`);
  }
  return session;
}

/**
 * Logs `req.session` in as `userId`, as the native `session.login` does: a new session ID (the
 * old record deleted: no session fixation), `userKey` and the authentication time recorded,
 * stored before it resolves. The same object stays `req.session` (its data emptied unless
 * `{ keep: true }`); `req.sessionID` follows the new ID. Callback or Promise.
 * Errors: `TypeError` for a bad `userId`; `TesseraError` `ERR_HEADERS_SENT` once the response
 * is being sent, `ERR_LOGIN_TWICE` on a second call in one request; the store's error if the
 * write fails.
 */
export function login(session: unknown, userId: string | number, options?: LoginOptions): Promise<void>;
export function login(session: unknown, userId: string | number, callback: SessionCallback): void;
export function login(session: unknown, userId: string | number, options: LoginOptions, callback: SessionCallback): void;
export function login(session: unknown, userId: string | number, a?: LoginOptions | SessionCallback, b?: SessionCallback): Promise<void> | undefined {
  const options = typeof a === 'function' ? {} : (a ?? {});
  const callback = typeof a === 'function' ? a : b;
  let run: Promise<void>;
  try {
    const target = sessionOf(session, 'login(session, userId)');
    run = target[kState].engine.login(target, userId, options);
  } catch (error) {
    run = Promise.reject(error);
  }
  return settleExpress(run, callback);
}

/**
 * Sudo mode: true when the session's user authenticated (`login`, `reauthenticated`) less than
 * `maxAge` ms ago; false when longer ago or never.
 */
export function isFresh(session: unknown, maxAge: Duration): boolean {
  return coreIsFresh(sessionOf(session, 'isFresh(session, maxAge)'), maxAge);
}

/** Records a new authentication time for the session (stored at the end of the request). */
export function reauthenticated(session: unknown): void {
  markReauthenticated(sessionOf(session, 'reauthenticated(session)'));
}

/** When the session's user last authenticated (ms since the epoch), or `undefined` if never. */
export function authenticatedAt(session: unknown): number | undefined {
  return sessionOf(session, 'authenticatedAt(session)')[kState].authenticatedAt;
}
