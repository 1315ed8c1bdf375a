/**
 * Store keys: what the core hands a store in place of the session ID.
 *
 * The key is `base64url(SHA-256(session ID))`, so whoever reads the store (a backup, a dump, a
 * replica, a `KEYS *`) holds keys that are not cookies: presenting one as a session ID looks up
 * its hash, which matches nothing. A plain hash suffices (no HMAC, no salt): the ID already has
 * 256 random bits, so there is nothing to brute-force, unlike a password (OWASP Session
 * Management Cheat Sheet: the ID is a credential; NIST SP 800-63B-4 §5.1.1.2 hashes stored
 * verifiers for the same reason). The store sees 43 base64url characters, inside the store contract.
 *
 * @module
 */
import * as crypto from 'node:crypto';

/**
 * Node's one-shot `crypto.hash` (Node 20.12+): no Hash object, stream wrapper or native handle
 * per call (about a third of `createHash`'s cost, and nothing for the GC to finalise), on the
 * path of every request. Older Node 20 releases fall back to `createHash`.
 */
const oneShot = (crypto as { hash?: (algorithm: string, data: string, encoding: 'base64url') => string }).hash;

/**
 * The store key of a session ID: `base64url(SHA-256(id))`, 43 characters. One hash per call
 * (about 0.3 µs); the engine derives the key with it when `hashStoreKeys` is on.
 *
 * Useful for operations too: it finds the record of a session whose ID you hold.
 *
 * @example
 * import { hashStoreKey } from 'tessera';
 * const record = await store.get(hashStoreKey(sessionId));
 */
export function hashStoreKey(id: string): string {
  return oneShot !== undefined ? oneShot('sha256', id, 'base64url') : crypto.createHash('sha256').update(id).digest('base64url');
}
