/**
 * The `encryption` option: a keyring of AES-256 keys, checked once at construction. The first
 * key encrypts every record written; every key decrypts, so a key is rotated by putting the new
 * one first and keeping the old one until the records it sealed have been rewritten or expired.
 *
 * @module
 */
import { createSecretKey, type KeyObject } from 'node:crypto';

/** One key of the keyring. */
export interface EncryptionKey {
  /**
   * A short name stored with each record it seals (1-32 of `A-Z a-z 0-9 _ -`), so the record
   * is opened with the right key after a rotation. Not secret.
   */
  id: string;
  /** 32 random bytes: a Buffer, or a base64/base64url string of them (`generateSecret()` makes one). */
  key: Buffer | string;
}

/** The `encryption` option of `SessionManager` and of the express-session drop-in. */
export interface EncryptionOptions {
  /** The keys, newest first: the first encrypts, all decrypt. At least one, ids unique. */
  keys: readonly EncryptionKey[];
  /**
   * Also read records stored without encryption (a deployment turning encryption on), each
   * re-encrypted the next time it is written. Default `false`: with encryption on, a plaintext
   * record is no session, so whoever can write to the store cannot plant one.
   */
  acceptPlaintext?: boolean;
}

/** A checked keyring, ready for `sealEnvelope`/`openEnvelope`. */
export interface Keyring {
  /** The key that encrypts. */
  readonly primary: { readonly id: string; readonly key: KeyObject };
  /** Every key by id. */
  readonly keys: ReadonlyMap<string, KeyObject>;
  /** See {@link EncryptionOptions.acceptPlaintext}. */
  readonly acceptPlaintext: boolean;
}

/** Key ids: they sit between dots in the envelope, so no dot. */
const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;
/** base64 or base64url of exactly 32 bytes (43 characters, one optional `=`). */
const KEY_TEXT = /^[A-Za-z0-9+/_-]{43}=?$/;
const KEY_BYTES = 32;

/**
 * Checks the `encryption` option and builds its keyring. Keys are copied, so changing the
 * caller's Buffers afterwards changes nothing. `name` is the option's name in errors.
 *
 * @throws {TypeError} naming the option: not an object, an empty or non-array `keys`, a bad or
 * duplicate `id`, a key that is not 32 bytes, a non-boolean `acceptPlaintext`.
 * @example
 * const keyring = createKeyring({ keys: [{ id: 'k2', key: process.env.SESSION_KEY_2! }, { id: 'k1', key: process.env.SESSION_KEY_1! }] });
 */
export function createKeyring(options: unknown, name = 'encryption'): Keyring {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`${name} must be an object like { keys: [{ id: 'k1', key: <32 bytes, base64> }] }`);
  }
  const { keys, acceptPlaintext } = options as Partial<EncryptionOptions>;
  if (!Array.isArray(keys) || keys.length === 0) {
    throw new TypeError(`${name}.keys must be a non-empty array of { id, key } (the first encrypts, all decrypt)`);
  }
  if (acceptPlaintext !== undefined && typeof acceptPlaintext !== 'boolean') {
    throw new TypeError(`${name}.acceptPlaintext must be true or false (got ${JSON.stringify(acceptPlaintext)})`);
  }
  const map = new Map<string, KeyObject>();
  (keys as unknown[]).forEach((entry, i) => {
    const where = `${name}.keys[${i}]`;
    if (typeof entry !== 'object' || entry === null) throw new TypeError(`${where} must be an object { id, key }`);
    const { id, key } = entry as Partial<EncryptionKey>;
    if (typeof id !== 'string' || !KEY_ID.test(id)) {
      throw new TypeError(`${where}.id must be 1-32 characters of A-Z a-z 0-9 _ - (got ${JSON.stringify(id)})`);
    }
    if (map.has(id)) throw new TypeError(`${where}.id "${id}" is a duplicate: each key needs its own id`);
    map.set(id, createSecretKey(keyBytes(key, `${where}.key`)));
  });
  const first = (keys as EncryptionKey[])[0] as EncryptionKey;
  return Object.freeze({
    primary: Object.freeze({ id: first.id, key: map.get(first.id) as KeyObject }),
    keys: map,
    acceptPlaintext: acceptPlaintext ?? false,
  });
}

/** The 32 key bytes of a Buffer or base64 string; anything else is a `TypeError` naming `where`. */
function keyBytes(key: unknown, where: string): Buffer {
  // A passphrase of 32 characters is not 32 random bytes: refuse it rather than stretch it.
  const hint = `it must be ${KEY_BYTES} random bytes, as a Buffer or base64 (e.g. generateSecret() or \`openssl rand -base64 32\`)`;
  if (Buffer.isBuffer(key)) {
    if (key.length !== KEY_BYTES) throw new TypeError(`${where} is ${key.length} bytes: ${hint}`);
    return Buffer.from(key);
  }
  if (typeof key === 'string') {
    // Node's base64 decoder reads the base64url alphabet too.
    const bytes = KEY_TEXT.test(key) ? Buffer.from(key, 'base64') : undefined;
    if (bytes?.length !== KEY_BYTES) throw new TypeError(`${where} is not base64 of ${KEY_BYTES} bytes: ${hint}`);
    return bytes;
  }
  throw new TypeError(`${where} is missing or not a Buffer or string: ${hint}`);
}
