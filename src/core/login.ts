/**
 * Login and sudo mode: `login` rotates the session ID, records who signed in and when, and
 * stores the result before it resolves; `isFresh` and `reauthenticated` are the check and the
 * renewal sensitive actions need (OWASP Session Management: reauthenticate before high-risk
 * actions; NIST SP 800-63B-4 §2.2.3: reauthentication at AAL2/AAL3).
 *
 * @module
 */
import { dataToJson } from './codec.js';
import { parseDuration, type Duration } from './duration.js';
import { TesseraError } from './errors.js';
import { writeSession } from './persist.js';
import { kState, sessionData, type Session } from './session.js';
import type { SessionEngine } from './engine.js';

/** Options of `login`. */
export interface LoginOptions {
  /**
   * Keep the session's data under the new ID (default `false`: the logged-in session starts
   * empty, as passport 0.6+ does without `keepSessionInfo`, so nothing an anonymous visitor or
   * an attacker who planted the session put there carries over). Keep it for, say, a cart.
   */
  keep?: boolean;
}

/** The user key a `userId` becomes, or a `TypeError` for one that cannot identify a user. */
export function userKeyOf(userId: unknown): string {
  if (typeof userId === 'string' && userId !== '') return userId;
  if (typeof userId === 'number' && Number.isFinite(userId)) return String(userId);
  const shown = typeof userId === 'string' ? 'an empty string' : typeof userId === 'number' ? String(userId) : typeof userId;
  throw new TypeError(`login(userId): userId must be a non-empty string or a finite number (got ${shown})`);
}

/**
 * Logs the session in as `userId`: a new ID (the old record deleted first, so a fixated or
 * stolen pre-login ID is dead), `userKey` and `authenticatedAt` set, and the record written
 * under the new ID before the returned Promise resolves. The end of the request then only sends
 * the cookie (and writes again only if the app changes the session afterwards).
 *
 * Refused, with nothing changed, when the session was destroyed in this request
 * (`ERR_SESSION_DESTROYED`: `login` already drops the old session, no `destroy` needed), when
 * its response is already being committed (`ERR_HEADERS_SENT`: the client would never get
 * the new cookie, and the old session would be gone), and when `login` already ran in this
 * request (`ERR_LOGIN_TWICE`: the second would silently replace the first).
 */
export async function loginSession(engine: SessionEngine, session: Session, userId: unknown, options: LoginOptions = {}): Promise<void> {
  const state = session[kState];
  const userKey = userKeyOf(userId);
  if (typeof options !== 'object' || options === null) throw new TypeError('login(userId, options): options must be an object such as { keep: true }');
  if (state.destroyed) {
    throw new TesseraError('ERR_SESSION_DESTROYED', 'cannot log in a destroyed session: login() already replaces the old session, call it without destroy()');
  }
  if (state.committed === true) {
    throw new TesseraError('ERR_HEADERS_SENT', 'cannot log in after the response was sent: the new session cookie could not reach the client (await login() before responding)');
  }
  if (state.loginPending !== undefined || state.loggedIn === true) {
    throw new TesseraError('ERR_LOGIN_TWICE', 'login() was already called in this request: a second one would replace the first session it stored');
  }
  const run = (async () => {
    await engine.regenerate(session, { keep: options.keep === true });
    state.userKey = userKey;
    state.epoch = undefined;
    state.authenticatedAt = engine.config.clock();
    await writeSession(engine, session, dataToJson(sessionData(session)), engine.config.clock());
  })();
  state.loginPending = run;
  try {
    await run;
    state.loggedIn = true;
  } finally {
    state.loginPending = undefined;
  }
}

/** A `maxAge` for `isFresh` / `requireFresh` in milliseconds: a duration (`300_000`, `'5m'`), else a `TypeError`. */
export function checkMaxAge(where: string, maxAge: unknown): number {
  return parseDuration(maxAge, `${where}: maxAge`);
}

/**
 * True when the session's user authenticated (`login`, `reauthenticated`) less than `maxAge`
 * ms ago by the engine's clock; false when longer ago or never.
 */
export function isFresh(session: Session, maxAge: Duration): boolean {
  const ms = checkMaxAge('isFresh', maxAge);
  const state = session[kState];
  const at = state.authenticatedAt;
  return at !== undefined && !state.destroyed && state.engine.config.clock() - at < ms;
}

/**
 * Records a new authentication time without a new login (the user just re-entered a password
 * or passed a second factor). Stored at the end of the request, as any change.
 */
export function markReauthenticated(session: Session): void {
  const state = session[kState];
  if (state.destroyed) throw new TesseraError('ERR_SESSION_DESTROYED', 'cannot reauthenticate a destroyed session');
  state.authenticatedAt = state.engine.config.clock();
}
