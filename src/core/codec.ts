/**
 * The one step that turns a session into the string a store keeps, and back.
 *
 * Format (version 1): canonical JSON in express-session's shape, so a store shared with
 * express-session (or migrated from it) reads the same records:
 * `{"cookie":{...},<user data...>,"__tessera":{"v":1,"createdAt":<ms>}}`.
 * A record without `__tessera` is an express-session record (version 0) and is read as is.
 * Later versions may add fields to `__tessera`; decoding dispatches on that, so stored
 * sessions keep working.
 *
 * The pipeline, in one place: `encodeRecord` (JSON) then `sealValue` (optional AES-256-GCM,
 * see `envelope.ts`) on the way to the store; `openValue` then `decodeRecord` on the way back.
 * A value that starts with `enc<n>.` is sealed, anything else is JSON.
 *
 * @module
 */
import { isEnvelope, openEnvelope, sealEnvelope, type InvalidRecordReason } from './envelope.js';
import type { Keyring } from './keyring.js';
import { readDeviceMeta, type DeviceMeta } from './devices.js';
import type { StoredCookie } from './session-cookie.js';

/** Top-level keys of a stored record that are not user data. */
export const RESERVED_KEYS: ReadonlySet<string> = new Set(['cookie', '__tessera']);

/** Metadata kept beside the data. */
export interface RecordMeta {
  /** Format version. */
  v: number;
  /** When the session was created (ms since the epoch). */
  createdAt?: number;
  /** When its user last authenticated (`login`, `reauthenticated`), ms since the epoch. */
  authenticatedAt?: number;
  /** When the current session ID was issued (creation, `regenerate`, renewal), ms since the epoch. */
  issuedAt?: number;
  /** When the record was last written, ms since the epoch: the idle check for a store that reports no expiry. */
  seenAt?: number;
  /** When the session was bound to its user, for the per-user revocation epoch (see `devices.ts`). */
  epoch?: number;
  /** The device of a logged-in session (see `devices.ts`). */
  device?: DeviceMeta;
}

/** A decoded record. */
export interface DecodedRecord {
  cookie: StoredCookie;
  data: Record<string, unknown>;
  /** JSON of `data`, the fingerprint used to tell whether a request changed the session. */
  dataJson: string;
  meta: RecordMeta | undefined;
}

/** JSON of the user data: the fingerprint and the body of the encoded record. */
export function dataToJson(data: Record<string, unknown>): string {
  return JSON.stringify(data);
}

/**
 * Encodes a session. `dataJson` is `dataToJson(data)`, passed in because the caller has already
 * computed it to see whether the session changed; building the record around it avoids
 * serialising the data twice on every save.
 */
export function encodeRecord(cookie: StoredCookie, dataJson: string, meta: RecordMeta): string {
  const body = dataJson.length > 2 ? `,${dataJson.slice(1, -1)}` : '';
  return `{"cookie":${JSON.stringify(cookie)}${body},"__tessera":${JSON.stringify(meta)}}`;
}

/**
 * Decodes a stored value. Throws a `SyntaxError`/`TypeError` for a value that is not a session
 * record (not JSON, or without a `cookie`): that is a store fault, not a missing session.
 */
export function decodeRecord(value: string): DecodedRecord {
  const parsed: unknown = JSON.parse(value);
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new TypeError('stored session is not an object');
  }
  const { cookie, __tessera: meta, ...data } = parsed as Record<string, unknown>;
  if (typeof cookie !== 'object' || cookie === null) throw new TypeError('stored session has no cookie');
  return {
    cookie: cookie as StoredCookie,
    data,
    dataJson: storedDataJson(value, cookie, meta) ?? JSON.stringify(data),
    meta: readMeta(meta),
  };
}

/**
 * The metadata of a record, keeping only well-formed fields: the lifetime rules compare these
 * times, so a record written by other code (or tampered with, in a plaintext store) must not
 * slip a string or a NaN past them. A missing or malformed field is as if never recorded.
 */
export function readMeta(meta: unknown): RecordMeta | undefined {
  if (typeof meta !== 'object' || meta === null) return undefined;
  const raw = meta as Record<string, unknown>;
  const out: RecordMeta = { v: typeof raw.v === 'number' ? raw.v : 1 };
  if (isTime(raw.createdAt)) out.createdAt = raw.createdAt;
  if (isTime(raw.authenticatedAt)) out.authenticatedAt = raw.authenticatedAt;
  if (isTime(raw.issuedAt)) out.issuedAt = raw.issuedAt;
  if (isTime(raw.seenAt)) out.seenAt = raw.seenAt;
  if (isTime(raw.epoch)) out.epoch = raw.epoch;
  const device = readDeviceMeta(raw.device);
  if (device !== undefined) out.device = device;
  return out;
}

/** A well-formed time: a finite, non-negative number of ms since the epoch. */
export function isTime(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}

const COOKIE_HEAD = '{"cookie":';
const META_HEAD = ',"__tessera":';

/**
 * The data's JSON cut straight out of a record `encodeRecord` wrote, instead of serialising the
 * parsed data again on every load (the hot path of a read-only request). `undefined` when the
 * record is not laid out exactly as `encodeRecord` lays it out (an express-session record, say);
 * the caller then serialises. A cut that differs from what serialising would give can only make
 * an unchanged session look changed (one extra write), never hide a change.
 */
function storedDataJson(value: string, cookie: object, meta: unknown): string | undefined {
  if (typeof meta !== 'object' || meta === null || !value.startsWith(COOKIE_HEAD)) return undefined;
  // Both are canonical JSON.stringify output, so serialising the parsed objects gives their text back.
  const bodyStart = COOKIE_HEAD.length + JSON.stringify(cookie).length;
  const metaStart = value.length - 1 - META_HEAD.length - JSON.stringify(meta).length;
  if (metaStart < bodyStart || !value.startsWith(META_HEAD, metaStart)) return undefined;
  if (metaStart === bodyStart) return '{}';
  if (value.charCodeAt(bodyStart) !== 44 /* , */) return undefined;
  return `{${value.slice(bodyStart + 1, metaStart)}}`;
}

/**
 * The value a store keeps for a record's JSON: the JSON itself, or with a keyring its envelope,
 * bound to `storeKey` (always sealed with the keyring's first key: writing re-encrypts a record
 * an older key sealed).
 */
export function sealValue(json: string, storeKey: string, keyring: Keyring | undefined): string {
  return keyring === undefined ? json : sealEnvelope(json, storeKey, keyring);
}

/** What `openValue` gives: the record's JSON, or why the stored value is no session. */
export type OpenedValue = { ok: true; json: string } | { ok: false; reason: InvalidRecordReason };

/**
 * The JSON of a stored value read under `storeKey` (the reverse of `sealValue`). Pure and
 * never throws. With a keyring, a plaintext value is refused unless `acceptPlaintext` is set
 * (whoever writes to the store must not plant sessions); without one, a sealed value cannot be
 * read (`no-keyring`).
 *
 * @example
 * const opened = openValue(record.value, storeKey, keyring);
 * const decoded = opened.ok ? decodeRecord(opened.json) : undefined; // undefined: no session
 */
export function openValue(value: string, storeKey: string, keyring: Keyring | undefined): OpenedValue {
  if (!isEnvelope(value)) {
    return keyring === undefined || keyring.acceptPlaintext ? { ok: true, json: value } : { ok: false, reason: 'not-encrypted' };
  }
  if (keyring === undefined) return { ok: false, reason: 'no-keyring' };
  const opened = openEnvelope(value, storeKey, keyring);
  return opened.ok ? { ok: true, json: opened.plaintext } : opened;
}
