/**
 * The string `RedisStore` keeps under a session key: a one-line header naming the session's
 * user, then the value byte-for-byte. Keeping the user beside the value (same key, same slot)
 * lets `set` stay one atomic `SET`, and lets the per-user index be checked against the truth:
 * a listed key counts only while its own header still names that user.
 *
 * Format: `t1;<version>\n<value>` without a user, `t1:<encodeURIComponent(userKey)>;<version>\n<value>`
 * with one. A string written before versions has no `;<version>` and reads as version 0. The
 * owner part (`t1` or `t1:<user>`) ends at `;` or `\n`, neither of which percent-encoding leaves
 * in a user key, so one user's owner part is never a prefix match for another's. The header is
 * ASCII (percent-encoding leaves no multi-byte character in it), so its length in characters is
 * its length in bytes, which `GETRANGE` counts in. The version is written by the store's Lua
 * script (`WRITE_VERSIONED`), atomically with the value; `encodePayload` builds the same string.
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

/** The string stored for a value, its user and its version (`WRITE_VERSIONED` writes the same). */
export function encodePayload(value: string, userKey: string | undefined, version: number): string {
  return `${owner(userKey)};${version}\n${value}`;
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
}

const VERSION = /^(?:0|[1-9][0-9]{0,15})$/;

/**
 * Splits a stored string into user and value, or `undefined` when it is not in this format
 * (a key some other program wrote under the prefix): treated as "no session", never an error.
 */
export function decodePayload(stored: string): Payload | undefined {
  if (!stored.startsWith(NO_USER)) return undefined;
  const end = stored.indexOf('\n', NO_USER.length);
  if (end < 0) return undefined;
  // Percent-encoding leaves no ';' in a user key, so a ';' in the header starts the version;
  // searched backwards from the newline, so a long value is never scanned.
  const semicolon = stored.lastIndexOf(';', end);
  const ownerEnd = semicolon >= NO_USER.length ? semicolon : end;
  let version = 0;
  if (ownerEnd < end) {
    const digits = stored.slice(ownerEnd + 1, end);
    if (!VERSION.test(digits)) return undefined;
    version = Number(digits);
  }
  const value = stored.slice(end + 1);
  if (ownerEnd === NO_USER.length) return { value, userKey: undefined, version };
  if (stored[NO_USER.length] !== ':') return undefined;
  const encoded = stored.slice(USER.length, ownerEnd);
  let userKey: string;
  try {
    userKey = encoded.includes('%') ? decodeURIComponent(encoded) : encoded;
  } catch {
    return undefined;
  }
  return { value, userKey, version };
}
