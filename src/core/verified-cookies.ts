/**
 * A bounded memo of cookie values whose signature has already been verified, so a client's
 * repeat requests skip the HMAC. Only values that verified are ever kept (a forged value is
 * recomputed, and rejected, every time), and the memo answers only for the secrets it was
 * filled under: a cookie checked against other secrets (cookie-parser's `req.secret`) is never
 * answered from it.
 *
 * The memo compares the secrets it is asked about with a copy of the ones it was filled under,
 * by content (strings by value, Buffers by bytes), and forgets everything when they differ.
 * That keeps express-session's behaviour for a `secret` array changed in place after the
 * middleware was built (`secrets.splice(0, 1, next)`): a cookie signed only with the removed
 * secret is rejected on its next request, not answered from the memo.
 *
 * @module
 */
import type { Secret } from './signature.js';
import { GenerationalMap } from './generational-map.js';

/** Signed value -> session ID, for at most `capacity` values, the recently used ones (see `generational-map.ts`). */
export class VerifiedCookies {
  readonly #ids: GenerationalMap<string, string>;
  /** A private copy of the secrets the remembered values verified under. */
  #secrets: readonly Secret[] = [];

  constructor(capacity: number) {
    this.#ids = new GenerationalMap(capacity);
  }

  /**
   * The ID `value` verified to earlier under these same `secrets`, if it is remembered. When
   * `secrets` hold anything else than the last call's (changed in place, reordered, a Buffer
   * overwritten), the memo is emptied first: nothing verified under other secrets is answered.
   */
  get(value: string, secrets: readonly Secret[]): string | undefined {
    if (!this.#holds(secrets)) {
      this.#ids.clear();
      // Buffers are copied: the caller may overwrite theirs, and the comparison must see it.
      this.#secrets = secrets.map((s) => (typeof s === 'string' ? s : Buffer.from(s)));
      return undefined;
    }
    return this.#ids.get(value);
  }

  /** Remembers that `value` verified to `id` under the secrets of the last `get`. */
  remember(value: string, id: string): void {
    this.#ids.set(value, id);
  }

  // Per request, with one or two secrets: a loop and no allocation (hot path).
  #holds(secrets: readonly Secret[]): boolean {
    const own = this.#secrets;
    if (own.length !== secrets.length) return false;
    for (let i = 0; i < own.length; i++) {
      const mine = own[i] as Secret;
      const theirs = secrets[i] as Secret;
      if (mine === theirs) continue;
      if (typeof mine === 'string' || typeof theirs === 'string' || !mine.equals(theirs)) return false;
    }
    return true;
  }
}
