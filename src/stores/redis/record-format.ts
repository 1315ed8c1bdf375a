/**
 * The string `RedisStore` keeps under a session key: a one-line header naming the session's
 * user, its version and its expiry, then the value byte-for-byte. Keeping all of it on one key
 * (one slot) lets every write stay one atomic script, lets `get` be one plain `GET` (no script,
 * no second command for the expiry), and lets the per-user index be checked against the truth:
 * a listed key counts only while its own header still names that user.
 *
 * Format: `t1;<version>;<expiry>\n<value>` without a user,
 * `t1:<encodeURIComponent(userKey)>;<version>;<expiry>\n<value>` with one. `<expiry>` is the
 * key's own expiry (the `PXAT` it was written with, moved by `touch`) in milliseconds, zero-padded
 * to 13 digits (every expiry from 2001 to 2286 has 13), so `touch` overwrites it in place
 * (`SETRANGE`) without moving the value.
 * Older strings lack fields, and still read: without `;<expiry>` the store asks Redis for the
 * key's expiry (`GET_WITH_EXPIRY`); without `;<version>` either, the version is 0.
 * The owner part (`t1` or `t1:<user>`) ends at `;` or `\n`, neither of which percent-encoding
 * leaves in a user key, so one user's owner part is never a prefix match for another's. The header
 * is ASCII (percent-encoding leaves no multi-byte character in it), so its length in characters is
 * its length in bytes, which `GETRANGE` counts in. Version and expiry are written by the store's
 * Lua scripts (`WRITE_VERSIONED`, `TOUCH_EXPIRY`), atomically with the value and the key's TTL;
 * `encodePayload` builds the same string.
 *
 * @module
 */

const NO_USER = 't1';
const USER = 't1:';

/**
 * The owner part of the header of a session that belongs to `userKey` (or to nobody): the stored
 * string of such a session starts with it, followed by `;` (a version) or `\n`.
 */
export function owner(userKey: string | undefined): string {
  return userKey === undefined ? NO_USER : `${USER}${encodeURIComponent(userKey)}`;
}

/**
 * Width of the expiry field, zero-padded: the width of every expiry from 2001 to 2286. A longer
 * one (only a caller forcing a duration of centuries) is written with its own width, and `touch`
 * rewrites the string when the width changes.
 */
export const EXPIRY_DIGITS = 13;

/** The string stored for a value, its user, version and expiry (`WRITE_VERSIONED` writes the same). */
export function encodePayload(value: string, userKey: string | undefined, version: number, expiresAt: number): string {
  return `${owner(userKey)};${version};${String(expiresAt).padStart(EXPIRY_DIGITS, '0')}\n${value}`;
}

/** Whether `head`, the first `owner.length + 1` characters of a stored string, is `owner`'s. */
export function ownedBy(head: string | undefined, ownerPart: string): boolean {
  return head !== undefined && head.length === ownerPart.length + 1 && head.startsWith(ownerPart) && (head.endsWith(';') || head.endsWith('\n'));
}

/** A decoded stored string. */
export interface Payload {
  value: string;
  userKey: string | undefined;
  /** 0 for a string written before versions. */
  version: number;
  /** The key's expiry in ms, or `undefined` for a string written before the header carried it. */
  expiresAt: number | undefined;
}

const VERSION = /^(?:0|[1-9][0-9]{0,15})$/;
// 13 digits as written (`EXPIRY_DIGITS`), more only for an expiry past the year 2286.
const EXPIRY = /^[0-9]{13,19}$/;

/**
 * Splits a stored string into user, version, expiry and value, or `undefined` when it is not in
 * this format (a key some other program wrote under the prefix): "no session", never an error.
 */
export function decodePayload(stored: string): Payload | undefined {
  if (!stored.startsWith(NO_USER)) return undefined;
  const end = stored.indexOf('\n', NO_USER.length);
  if (end < 0) return undefined;
  // Percent-encoding leaves no ';' in a user key, so the header's first ';' ends the owner part.
  const fields = stored.slice(0, end).split(';');
  if (fields.length > 3) return undefined;
  const [ownerPart = '', versionField, expiryField] = fields;
  let version = 0;
  if (versionField !== undefined) {
    if (!VERSION.test(versionField)) return undefined;
    version = Number(versionField);
  }
  let expiresAt: number | undefined;
  if (expiryField !== undefined) {
    if (!EXPIRY.test(expiryField)) return undefined;
    expiresAt = Number(expiryField);
  }
  const value = stored.slice(end + 1);
  if (ownerPart === NO_USER) return { value, userKey: undefined, version, expiresAt };
  if (!ownerPart.startsWith(USER)) return undefined;
  const encoded = ownerPart.slice(USER.length);
  let userKey: string;
  try {
    userKey = encoded.includes('%') ? decodeURIComponent(encoded) : encoded;
  } catch {
    return undefined;
  }
  return { value, userKey, version, expiresAt };
}
