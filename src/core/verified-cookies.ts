/**
 * A bounded memo of cookie values whose signature has already been verified, so a client's
 * repeat requests skip the HMAC. Only values that verified are ever kept (a forged value is
 * recomputed, and rejected, every time), and the memo belongs to one set of secrets: a cookie
 * checked against other secrets (cookie-parser's `req.secret`) is never answered from it.
 *
 * @module
 */

/** Signed value -> session ID, for at most `capacity` values (the oldest go first). */
export class VerifiedCookies {
  readonly #ids = new Map<string, string>();
  readonly #capacity: number;

  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  /** The ID a value verified to earlier, if it is remembered. */
  get(value: string): string | undefined {
    return this.#ids.get(value);
  }

  /** Remembers that `value` verified to `id`. */
  remember(value: string, id: string): void {
    if (this.#capacity <= 0) return;
    if (this.#ids.size >= this.#capacity) {
      const oldest = this.#ids.keys().next();
      if (!oldest.done) this.#ids.delete(oldest.value);
    }
    this.#ids.set(value, id);
  }
}
