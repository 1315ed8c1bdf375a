import { createHmac, timingSafeEqual } from 'node:crypto';

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
  return createHmac('sha256', secret).update(id).digest('base64').replace(/=+$/, '');
}
