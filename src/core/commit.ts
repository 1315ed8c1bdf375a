/**
 * The end of a request for one session: apply the commit policy (`commit-policy.ts`), write or
 * touch the store (`persist.ts`), and say which `Set-Cookie` the response carries.
 *
 * @module
 */
import { dataToJson } from './codec.js';
import { MAX_COOKIE_OCTETS, nameValueOctets } from './cookie-rules.js';
import { decideCommit } from './commit-policy.js';
import { TesseraError } from './errors.js';
import { fingerprint } from './fingerprint.js';
import { touchDue, touchSession, writeSession } from './persist.js';
import { SessionCookie } from './session-cookie.js';
import { kState, sessionData, type Session } from './session.js';
import { signId } from './signature.js';
import type { CommitContext, CommitResult } from './engine-types.js';
import type { SessionEngine } from './engine.js';

/**
 * Commits a session: synchronously when the store has nothing to do (the common read-only
 * request), a Promise otherwise. See `SessionEngine.commitNow`.
 */
export function commitSession(engine: SessionEngine, session: Session, ctx: CommitContext): CommitResult | Promise<CommitResult> {
  const state = session[kState];
  const config = engine.config;
  if (state.destroyed) {
    const clear = config.clearCookieOnDestroy && state.cookieId !== undefined;
    return { setCookie: clear ? clearingCookie(engine, session, ctx) : undefined, stored: 'none' };
  }
  const now = config.clock();
  session.cookie.resetMaxAge(now);
  const dataJson = dataToJson(sessionData(session));
  const hash = fingerprint(dataJson, state.userKey);
  const isNew = state.cookieId !== state.id;
  const decision = decideCommit(config, {
    isNew,
    modified: state.id !== state.originalId || hash !== state.originalHash,
    // `regenerate` clears savedHash, so a hash match means "written under this very ID".
    alreadySaved: state.savedHash === hash,
    everSaved: state.savedHash !== undefined,
    hasExpiry: session.cookie.expires !== null,
  });
  const finish = (stored: CommitResult['stored']): CommitResult => {
    // Reached through a renewal forward: a cookie for the old ID would undo the rotation.
    if (!decision.sendCookie || state.forwarded === true) return { setCookie: undefined, stored };
    // A Secure cookie is never sent over plain HTTP (the browser would drop it anyway).
    if (session.cookie.secure === true && !ctx.secure) return { setCookie: undefined, stored };
    return { setCookie: sessionCookieHeader(engine, session, ctx), stored };
  };
  if (decision.save) return writeSession(engine, session, dataJson, now).then(() => finish('saved'));
  if (decision.touch && touchDue(engine, session, now)) {
    return touchSession(engine, session, dataJson, now).then(() => finish('touched'));
  }
  return finish('none');
}

/**
 * For a response whose head went out before it ended (a streamed body): writes what the
 * request changed after `commit`, so late changes are not lost. No cookie can be sent any
 * more, so a session that was never stored (the client has no cookie for it) is left alone,
 * and nothing is touched twice.
 */
export async function commitRemainder(engine: SessionEngine, session: Session): Promise<void> {
  const state = session[kState];
  if (state.destroyed || state.savedHash === undefined) return;
  const dataJson = dataToJson(sessionData(session));
  if (fingerprint(dataJson, state.userKey) === state.savedHash) return;
  await writeSession(engine, session, dataJson, engine.config.clock());
}

/** The `Set-Cookie` value carrying the session's signed ID. */
function sessionCookieHeader(engine: SessionEngine, session: Session, ctx: CommitContext): string {
  const secret = (ctx.secrets ?? engine.config.secrets)?.[0];
  if (secret === undefined) throw new TesseraError('ERR_SECRET_MISSING', 'secret option required for sessions');
  let header: string;
  try {
    header = session.cookie.serialize(ctx.cookieName, signId(session.id, secret), ctx.secure);
  } catch (cause) {
    throw new TesseraError('ERR_COOKIE_SERIALIZE', (cause as Error).message, { cause });
  }
  // RFC 6265bis §5.6: a browser drops a cookie whose name + value exceed 4096 octets, and the
  // session would be lost without a word; refuse to send it instead.
  const octets = nameValueOctets(header);
  if (octets > MAX_COOKIE_OCTETS) {
    throw new TesseraError(
      'ERR_COOKIE_TOO_LARGE',
      `the session cookie ${JSON.stringify(ctx.cookieName)} would be ${octets} octets (name + value), over the ${MAX_COOKIE_OCTETS} browsers keep: use a shorter name or shorter session IDs (genid)`,
    );
  }
  return header;
}

/** A `Set-Cookie` value that deletes the browser's session cookie (same attributes, expired, empty). */
export function clearingCookie(engine: SessionEngine, session: Session, ctx: { secure: boolean; cookieName: string }): string {
  const cookie = new SessionCookie({ ...session.cookie.data, maxAge: null, expires: new Date(0) }, engine.config.clock);
  cookie.expires = new Date(0);
  return cookie.serialize(ctx.cookieName, '', ctx.secure);
}
