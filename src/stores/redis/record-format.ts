/**
 * The string `RedisStore` keeps under a session key: a one-line header naming the session's
 * user, then the value byte-for-byte. Keeping the user beside the value (same key, same slot)
 * lets `set` stay one atomic `SET`, and lets the per-user index be checked against the truth:
 * a listed key counts only while its own header still names that user.
 *
 * Format: `t1\n<value>` without a user, `t1:<encodeURIComponent(userKey)>\n<value>` with one.
 * The header is ASCII (percent-encoding leaves no newline and no multi-byte character in it),
 * so its length in characters is its length in bytes, which `GETRANGE` counts in.
 *
 * @module
 */

const NO_USER = 't1';
const USER = 't1:';

/** The header of a session that belongs to `userKey` (or to nobody), newline included. */
export function header(userKey: string | undefined): string {
  return userKey === undefined ? `${NO_USER}\n` : `${USER}${encodeURIComponent(userKey)}\n`;
}

/** The string stored for a value and its user. */
export function encodePayload(value: string, userKey: string | undefined): string {
  return header(userKey) + value;
}

/** A decoded stored string. */
export interface Payload {
  value: string;
  userKey: string | undefined;
}

/**
 * Splits a stored string into user and value, or `undefined` when it is not in this format
 * (a key some other program wrote under the prefix): treated as "no session", never an error.
 */
export function decodePayload(stored: string): Payload | undefined {
  if (!stored.startsWith(NO_USER)) return undefined;
  const end = stored.indexOf('\n', NO_USER.length);
  if (end === NO_USER.length) return { value: stored.slice(end + 1), userKey: undefined };
  if (end < 0 || stored[NO_USER.length] !== ':') return undefined;
  const encoded = stored.slice(USER.length, end);
  let userKey: string;
  try {
    userKey = encoded.includes('%') ? decodeURIComponent(encoded) : encoded;
  } catch {
    return undefined;
  }
  return { value: stored.slice(end + 1), userKey };
}
