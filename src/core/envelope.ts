/**
 * The sealed form of a stored record: AES-256-GCM with the store key as additional
 * authenticated data (AAD), in a compact, versioned text envelope:
 *
 * `enc1.<key id>.<base64url(iv | ciphertext | tag)>`
 *
 * - `enc1`: the format version, so a later format can be read beside this one.
 * - the key id: which keyring key sealed it (rotation), authenticated with the rest.
 * - a random 96-bit IV per write (NIST SP 800-38D §8.2.2: the IV length GCM is built for; random
 *   IVs keep the collision bound far beyond any session store's write count per key), and the
 *   full 128-bit tag.
 * - AAD = `enc1.<key id>.` + the store key: a record copied under another session's key, or a
 *   header edited to name another key, fails authentication instead of opening.
 *
 * Opening is a pure function of its inputs that never throws: any bad value is a reason, for the
 * core to treat as "no session". `envelopeParts`/`formatEnvelope` split and rebuild an envelope
 * so that tests (and fuzzers) can tamper with one field at a time.
 *
 * @module
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { Keyring } from './keyring.js';

/** The version prefix of the envelope this module writes. */
export const ENVELOPE_VERSION = 'enc1';
const PREFIX = `${ENVELOPE_VERSION}.`;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const BASE64URL = /^[A-Za-z0-9_-]*$/;

/**
 * Why a stored record was not opened:
 * - `malformed`: not an envelope (missing fields, not base64url);
 * - `unsupported-version`: an envelope of a format this version cannot read;
 * - `unknown-key`: sealed with a key id the keyring does not hold (removed too early?);
 * - `truncated`: shorter than an IV and a tag;
 * - `authentication-failed`: tampered ciphertext, IV, tag or key id, or moved under another store key;
 * - `not-encrypted`: a plaintext record while encryption is on (and `acceptPlaintext` is off);
 * - `no-keyring`: an encrypted record while encryption is off.
 */
export type InvalidRecordReason =
  | 'malformed'
  | 'unsupported-version'
  | 'unknown-key'
  | 'truncated'
  | 'authentication-failed'
  | 'not-encrypted'
  | 'no-keyring';

/** What `openEnvelope` gives: the plaintext and the id of the key that opened it, or why not. */
export type OpenedEnvelope = { ok: true; plaintext: string; keyId: string } | { ok: false; reason: InvalidRecordReason };

/** The fields of an envelope, as `envelopeParts` splits them. */
export interface EnvelopeParts {
  version: string;
  keyId: string;
  /** iv | ciphertext | tag, decoded. */
  payload: Buffer;
}

/** True when `value` is written in some envelope version (`enc<digits>.`), whether or not this version reads it. */
export function isEnvelope(value: string): boolean {
  return /^enc\d+\./.test(value);
}

/**
 * Seals `plaintext` under the keyring's first key, bound to `aad` (the store key). `iv` is for
 * tests and generators only; by default a fresh random one per call.
 *
 * @example
 * const value = sealEnvelope('{"cookie":{}}', storeKey, keyring);
 * openEnvelope(value, storeKey, keyring); // { ok: true, plaintext: '{"cookie":{}}', keyId: 'k1' }
 */
export function sealEnvelope(plaintext: string, aad: string, keyring: Keyring, iv: Buffer = randomBytes(IV_BYTES)): string {
  const { id, key } = keyring.primary;
  const header = `${PREFIX}${id}.`;
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(header + aad));
  const body = Buffer.concat([iv, cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
  return header + body.toString('base64url');
}

/**
 * Opens an envelope sealed for `aad`. Never throws: a value that is not this version's envelope,
 * names an unknown key, is truncated or fails authentication gives `{ ok: false, reason }`.
 *
 * @example
 * const opened = openEnvelope(record.value, storeKey, keyring);
 * if (!opened.ok) console.warn('unreadable session record:', opened.reason); // e.g. 'authentication-failed'
 */
export function openEnvelope(value: string, aad: string, keyring: Keyring): OpenedEnvelope {
  const parts = envelopeParts(value);
  if (typeof parts === 'string') return { ok: false, reason: parts };
  const key = keyring.keys.get(parts.keyId);
  if (key === undefined) return { ok: false, reason: 'unknown-key' };
  const { payload } = parts;
  if (payload.length < IV_BYTES + TAG_BYTES) return { ok: false, reason: 'truncated' };
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, payload.subarray(0, IV_BYTES), { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(`${PREFIX}${parts.keyId}.${aad}`));
    decipher.setAuthTag(payload.subarray(payload.length - TAG_BYTES));
    // Decoded straight to a string (no Buffer.concat): GCM's final() yields no bytes, only the check.
    const plaintext = decipher.update(payload.subarray(IV_BYTES, payload.length - TAG_BYTES), undefined, 'utf8') + decipher.final('utf8');
    return { ok: true, plaintext, keyId: parts.keyId };
  } catch {
    // `final()` throws when the tag does not match: tampered, wrong key, or wrong AAD.
    return { ok: false, reason: 'authentication-failed' };
  }
}

/** Splits an envelope into its fields, or says why it is not one this version reads. */
export function envelopeParts(value: string): EnvelopeParts | 'malformed' | 'unsupported-version' {
  if (!isEnvelope(value)) return 'malformed';
  if (!value.startsWith(PREFIX)) return 'unsupported-version';
  const dot = value.indexOf('.', PREFIX.length);
  if (dot <= PREFIX.length) return 'malformed';
  const encoded = value.slice(dot + 1);
  // Buffer.from skips characters outside the alphabet; a strict check keeps the bytes exact.
  if (!BASE64URL.test(encoded) || encoded.length % 4 === 1) return 'malformed';
  return { version: ENVELOPE_VERSION, keyId: value.slice(PREFIX.length, dot), payload: Buffer.from(encoded, 'base64url') };
}

/** Rebuilds an envelope from its fields (the inverse of `envelopeParts`), e.g. after tampering with one. */
export function formatEnvelope(parts: EnvelopeParts): string {
  return `${parts.version}.${parts.keyId}.${parts.payload.toString('base64url')}`;
}
