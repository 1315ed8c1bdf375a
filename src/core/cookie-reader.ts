/**
 * Reading the session ID out of a request's `Cookie` header: find the values sent under the
 * cookie's name, verify each signature, and remember the ones that verified so a client's
 * repeat requests skip the HMAC. Nothing here looks at the store.
 *
 * @module
 */
import { cookieValues } from './cookie-header.js';
import { unsignId, type Secret } from './signature.js';
import { VerifiedCookies } from './verified-cookies.js';

/** A longer `Cookie` header is not read at all (Node's own header limit is 16 KiB in total). */
const MAX_COOKIE_HEADER = 16 * 1024;
/** Most verified IDs from one header that `load` looks up (each is a store read). */
export const MAX_CANDIDATES = 4;

/** Verifies signed cookie values against the configured secrets, with a memo of the ones that verified. */
export class SignedCookieReader {
  /** Cookie values already verified against the configured secrets (by content). */
  readonly #verified = new VerifiedCookies(10_000);

  /**
   * @param secrets the configured secrets, read at each call (the drop-in's array may change in place)
   * @param maxLength longest signed value accepted; longer means "no session"
   */
  constructor(
    private readonly secrets: () => readonly Secret[] | undefined,
    private readonly maxLength: number,
  ) {}

  /** The session ID in a signed cookie value, or `undefined` for a missing, oversized, unsigned or forged one. */
  read(value: string | undefined, secrets: readonly Secret[] | undefined = this.secrets()): string | undefined {
    if (value === undefined || value.length === 0 || value.length > this.maxLength || !secrets) return undefined;
    // The memo answers only for the configured secrets (per-request secrets are checked afresh),
    // and only while they hold what they held when it was filled (an array changed in place).
    const memo = secrets === this.secrets() ? this.#verified : undefined;
    const known = memo?.get(value, secrets);
    if (known !== undefined) return known;
    const id = unsignId(value, secrets);
    if (id !== undefined) memo?.remember(value, id);
    return id;
  }

  /**
   * The verified session IDs a `Cookie` header carries under `name`, in header order, without
   * repeats; at most `MAX_CANDIDATES`. Several only when the name is sent more than once
   * (cookie tossing, see `cookie-header.ts`): `load` then takes the first one with a live session.
   * `sent` tells whether the name was there at all (verified or not).
   */
  candidates(header: string | undefined, name: string, secrets?: readonly Secret[]): { ids: string[]; sent: boolean } {
    if (!header || header.length > MAX_COOKIE_HEADER) return { ids: [], sent: false };
    const values = cookieValues(header, name);
    if (values.length <= 1) {
      const id = this.read(values[0], secrets);
      return { ids: id === undefined ? [] : [id], sent: values.length === 1 };
    }
    const ids: string[] = [];
    for (const value of values) {
      const id = this.read(value, secrets);
      if (id !== undefined && !ids.includes(id)) ids.push(id);
      if (ids.length === MAX_CANDIDATES) break;
    }
    return { ids, sent: true };
  }
}
