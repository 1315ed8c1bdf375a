/**
 * Renewal (`lifetime.renew`): once a session's ID is older than the period, the load that sees
 * it moves the session to a new ID, keeping its data, `createdAt` and `authenticatedAt`, and
 * the response carries the new cookie. A stolen ID then stops working within one period.
 *
 * Requests the same browser already has in flight still carry the old ID. For them the old key
 * keeps, for the grace window (`lifetime.grace`, default 30 s), a forward record naming the new
 * *store key* (see `forward.ts`): such a request reads and writes the renewed record, does not
 * rotate again, and sends no cookie (one for the old ID would undo the rotation). After the
 * window the old ID resolves to nothing.
 *
 * Writes: the new record first, then the forward over the old record. If either fails the
 * session keeps its old ID for this request (the store fault is reported as `storeError`) and
 * the next request tries again, so a store hiccup never fails a request nor loses a session.
 * Two requests that load the old record at the very same moment may both rotate; the browser
 * keeps the last cookie and the other copy ages out (compare-and-set would prevent it).
 *
 * @module
 */
import { dataToJson, sealValue } from './codec.js';
import { encodeForward } from './forward.js';
import { MAX_CLOCK_SKEW } from './lifetime.js';
import { writeSession } from './persist.js';
import { kState, requestOf, sessionData, type Session } from './session.js';
import type { SessionEngine } from './engine.js';

/** Whether the loaded session's ID is due for renewal at `now`. */
export function renewalDue(engine: SessionEngine, session: Session, now: number): boolean {
  const { renewAfter } = engine.config;
  const state = session[kState];
  if (renewAfter === undefined || state.forwarded === true) return false;
  const issuedAt = state.issuedAt ?? state.createdAt;
  // A time from the future (a tampered record) must not postpone renewal: renew now.
  return now - issuedAt >= renewAfter || issuedAt > now + MAX_CLOCK_SKEW;
}

/** Moves a loaded session to a new ID, leaving a forward under the old key (see the module comment). */
export async function renewSession(engine: SessionEngine, session: Session, now: number): Promise<void> {
  const state = session[kState];
  const { id: oldId, issuedAt, savedHash, loadedExpiresAt, version, base } = state;
  const oldKey = engine.keyOf(state);
  const rollBack = (): void => {
    Object.assign(state, { id: oldId, issuedAt, savedHash, loadedExpiresAt, version, base, keyMemo: { id: oldId, key: oldKey } });
  };
  state.id = engine.config.genid(requestOf(session));
  state.issuedAt = now;
  // With `concurrency: 'merge'` the new key's record is created (expected version: none); the
  // forward then overwrites the old record, so a parallel request's write from the old version
  // conflicts, follows the forward and merges into the new record.
  if (version !== undefined) state.version = null;
  const key = engine.keyOf(state);
  try {
    await writeSession(engine, session, dataToJson(sessionData(session)), now);
  } catch {
    rollBack(); // reported by callStore as storeError; the next request tries again
    return;
  }
  const until = now + (engine.config.renewGrace ?? 30_000);
  const { store, keyring } = engine.config;
  try {
    // No window (grace 0): the old record simply goes.
    if (until > now) await engine.callStore('set', () => store.set(oldKey, { value: sealValue(encodeForward(key, until), oldKey, keyring), expiresAt: until }));
    else await engine.callStore('delete', () => store.delete(oldKey));
  } catch {
    // The old record is still whole: keep it, and drop the copy nobody holds an ID for.
    await engine.callStore('delete', () => store.delete(key)).catch(() => {});
    rollBack();
    return;
  }
  state.forwardKey = oldKey;
  engine.emit('renewed', { key, previousKey: oldKey, until });
}
