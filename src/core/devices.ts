/**
 * Devices and "log out everywhere": the sessions a user has open, each with the device it came
 * from, listed and revoked through the store's per-user index (`listByUser`, `deleteByUser`).
 *
 * A logged-in session's record carries `device` metadata beside its times: the user agent and
 * IP address of the request that last wrote it (the IP cut to a /24 or /48 prefix by default,
 * for privacy), when that was, and a label the app may set. It rides on writes and touches that
 * happen anyway: device tracking never costs a store call of its own.
 *
 * A listed session is named by a `handle`, an HMAC of its store key under a key derived from the
 * signing secret: stable across calls, but neither the session ID nor the store key, so a list
 * shown to the user (or leaked from a page) cannot be used to ride a session.
 *
 * With `devices: { epoch: true }`, `revokeAllSessions` also raises the user's revocation epoch in
 * the store (to the revocation time), and every record carries the time it was bound to its user
 * (`login`, or the first write after `session.userKey` changed): a record bound before the epoch
 * is dead on its next load (`find-record.ts`), even when the index never listed it.
 *
 * @module
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { dataToJson, decodeRecord, isTime, type DecodedRecord } from './codec.js';
import { writeSession } from './persist.js';
import { isDegraded } from './outage-policy.js';
import { TesseraError } from './errors.js';
import { readForward } from './forward.js';
import { expiredLimit } from './lifetime.js';
import { userKeyOf } from './login.js';
import { kState, sessionData, type Session, type SessionState } from './session.js';
import type { Secret } from './signature.js';
import type { Store } from './store.js';
import type { SessionEngine } from './engine.js';
import { MAX_USER_AGENT } from './device-client.js';

export { clientInfo, deferredClientInfo, ipPrefix, MAX_USER_AGENT, resolveDevices, type ClientInfo, type DeviceConfig, type DeviceIpMode, type DeviceOptions } from './device-client.js';

/** The device metadata a record keeps (`__tessera.device`). */
export interface DeviceMeta {
  userAgent?: string;
  ip?: string;
  label?: string;
  /** When the record was last written (ms since the epoch). */
  seenAt?: number;
}

/** One of a user's sessions, as `listSessions` gives it. Never the session ID or the store key. */
export interface DeviceSession {
  /** Names this session for `revokeSession`; stable while the session keeps its ID (and the secret its first entry). */
  handle: string;
  /** When the session was created (its login, unless the login kept the session's data). */
  createdAt: number;
  /** When the session was last written or touched (as often as the `touchAfter` throttle lets it). */
  lastSeenAt: number;
  userAgent?: string;
  ip?: string;
  label?: string;
  /** `true` for the session passed as `current`. */
  current?: boolean;
}

/** Longest device label, in characters. */
export const MAX_DEVICE_LABEL = 64;
/** Characters in a handle (132 bits of HMAC-SHA256, base64url). */
const HANDLE_LENGTH = 22;

/** The `device` metadata of a record `decodeRecord` read, keeping well-formed fields only. */
export function readDeviceMeta(raw: unknown): DeviceMeta | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const r = raw as Record<string, unknown>;
  const out: DeviceMeta = {};
  if (typeof r.userAgent === 'string') out.userAgent = r.userAgent.slice(0, MAX_USER_AGENT);
  if (typeof r.ip === 'string') out.ip = r.ip.slice(0, 64);
  if (typeof r.label === 'string') out.label = r.label.slice(0, MAX_DEVICE_LABEL);
  if (isTime(r.seenAt)) out.seenAt = r.seenAt;
  return out;
}

/** The `device` metadata a write at `now` records: this request's device (else the stored one), the label, the time. */
export function deviceMetaFor(state: SessionState, now: number): DeviceMeta {
  const stored = state.device;
  const userAgent = state.client?.userAgent ?? stored?.userAgent;
  const ip = state.client?.ip ?? stored?.ip;
  const out: DeviceMeta = {};
  if (userAgent !== undefined) out.userAgent = userAgent;
  if (ip !== undefined) out.ip = ip;
  if (stored?.label !== undefined) out.label = stored.label;
  out.seenAt = now;
  return out;
}

/**
 * Sets (or with `undefined`, clears) the label of a session's device, stored at the end of the
 * request. A `TypeError` for anything but a string of 1 to 64 characters.
 */
export function setDeviceLabel(session: Session, label: string | undefined): void {
  if (label !== undefined && (typeof label !== 'string' || label === '' || label.length > MAX_DEVICE_LABEL)) {
    throw new TypeError(`setDeviceLabel(session, label): label must be a string of 1 to ${MAX_DEVICE_LABEL} characters, or undefined to clear it`);
  }
  const state = session[kState];
  const { label: _old, ...rest } = state.device ?? {};
  state.device = label === undefined ? rest : { ...rest, label };
  // Not part of the data fingerprint: forget the saved state so the commit writes it.
  state.savedHash = undefined;
}

/** The store and device settings, or a `TesseraError` when device tracking is off. */
function devicesOf(engine: SessionEngine, method: string): Required<Pick<Store, 'listByUser' | 'deleteByUser'>> {
  const { store, devices } = engine.config;
  if (devices === undefined || typeof store.listByUser !== 'function' || typeof store.deleteByUser !== 'function') {
    throw new TesseraError('ERR_DEVICES_UNAVAILABLE', `${method}() needs device tracking: a store with a per-user index (MemoryStore, SqliteStore, RedisStore, PostgresStore) and the devices option not false`);
  }
  return store as Required<Pick<Store, 'listByUser' | 'deleteByUser'>>;
}

/** The handle of a store key under one secret. */
function handleOf(secret: Secret, storeKey: string): string {
  const key = createHmac('sha256', secret).update('tessera device handle v1').digest();
  return createHmac('sha256', key).update(storeKey).digest('base64url').slice(0, HANDLE_LENGTH);
}

function secretsOf(engine: SessionEngine): readonly Secret[] {
  const secrets = engine.config.secrets;
  if (secrets === undefined || secrets.length === 0) throw new TesseraError('ERR_SECRET_MISSING', 'device handles need the signing secret');
  return secrets;
}

/** A user's live session record under `key`, opened; `undefined` for one that is gone, expired, unreadable or not the user's. */
async function openLive(engine: SessionEngine, key: string, userKey: string, now: number): Promise<{ decoded: DecodedRecord; expiresAt: number } | undefined> {
  const { config } = engine;
  const record = await engine.callStore('get', () => config.store.get(key));
  if (record === undefined || record.userKey !== userKey) return undefined;
  const opened = engine.memos.open(record.value, key);
  if (!opened.ok || readForward(opened.json) !== undefined) return undefined;
  let decoded: DecodedRecord;
  try {
    decoded = decodeRecord(opened.json);
  } catch {
    return undefined;
  }
  return expiredLimit(record, decoded, now, config) === undefined ? { decoded, expiresAt: record.expiresAt } : undefined;
}

/** The store key of a session as it stands in this request, or `undefined` once destroyed. */
function keyOfSession(engine: SessionEngine, session: Session | undefined): string | undefined {
  if (session === undefined) return undefined;
  const state = session[kState];
  return state.destroyed ? undefined : engine.keyOf(state);
}

/** The live sessions of `userId`, oldest first (see `SessionManager.listSessions`). */
export async function listSessions(engine: SessionEngine, userId: unknown, options: { current?: Session } = {}): Promise<DeviceSession[]> {
  const store = devicesOf(engine, 'listSessions');
  const userKey = userKeyOf(userId);
  const secret = secretsOf(engine)[0] as Secret;
  const keys = await engine.callStore('listByUser', () => store.listByUser(userKey));
  const now = engine.config.clock();
  const currentKey = keyOfSession(engine, options.current);
  const { idleTimeout } = engine.config;
  const found = await Promise.all(keys.map(async (key) => ({ key, live: await openLive(engine, key, userKey, now) })));
  const out: DeviceSession[] = [];
  for (const { key, live } of found) {
    if (live === undefined) continue;
    const meta = live.decoded.meta;
    const device = meta?.device;
    const createdAt = meta?.createdAt ?? now;
    // A touch moves only the expiry: under an idle limit, it tells when the last touch was.
    const touchedAt = idleTimeout !== undefined && Number.isFinite(live.expiresAt) ? Math.min(now, live.expiresAt - idleTimeout) : 0;
    const entry: DeviceSession = { handle: handleOf(secret, key), createdAt, lastSeenAt: Math.max(device?.seenAt ?? meta?.seenAt ?? createdAt, touchedAt) };
    if (device?.userAgent !== undefined) entry.userAgent = device.userAgent;
    if (device?.ip !== undefined) entry.ip = device.ip;
    if (device?.label !== undefined) entry.label = device.label;
    if (key === currentKey) entry.current = true;
    out.push(entry);
  }
  return out.sort((a, b) => a.createdAt - b.createdAt);
}

/**
 * Raises the user's revocation epoch to now, so every session bound to them before it is dead on
 * its next request, even one the index missed. The session kept (`except`, when it is the
 * user's) is written with the new epoch first: a parallel request on it never sees it revoked.
 */
async function raiseEpoch(engine: SessionEngine, userKey: string, except: Session | undefined): Promise<void> {
  const { store, clock } = engine.config;
  const epoch = clock();
  const state = except?.[kState];
  if (except !== undefined && state !== undefined && state.userKey === userKey && !isDegraded(except)) {
    state.epoch = epoch;
    await writeSession(engine, except, dataToJson(sessionData(except)), epoch);
  }
  await engine.callStore('raiseUserEpoch', () => (store.raiseUserEpoch as (u: string, e: number) => Promise<void>).call(store, userKey, epoch));
}

/** Deletes the session of `userId` named by `handle`; `true` when one was found (see `SessionManager.revokeSession`). */
export async function revokeSession(engine: SessionEngine, userId: unknown, handle: unknown): Promise<boolean> {
  const store = devicesOf(engine, 'revokeSession');
  const userKey = userKeyOf(userId);
  if (typeof handle !== 'string') throw new TypeError('revokeSession(userId, handle): handle must be a string from listSessions()');
  const secrets = secretsOf(engine);
  if (handle.length !== HANDLE_LENGTH) return false;
  const wanted = Buffer.from(handle);
  const keys = await engine.callStore('listByUser', () => store.listByUser(userKey));
  // Every secret still verifying yields a valid handle: a list shown before a rotation still works.
  const key = keys.find((k) => secrets.some((s) => timingSafeEqual(Buffer.from(handleOf(s, k)), wanted)));
  if (key === undefined) return false;
  await engine.callStore('delete', () => engine.config.store.delete(key));
  return true;
}

/**
 * Deletes every session of `userId`, or all but `except` (with the renewal forward leading to
 * it); resolves to how many were deleted (see `SessionManager.revokeAllSessions`).
 */
export async function revokeAllSessions(engine: SessionEngine, userId: unknown, options: { except?: Session } = {}): Promise<number> {
  const store = devicesOf(engine, 'revokeAllSessions');
  const userKey = userKeyOf(userId);
  if (typeof options !== 'object' || options === null) throw new TypeError('revokeAllSessions(userId, options): options must be an object such as { except: req.session }');
  const exceptKey = keyOfSession(engine, options.except);
  if (engine.config.devices?.epoch === true) await raiseEpoch(engine, userKey, exceptKey === undefined ? undefined : options.except);
  if (exceptKey === undefined) return engine.callStore('deleteByUser', () => store.deleteByUser(userKey));
  const keep = new Set([exceptKey, options.except?.[kState].forwardKey]);
  const keys = await engine.callStore('listByUser', () => store.listByUser(userKey));
  const doomed = keys.filter((k) => !keep.has(k));
  await Promise.all(doomed.map((k) => engine.callStore('delete', () => engine.config.store.delete(k))));
  return doomed.length;
}
