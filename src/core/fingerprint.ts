/**
 * What tells whether a request changed a session.
 *
 * @module
 */

/**
 * The fingerprint of a session: its data and its user key (setting only `userKey` must still be
 * stored, or "log out everywhere" would miss the session). JSON never contains a raw newline,
 * so the two parts cannot run together.
 */
export function fingerprint(dataJson: string, userKey: string | undefined): string {
  return userKey === undefined ? dataJson : `${dataJson}\n${userKey}`;
}
