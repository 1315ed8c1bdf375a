import { createHmac, createSecretKey, timingSafeEqual, type KeyObject } from 'node:crypto';

/** Length of an HMAC-SHA256 in base64 without padding (32 bytes -> 43 characters). */
const MAC_LENGTH = 43;

/** A secret for HMAC signing: a string or raw bytes. */
export type Secret = string | Buffer;

/**
 * Signs a session ID for its cookie: `s:<id>.<HMAC-SHA256(id) in base64 without padding>`.
 * Byte-compatible with express-session's cookies (`s:` prefix, the same MAC and encoding), so
 * sessions survive a switch in either direction.
 *
 * @example
 * signId('abc', secret); // 's:abc.<43 characters>'
 */
export function signId(id: string, secret: Secret): string {
  return `s:${id}.${mac(id, secret)}`;
}

/**
 * Verifies a signed cookie value against every secret (the first one signs, all verify, so a
 * secret can be rotated without logging everybody out). Returns the ID, or `undefined` for an
 * unsigned, malformed or forged value.
 *
 * Comparison is constant-time (`crypto.timingSafeEqual`, OWASP Session Management: no timing
 * oracle on the MAC). A value whose MAC part has the wrong length is refused before any HMAC is
 * computed: the length of a MAC is public, and this bounds what junk cookies cost.
 *
 * @example
 * unsignId(signId('abc', secret), [secret]); // 'abc'
 * unsignId('s:abc.forged', [secret]); // undefined
 */
export function unsignId(value: string, secrets: readonly Secret[]): string | undefined {
  if (value.length < 4 || value.charCodeAt(0) !== 115 /* s */ || value.charCodeAt(1) !== 58 /* : */) return undefined;
  const dot = value.lastIndexOf('.');
  if (dot < 3 || value.length - dot - 1 !== MAC_LENGTH) return undefined;
  const id = value.slice(2, dot);
  const given = Buffer.from(value.slice(dot + 1));
  for (const secret of secrets) {
    const expected = Buffer.from(mac(id, secret));
    if (expected.length === given.length && timingSafeEqual(expected, given)) return id;
  }
  return undefined;
}

function mac(id: string, secret: Secret): string {
  // Base64 of 32 bytes always ends in one '=': the cookie carries the 43 characters before it.
  return createHmac('sha256', keyOf(secret)).update(id).digest('base64').slice(0, MAC_LENGTH);
}

// Secrets as `KeyObject`s, made once: `createHmac` with a string or Buffer key imports it anew
// on every call, which costs as much as the HMAC itself. Secrets are few (a rotation list), so
// the map stays small; a Buffer is copied, and checked against its copy on each use, because
// its owner may change its bytes later.
const MAX_KEYS = 64;
const stringKeys = new Map<string, KeyObject>();
const bufferKeys = new WeakMap<Buffer, { bytes: Buffer; key: KeyObject }>();

function keyOf(secret: Secret): KeyObject | Secret {
  // An empty key is left to createHmac as it is, whatever createSecretKey thinks of one.
  if (secret.length === 0) return secret;
  if (typeof secret === 'string') {
    let key = stringKeys.get(secret);
    if (key === undefined) {
      if (stringKeys.size >= MAX_KEYS) stringKeys.clear();
      key = createSecretKey(secret, 'utf8');
      stringKeys.set(secret, key);
    }
    return key;
  }
  const known = bufferKeys.get(secret);
  if (known !== undefined && known.bytes.equals(secret)) return known.key;
  const bytes = Buffer.from(secret);
  const key = createSecretKey(bytes);
  bufferKeys.set(secret, { bytes, key });
  return key;
}
