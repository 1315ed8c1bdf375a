import { randomBytes } from 'node:crypto';

/**
 * A new session ID: 256 bits from the operating system's CSPRNG, base64url (43 characters).
 * OWASP asks for at least 64 bits of entropy; 256 leaves no room for guessing.
 */
export function generateSessionId(): string {
  return randomBytes(32).toString('base64url');
}
