/**
 * The engine's per-process memos of work whose result depends only on its input: hashing a
 * session ID into its store key, opening a sealed value, decoding a record's JSON, signing an
 * ID. Most requests only read, and a session that changes on every request writes the record
 * its next request reads, so each is asked for the same answer again and again. Each memo is
 * bounded (see `generational-map.ts`) and answers only for the very input it was filled from,
 * so none is ever stale.
 *
 * @module
 */
import { openValue, sealValue, type DecodedRecord, type OpenedValue } from './codec.js';
import { DecodedRecords, type WrittenRecord } from './decoded-records.js';
import { GenerationalMap } from './generational-map.js';
import { hashStoreKey } from './keys.js';
import type { Keyring } from './keyring.js';
import { OpenedValues } from './opened-values.js';
import { signId, type Secret } from './signature.js';

/** The memos of one engine, for its keyring (which never changes under an engine). */
export class RecordMemos {
  /** Sealed store values that already opened (see `opened-values.ts`). */
  readonly #opened = new OpenedValues(5_000);
  /** Signed cookie values of recently written sessions, by ID (with the secret that signed them). */
  readonly #signed = new GenerationalMap<string, { secret: string; value: string }>(10_000);
  /** Records already decoded, by store key (see `decoded-records.ts`). */
  readonly #decoded = new DecodedRecords(5_000);
  /** Hashed store keys, by session ID. */
  readonly #keys = new GenerationalMap<string, string>(10_000);

  constructor(private readonly keyring: Keyring | undefined) {}

  /**
   * The JSON of a stored value read under `key` (`openValue`), answered from the memo for a
   * sealed value that already opened under that key, so an unchanged session is not decrypted
   * on every read.
   */
  open(value: string, key: string): OpenedValue {
    const keyring = this.keyring;
    if (keyring === undefined) return openValue(value, key, undefined);
    const known = this.#opened.get(value, key);
    if (known !== undefined) return { ok: true, json: known };
    const opened = openValue(value, key, keyring);
    // Only what was sealed (a plaintext value accepted with `acceptPlaintext` costs nothing to open).
    if (opened.ok && opened.json !== value) this.#opened.remember(value, key, opened.json);
    return opened;
  }

  /**
   * The value a store keeps for a record's JSON under `key` (`sealValue`). A sealed value is
   * remembered as opened, so the next read of a session this request writes (the common
   * write-then-read) is not decrypted: it opens to this very JSON, under this very key.
   */
  seal(json: string, key: string): string {
    const value = sealValue(json, key, this.keyring);
    if (this.keyring !== undefined) this.#opened.remember(value, key, json);
    return value;
  }

  /** `hashStoreKey(id)`: a request that reads and then writes, and the session's next requests, need the same SHA-256. */
  hashedKey(id: string): string {
    let key = this.#keys.get(id);
    if (key === undefined) {
      key = hashStoreKey(id);
      this.#keys.set(id, key);
    }
    return key;
  }

  /** `decodeRecord(json)` of a record read under store key `key` (see `decoded-records.ts`). */
  decode(key: string, json: string): DecodedRecord {
    return this.#decoded.decode(key, json);
  }

  /** Notes that this process wrote `json` under `key`, encoded from `written` (see `DecodedRecords.remember`). */
  rememberWritten(key: string, json: string, written: WrittenRecord): void {
    this.#decoded.remember(key, json, written);
  }

  /**
   * `signId(id, secret)`, remembered for string secrets: every write sends the cookie again (its
   * expiry moved), and the same session's next write would compute the same HMAC. (A Buffer
   * secret may change its bytes in place, so it is signed afresh.)
   */
  signedId(id: string, secret: Secret): string {
    if (typeof secret !== 'string') return signId(id, secret);
    const known = this.#signed.get(id);
    if (known !== undefined && known.secret === secret) return known.value;
    const value = signId(id, secret);
    this.#signed.set(id, { secret, value });
    return value;
  }
}
