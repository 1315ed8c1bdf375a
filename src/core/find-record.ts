/**
 * Finding the live session record for a store key on load and reload: read it, open it
 * (`openValue`, `decodeRecord`), follow a renewal forward one hop (`forward.ts`), and apply the
 * lifetime rules (`lifetime.ts`), deleting on sight a record past a limit.
 *
 * @module
 */
import type { DecodedRecord } from './codec.js';
import { StoreError } from './errors.js';
import { readForward, type Forward } from './forward.js';
import { expiredLimit, MAX_CLOCK_SKEW, type ExpiredLimit } from './lifetime.js';
import type { StoreRecord } from './store.js';
import type { SessionEngine } from './engine.js';

/** A live session record and the key it was found under (the forward's target, if one was followed). */
export interface FoundRecord {
  key: string;
  record: StoreRecord;
  decoded: DecodedRecord;
}

/**
 * The live session record under `key`, following one renewal forward (its target's key is then
 * `found.key`); `undefined` for none. A record past a limit is deleted on sight (a failed delete
 * is reported as `storeError` and otherwise ignored: the request goes on) and reported as
 * `expired`. `read` reads instead of the store's `get` (the drop-in's `reload`). Rejects with a
 * `StoreError` when the store fails or returns something that is not a session record.
 */
export async function findRecord(engine: SessionEngine, key: string, read?: (key: string) => Promise<StoreRecord | undefined>, follow = true): Promise<FoundRecord | undefined> {
  const { config } = engine;
  const record = await engine.callStore('get', () => (read ? read(key) : config.store.get(key)));
  if (record === undefined) return undefined;
  const now = config.clock();
  // Past the store's expiry, the record is opened quietly, only to tell which limit it ran past.
  const stale = record.expiresAt <= now;
  const opened = decodeStored(engine, key, record, !stale);
  if (opened === undefined || (stale && 'forward' in opened)) {
    if (stale) await expire(engine, key, 'idle', opened === undefined);
    return undefined;
  }
  if ('forward' in opened) {
    // A forward lives for the grace window only (one stretched beyond it was not ours), and
    // leads one hop, to a session record.
    const live = follow && opened.until > now && opened.until <= now + (config.renewGrace ?? 30_000) + MAX_CLOCK_SKEW;
    return live ? findRecord(engine, opened.forward, read, false) : undefined;
  }
  const limit = expiredLimit(record, opened, now, config) ?? (await revokedLimit(engine, record, opened));
  if (limit === undefined) return { key, record, decoded: opened };
  await expire(engine, key, limit, true);
  return undefined;
}

/**
 * `'revoked'` when the record's user revoked every session (`revokeAllSessions`) after this one
 * was bound to them (its recorded epoch; for a record without one, its last authentication or
 * creation); checked only with `devices.epoch`, for a session with a user.
 */
async function revokedLimit(engine: SessionEngine, record: StoreRecord, decoded: DecodedRecord): Promise<'revoked' | undefined> {
  const { store, devices } = engine.config;
  const userKey = record.userKey;
  if (devices?.epoch !== true || userKey === undefined || store.userEpoch === undefined) return undefined;
  const meta = decoded.meta;
  const bound = meta?.epoch ?? meta?.authenticatedAt ?? meta?.createdAt ?? 0;
  // With the cookie cache's in-process epochs (`epoch-cache.ts`): no store call when they settle it.
  if (engine.cookieCache?.epochs?.vouchesFor(userKey, bound) === true) return undefined;
  const epoch = await engine.callStore('userEpoch', () => (store.userEpoch as (u: string) => Promise<number>).call(store, userKey));
  return bound < epoch ? 'revoked' : undefined;
}

/** Deletes a record past a limit (a failure is reported as `storeError`, and the request goes on); `report` emits `expired`. */
async function expire(engine: SessionEngine, key: string, limit: ExpiredLimit | 'revoked', report: boolean): Promise<void> {
  await engine.callStore('delete', () => engine.config.store.delete(key)).catch(() => {});
  if (report) engine.emit('expired', { key, limit });
}

/**
 * Opens and decodes a stored value: a session record or a renewal forward. One that cannot be
 * opened (decryption or authentication failed, see `openValue`) is no session plus an
 * `invalidRecord` event: `undefined`. One that opens but is neither is a store fault, not "no
 * session". With `report` false: quietly, `undefined` for anything but a record or a forward.
 */
function decodeStored(engine: SessionEngine, key: string, record: StoreRecord, report: boolean): DecodedRecord | Forward | undefined {
  const opened = engine.memos.open(record.value, key);
  if (!opened.ok) {
    if (report && engine.listenerCount('invalidRecord') > 0) engine.emit('invalidRecord', { key, reason: opened.reason });
    return undefined;
  }
  const forward = readForward(opened.json);
  if (forward !== undefined) return forward;
  try {
    return engine.memos.decode(key, opened.json);
  } catch (cause) {
    if (!report) return undefined;
    throw new StoreError('get', `session store returned an unreadable session: ${(cause as Error).message}`, { cause });
  }
}
