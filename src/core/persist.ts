/**
 * Writing a session to the store: the record it becomes (JSON, then sealed), its store expiry,
 * and the two writes (`set` for a changed session, `touch` for a throttled expiry bump).
 * The only place a record is built, so metadata and versions have one home.
 *
 * @module
 */
import { encodeRecord, sealValue, type RecordMeta } from './codec.js';
import { fingerprint } from './fingerprint.js';
import { absoluteDeadline } from './lifetime.js';
import { writeVersioned } from './merge.js';
import { deviceMetaFor } from './devices.js';
import { noteBuilt, noteWritten } from './cookie-cache.js';
import { kState, type Session } from './session.js';
import { supportsVersions, type StoreRecord } from './store.js';
import type { SessionEngine } from './engine.js';

/**
 * The store expiry for a session written or touched at `now`: the idle deadline (or, without an
 * idle limit, the cookie's expiry), never past the absolute deadline, so a store purges on time.
 */
export function storeExpiry(engine: SessionEngine, session: Session, now: number): number {
  const { idleTimeout, fallbackTtl } = engine.config;
  const idle = idleTimeout !== undefined ? now + idleTimeout : (session.cookie.expires?.getTime() ?? now + fallbackTtl);
  const deadline = absoluteDeadline(engine.config, session[kState]);
  return deadline === undefined ? idle : Math.min(idle, deadline);
}

/**
 * The record a session is stored as, under `key`, written at `now`. `written` false: only for a
 * `touch`, whose value most stores never keep, so the engine need not remember it as opened.
 */
export function buildRecord(engine: SessionEngine, session: Session, key: string, dataJson: string, now: number, written = true): StoreRecord {
  const state = session[kState];
  // Sealed afresh on every write, always with the keyring's first key: a record an older key
  // sealed is re-encrypted by its next write (and only then: a read-only request writes nothing).
  const meta: RecordMeta = { v: 1, createdAt: state.createdAt };
  if (state.authenticatedAt !== undefined) meta.authenticatedAt = state.authenticatedAt;
  if (state.issuedAt !== undefined) meta.issuedAt = state.issuedAt;
  if (engine.config.idleTimeout !== undefined) meta.seenAt = now;
  if (engine.config.devices !== undefined && state.userKey !== undefined) {
    meta.epoch = state.epoch ??= now;
    meta.device = deviceMetaFor(state, now);
  }
  const cookie = session.cookie.data;
  // The expiry as JSON writes it, before serialising: JSON.stringify takes a slower path for an
  // object that holds a Date (about half the cost of the cookie's JSON).
  if (cookie.expires instanceof Date) cookie.expires = cookie.expires.toJSON();
  const json = encodeRecord(cookie, dataJson, meta);
  if (engine.config.cookieCache !== undefined) noteBuilt(state, key, json);
  if (written) engine.memos.rememberWritten(key, json, { cookie, dataJson, meta });
  const value = written ? engine.memos.seal(json, key) : sealValue(json, key, engine.config.keyring);
  const record: StoreRecord = { value, expiresAt: storeExpiry(engine, session, now) };
  if (state.userKey !== undefined) record.userKey = state.userKey;
  // Nothing written and nobody logged in: a bounded store may drop it first (a flood of
  // cookieless visitors must not evict the sessions that hold something).
  else if (dataJson === '{}') record.disposable = true;
  return record;
}

/**
 * Stores the session under its current ID and notes what was written: a `set`, or with
 * `concurrency: 'merge'` a compare-and-set that merges on conflict (`merge.ts`). Resolves to
 * `false` when nothing was written because the record was deleted since it was loaded (the
 * session is then marked destroyed), `true` otherwise.
 */
export async function writeSession(engine: SessionEngine, session: Session, dataJson: string, now: number): Promise<boolean> {
  const state = session[kState];
  let record: StoreRecord;
  if (state.version !== undefined && engine.config.concurrency === 'merge' && supportsVersions(engine.config.store)) {
    const written = await writeVersioned(engine, session, dataJson, (key, json) => buildRecord(engine, session, key, json, now));
    if (written === undefined) return false;
    ({ dataJson, record } = written);
  } else {
    const key = engine.keyOf(state);
    record = buildRecord(engine, session, key, dataJson, now);
    await engine.callStore('set', () => engine.config.store.set(key, record));
  }
  state.savedHash = fingerprint(dataJson, state.userKey, state.authenticatedAt);
  state.loadedExpiresAt = record.expiresAt;
  if (engine.config.cookieCache !== undefined) noteWritten(state, now);
  state.seenAt = now;
  state.touchRequested = false;
  engine.emit('saved', session);
  return true;
}

/**
 * Whether a touch is due: the app asked for one (`session.touch()`), or the stored expiry is at
 * least `touchAfter` behind the new one (the throttle, for the touches the engine does itself).
 */
export function touchDue(engine: SessionEngine, session: Session, now: number): boolean {
  const state = session[kState];
  if (state.touchRequested === true) return true;
  const loaded = state.loadedExpiresAt;
  const { touchAfter } = engine.config;
  if (touchAfter <= 0 || loaded === undefined) return true;
  // A store that reports no expiry: the throttle runs on the record's last write (`seenAt`).
  if (!Number.isFinite(loaded)) return state.seenAt === undefined || now - state.seenAt >= touchAfter;
  return storeExpiry(engine, session, now) - loaded >= touchAfter;
}

/**
 * Moves the stored expiry of an unchanged session (`touch`). For a store that reports no expiry
 * (an express-session store behind the bridge) under an idle limit, the record is rewritten
 * instead: its `seenAt` is then the only trace of the last request the idle check can read.
 */
export async function touchSession(engine: SessionEngine, session: Session, dataJson: string, now: number): Promise<void> {
  const state = session[kState];
  const key = engine.keyOf(state);
  const { store, idleTimeout } = engine.config;
  const loaded = state.loadedExpiresAt;
  const rewrite = idleTimeout !== undefined && loaded !== undefined && !Number.isFinite(loaded);
  const record = buildRecord(engine, session, key, dataJson, now, rewrite);
  if (rewrite) await engine.callStore('set', () => store.set(key, record));
  else await engine.callStore('touch', () => store.touch(key, record));
  state.loadedExpiresAt = record.expiresAt;
  state.seenAt = now;
  state.touchRequested = false;
  engine.emit('touched', session);
}
