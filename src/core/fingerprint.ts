/**
 * What tells whether a request changed a session.
 *
 * @module
 */

/**
 * The fingerprint of a session: its data, its user key (setting only `userKey` must still be
 * stored, or "log out everywhere" would miss the session) and its authentication time
 * (`reauthenticated()` changes nothing else, and must still be stored). JSON never contains a
 * raw newline and a time has none, so the parts cannot run together; the common session with
 * neither is its data JSON as is.
 */
export function fingerprint(dataJson: string, userKey: string | undefined, authenticatedAt?: number): string {
  if (authenticatedAt === undefined) return userKey === undefined ? dataJson : `${dataJson}\n${userKey}`;
  return `${dataJson}\n@${authenticatedAt}\n${userKey === undefined ? '' : `=${userKey}`}`;
}
