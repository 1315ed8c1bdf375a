/**
 * A bounded memo of sealed store values that already opened, so a read-only request for an
 * unchanged session does not decrypt the same record again (most requests only read).
 *
 * Decrypting is cheap in itself (AES-GCM of a few hundred bytes), but each open builds a
 * native decipher object, and under HTTP load those cost far more than a micro-benchmark shows.
 * Only values that authenticated, or that this process sealed itself on a write (`RecordMemos.seal`:
 * the next read of a written session is not decrypted either), are kept, each with the store key
 * it was opened (or sealed) under: a
 * value copied under another key misses (the key is part of the AAD) and is decrypted, and
 * refused, as before. Entries are never stale: a sealed value is immutable and the keyring
 * cannot change under a manager. What it holds is decrypted session JSON in the process's own
 * memory, where every request handling that session holds it anyway; encryption at rest
 * protects the store, not the application's heap.
 *
 * @module
 */

import { GenerationalMap } from './generational-map.js';

/** Longest sealed value kept (longer ones are opened every time): bounds the memo's memory. */
const MAX_VALUE_LENGTH = 4096;

/** Sealed value -> its JSON and the store key it opened under, for at most `capacity` values, the recently used ones (see `generational-map.ts`). */
export class OpenedValues {
  readonly #entries: GenerationalMap<string, { key: string; json: string }>;

  constructor(capacity: number) {
    this.#entries = new GenerationalMap(capacity);
  }

  /** The JSON `value` opened to under this very `key`, if remembered. */
  get(value: string, key: string): string | undefined {
    const entry = this.#entries.get(value);
    return entry !== undefined && entry.key === key ? entry.json : undefined;
  }

  /** Remembers that `value` opened (authenticated) under `key` to `json`. */
  remember(value: string, key: string, json: string): void {
    if (value.length > MAX_VALUE_LENGTH) return;
    this.#entries.set(value, { key, json });
  }
}
