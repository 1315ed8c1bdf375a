/**
 * No lost updates (`concurrency: 'merge'`): a session is written with compare-and-set on the
 * version it was loaded at (`Store.setIfVersion`). When another request wrote it in between,
 * the write is refused; the current record is read again, this request's own changes are
 * applied to it (the top-level keys it set, changed or deleted, computed against the data it
 * loaded, and the user key and authentication time if it changed them), and the write is tried
 * again, a bounded number of times. Two requests that change different keys both keep their
 * change; two that change the same key: the later write wins, and a `conflict` event names the
 * key. A record deleted since it was loaded (logout, regenerate, login elsewhere) is not
 * recreated: the write is dropped, so a destroyed session stays dead.
 *
 * Costs nothing without a conflict: the write is one `setIfVersion` instead of one `set`, and the
 * loaded data is kept as the JSON the load already had.
 *
 * @module
 */
import { dataToJson } from './codec.js';
import { StoreError } from './errors.js';
import { findRecord } from './find-record.js';
import { countEvent } from './metrics.js';
import { assignData, kState, type Session, type SessionState } from './session.js';
import { supportsVersions, type Store, type StoreRecord } from './store.js';
import type { SessionEngine } from './engine.js';
import type { Concurrency } from './engine-types.js';

/**
 * The `concurrency` option for `store`: `'merge'` by default when the store can compare-and-set
 * (`setIfVersion`), `'last-write-wins'` otherwise. `'merge'` asked of a store without
 * `setIfVersion` (an express-session store behind `tessera/connect`) is a `TypeError`, as is
 * any other value; `where` prefixes the message (`'concurrency'`, `'concurrency option'`).
 */
export function resolveConcurrency(value: unknown, store: Store, where = 'concurrency'): Concurrency {
  if (value === undefined) return supportsVersions(store) ? 'merge' : 'last-write-wins';
  if (value !== 'merge' && value !== 'last-write-wins') {
    throw new TypeError(`${where} must be 'merge' (compare-and-set, no lost updates) or 'last-write-wins' (got ${typeof value === 'string' ? JSON.stringify(value) : typeof value})`);
  }
  if (value === 'merge' && !supportsVersions(store)) {
    throw new TypeError(
      `${where} 'merge' needs a store that can compare-and-set (setIfVersion), which this store lacks (an express-session store behind tessera/connect cannot): use a Tessera store, or ${where} 'last-write-wins'`,
    );
  }
  return value;
}

/**
 * How many times a write is tried before the request fails (each retry follows a conflict).
 * Each round of a burst lets one writer win, so a burst of n parallel writes to one session
 * needs up to n rounds: 5 failed 14 of 20 parallel writes with a 503 where express-session
 * silently drops them. 32 rounds, with the backoff below, take a burst of 20 without a failure.
 */
export const MAX_WRITE_ATTEMPTS = 32;

/** Conflicts in a row after which a retry first waits a little (a random 0 to `attempt` ms, at most 10). */
const BACKOFF_AFTER = 3;

/**
 * A short random wait before a retry in a long run of conflicts: writers that keep colliding in
 * lockstep (one client's parallel requests) spread out instead of all re-reading at once.
 */
function backoff(attempt: number): Promise<void> | undefined {
  if (attempt < BACKOFF_AFTER) return undefined;
  const ms = Math.random() * Math.min(attempt, 10);
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** What a session's record held when this request loaded it or last wrote it: the base its changes are computed against. */
export interface MergeBase {
  dataJson: string;
  userKey: string | undefined;
  authenticatedAt: number | undefined;
}

/** The base of a session that has no record yet. */
export const EMPTY_BASE: MergeBase = Object.freeze({ dataJson: '{}', userKey: undefined, authenticatedAt: undefined });

/** Remembers what the session's record is now (its version and contents), after a load or a write. */
export function rememberRecord(state: SessionState, version: number | null | undefined, base: MergeBase): void {
  state.version = version;
  state.base = base;
}

/** The result of a versioned write: what was written, or `undefined` when the record was gone. */
export interface VersionedWrite {
  dataJson: string;
  record: StoreRecord;
}

/**
 * Writes the session with compare-and-set, merging on conflict (see the module comment).
 * `build` makes the record for the session's current state under `key`. Resolves to what was
 * written, or `undefined` when the record was deleted since it was loaded (nothing written).
 * Rejects with a `StoreError` after `MAX_WRITE_ATTEMPTS` conflicts in a row.
 */
export async function writeVersioned(
  engine: SessionEngine,
  session: Session,
  dataJson: string,
  build: (key: string, dataJson: string) => StoreRecord,
): Promise<VersionedWrite | undefined> {
  const state = session[kState];
  const setIfVersion = engine.config.store.setIfVersion!.bind(engine.config.store);
  const overwritten = new Set<string>();
  let json = dataJson;
  for (let attempt = 1; ; attempt++) {
    const key = engine.keyOf(state);
    const record = build(key, json);
    const expected = state.version ?? null;
    const version = await engine.callStore('setIfVersion', () => setIfVersion(key, record, expected));
    if (version !== false) {
      rememberRecord(state, version, { dataJson: json, userKey: state.userKey, authenticatedAt: state.authenticatedAt });
      if (attempt > 1) {
        countEvent(engine.config.metrics, 'conflict_merged');
        engine.emit('conflict', { key, overwritten: [...overwritten], outcome: 'merged', attempts: attempt });
      }
      return { dataJson: json, record };
    }
    if (attempt >= MAX_WRITE_ATTEMPTS) {
      throw new StoreError('setIfVersion', `session write refused ${attempt} times by concurrent writes of the same session`);
    }
    const wait = backoff(attempt);
    if (wait !== undefined) await wait;
    const found = await findRecord(engine, key);
    if (found === undefined) {
      // Something held the key a moment ago and is gone or unreadable now: for a new session
      // (nothing to protect), try again; for a loaded one, it was destroyed: stay dead.
      if (expected === null) continue;
      state.destroyed = true;
      state.superseded = true;
      countEvent(engine.config.metrics, 'conflict_dropped');
      engine.emit('conflict', { key, overwritten: [], outcome: 'dropped', attempts: attempt });
      return undefined;
    }
    // Renewed by a parallel request: its old key now forwards to the new record; write there.
    if (found.key !== key) Object.assign(state, { keyMemo: { id: state.id, key: found.key }, forwarded: true, forwardKey: key });
    const base = state.base ?? EMPTY_BASE;
    const theirs: MergeBase = { dataJson: found.decoded.dataJson, userKey: found.record.userKey, authenticatedAt: found.decoded.meta?.authenticatedAt };
    const merged = applyDelta(JSON.parse(base.dataJson) as object, JSON.parse(json) as object, JSON.parse(theirs.dataJson) as object, overwritten);
    if (state.userKey === base.userKey) state.userKey = theirs.userKey;
    if (state.authenticatedAt === base.authenticatedAt) state.authenticatedAt = theirs.authenticatedAt;
    // Times no request changes on a record it keeps (a renewal elsewhere moved issuedAt): theirs.
    const meta = found.decoded.meta;
    if (meta !== undefined) Object.assign(state, { createdAt: meta.createdAt, issuedAt: meta.issuedAt ?? meta.createdAt });
    assignData(session, merged);
    json = dataToJson(merged);
    rememberRecord(state, found.record.version ?? 0, theirs);
  }
}

/**
 * `theirs` with this request's changes applied: every top-level key whose JSON differs between
 * `base` (as loaded) and `mine` (as this request leaves it) is set to `mine`'s value, or deleted
 * when `mine` has none. A key `theirs` changed too, to something else, is added to `overwritten`.
 * Built with `Object.fromEntries`, so a key named `__proto__` stays a plain data key.
 */
export function applyDelta(base: object, mine: object, theirs: object, overwritten: Set<string>): Record<string, unknown> {
  const merged = new Map<string, unknown>(Object.entries(theirs));
  const mineMap = new Map<string, unknown>(Object.entries(mine));
  const baseMap = new Map<string, unknown>(Object.entries(base));
  const json = (map: Map<string, unknown>, key: string): string | undefined => (map.has(key) ? JSON.stringify(map.get(key)) : undefined);
  for (const key of new Set([...baseMap.keys(), ...mineMap.keys()])) {
    const m = json(mineMap, key);
    const b = json(baseMap, key);
    if (m === b) continue;
    const t = json(merged, key);
    if (t !== b && t !== m) overwritten.add(key);
    if (m === undefined) merged.delete(key);
    else merged.set(key, mineMap.get(key));
  }
  return Object.fromEntries(merged);
}
