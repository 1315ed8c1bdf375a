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
import { countEvent } from './metrics.js';
import { touchDue, touchSession, writeSession } from './persist.js';
import { SessionCookie } from './session-cookie.js';
import { kState, sessionData, type Session } from './session.js';
import type { CommitContext, CommitHeader, CommitResult } from './engine-types.js';
import type { SessionEngine } from './engine.js';

/**
 * Commits a session: synchronously when the store has nothing to do (the common read-only
 * request), a Promise otherwise. See `SessionEngine.commitNow`. A `login` still in flight (the
 * app did not await it) is waited for, and its failure fails the commit: the response must not
 * claim a login that was never stored.
 */
export function commitSession(engine: SessionEngine, session: Session, ctx: CommitContext): CommitResult | Promise<CommitResult> {
  const state = session[kState];
  state.committed = true;
  const pending = state.loginPending;
  if (pending !== undefined) return pending.then(() => decideAndWrite(engine, session, ctx));
  return decideAndWrite(engine, session, ctx);
}

function decideAndWrite(engine: SessionEngine, session: Session, ctx: CommitContext): CommitResult | Promise<CommitResult> {
  const state = session[kState];
  const config = engine.config;
  if (state.destroyed) {
    // Destroyed by another request, not this one (`merge.ts`): no cookie, not even a clearing
    // one, as below.
    const clear = config.clearCookieOnDestroy && state.superseded !== true && (state.cookieId !== undefined || state.staleCookie === true);
    if (!clear) return { setCookie: undefined, stored: 'none' };
    return withHeaders(engine, { setCookie: clearingCookie(engine, session, ctx), stored: 'none' }, config.clearSiteData);
  }
  const now = config.clock();
  session.cookie.resetMaxAge(now);
  const dataJson = dataToJson(sessionData(session));
  const hash = fingerprint(dataJson, state.userKey, state.authenticatedAt);
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
    // A Secure cookie is never sent over plain HTTP (the browser would drop it anyway), and
    // none to a request that came through a renewal forward (a cookie for the old ID would
    // undo the rotation).
    const send = decision.sendCookie && state.forwarded !== true && !(session.cookie.secure === true && !ctx.secure);
    if (send) return withHeaders(engine, { setCookie: sessionCookieHeader(engine, session, ctx), stored });
    // The client sent a cookie that leads nowhere (forged, stale, unknown): delete it, or it
    // comes back on every request (and loops a login redirect after a secret change).
    if (state.staleCookie === true) return withHeaders(engine, { setCookie: clearingCookie(engine, session, ctx), stored });
    return { setCookie: undefined, stored };
  };
  // A write dropped because another request destroyed the session since this one loaded it
  // (`merge.ts`): no cookie. Not even a clearing one: the browser may already hold the cookie
  // of the session that replaced it (a login in another tab), which it would delete.
  if (decision.save) return writeSession(engine, session, dataJson, now).then((written) => (written ? finish('saved') : { setCookie: undefined, stored: 'none' }));
  const metrics = config.metrics;
  // An existing session nothing changed in: dirty tracking saved a write (a touch may follow).
  if (!isNew) countEvent(metrics, 'write_skipped');
  if (decision.touch) {
    if (touchDue(engine, session, now)) return touchSession(engine, session, dataJson, now).then(() => finish('touched'));
    countEvent(metrics, 'touch_throttled');
  }
  return finish('none');
}

/**
 * Adds the headers a response that sets or clears the session cookie carries: `Clear-Site-Data`
 * at logout (OWASP: the browser drops what the session left behind), and `Cache-Control:
 * no-store` unless the app chose its own (a shared cache must never keep a response that hands
 * out or revokes a session).
 */
function withHeaders(engine: SessionEngine, result: CommitResult, clearSiteData?: string): CommitResult {
  const headers: CommitHeader[] = [];
  if (clearSiteData !== undefined) headers.push({ name: 'Clear-Site-Data', value: clearSiteData });
  if (engine.config.noStore === true) headers.push({ name: 'Cache-Control', value: 'no-store', ifAbsent: true });
  if (headers.length > 0) result.headers = headers;
  return result;
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
  if (fingerprint(dataJson, state.userKey, state.authenticatedAt) === state.savedHash) return;
  await writeSession(engine, session, dataJson, engine.config.clock());
}

/** The `Set-Cookie` value carrying the session's signed ID. */
function sessionCookieHeader(engine: SessionEngine, session: Session, ctx: CommitContext): string {
  const secret = (ctx.secrets ?? engine.config.secrets)?.[0];
  if (secret === undefined) throw new TesseraError('ERR_SECRET_MISSING', 'secret option required for sessions');
  let header: string;
  try {
    header = session.cookie.serialize(ctx.cookieName, engine.memos.signedId(session.id, secret), ctx.secure);
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
