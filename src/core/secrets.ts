/**
 * Signing secrets: generating a good one, and spotting one that only looks long enough.
 *
 * The native API refuses a secret under 32 characters (`checkSecrets`); a longer one can still
 * be a placeholder ('changeme-changeme-changeme-changeme') that a copied config carried into
 * production, which the HMAC then rests on. OWASP (Session Management, Secrets Management
 * Cheat Sheets) and NIST SP 800-63B-4 ask for secrets from a CSPRNG; the checks below catch the
 * common ways a human-made one fails that, and warn rather than throw (a false positive must not
 * stop a deployment).
 *
 * @module
 */
import { randomBytes } from 'node:crypto';
import type { Secret } from './signature.js';

/**
 * A new signing secret: 32 bytes (256 bits) from the operating system's CSPRNG, base64url
 * (43 characters). Also a valid key for the `encryption` keyring.
 *
 * @example
 * // once, to put in your secret manager or .env:
 * // node -e "console.log(require('tessera').generateSecret())"
 * import { generateSecret } from 'tessera';
 * const secret = generateSecret(); // e.g. 'q3J5...' (43 characters)
 */
export function generateSecret(): string {
  return randomBytes(32).toString('base64url');
}

/** Words of placeholders and sample configs (compared without case, spaces or punctuation). */
const PLACEHOLDERS = [
  'keyboardcat',
  'changeme',
  'changethis',
  'replaceme',
  'secret',
  'password',
  'passwd',
  'placeholder',
  'example',
  'default',
  'qwerty',
  'letmein',
  'admin',
  '123456',
];

/**
 * Fewer distinct characters than this in 32 or more is not random data: 32 random hex digits
 * show about 14, and fewer than 8 about once in 25 million.
 */
const MIN_DISTINCT = 8;

/**
 * Why `secret` looks like a placeholder rather than random data, or `undefined` when it does not:
 * a placeholder or dictionary word inside it, a repeated pattern, few distinct characters, or
 * words with spaces (a phrase). A heuristic, tuned so that a secret from a CSPRNG (hex, base64) practically never trips it.
 *
 * @example
 * weakSecretReason('keyboard cat keyboard cat keyboard cat'); // 'it contains "keyboardcat"'
 * weakSecretReason(generateSecret()); // undefined
 */
export function weakSecretReason(secret: Secret): string | undefined {
  const text = typeof secret === 'string' ? secret : secret.toString('latin1');
  const folded = text.toLowerCase().replace(/[^a-z0-9]/g, '');
  const word = PLACEHOLDERS.find((w) => folded.includes(w));
  if (word !== undefined) return `it contains "${word}"`;
  if (repeatsItself(text)) return 'it is a short pattern repeated';
  if (new Set(text).size < MIN_DISTINCT) return `it has only ${new Set(text).size} distinct characters`;
  // Random base64, base64url or hex never contains a space; a phrase of words does.
  if (typeof secret === 'string' && /^[A-Za-z ,.;:'!?-]+$/.test(text) && text.includes(' ')) return 'it is words, not random data';
  return undefined;
}

/** True when `text` is a shorter string repeated (with a possibly cut-off last repetition). */
function repeatsItself(text: string): boolean {
  for (let period = 1; period <= text.length / 2; period++) {
    let repeats = true;
    for (let i = period; i < text.length && repeats; i++) repeats = text.charCodeAt(i) === text.charCodeAt(i - period);
    if (repeats) return true;
  }
  return false;
}

/** The warning code of a weak secret (`process.on('warning', w => w.code === ...)`). */
export const WEAK_SECRET_WARNING = 'TESSERA_WEAK_SECRET';

let warnedWeakSecret = false;

/**
 * Warns once per process, through `process.emitWarning` with code `TESSERA_WEAK_SECRET`, when a
 * configured secret looks weak (see `weakSecretReason`). Never throws.
 */
export function warnIfWeakSecret(secrets: readonly Secret[]): void {
  if (warnedWeakSecret) return;
  for (const [i, secret] of secrets.entries()) {
    const reason = weakSecretReason(secret);
    if (reason === undefined) continue;
    warnedWeakSecret = true;
    const where = secrets.length > 1 ? `secret[${i}]` : 'secret';
    process.emitWarning(
      `${where} looks like a placeholder, not random data (${reason}): anyone who guesses it can forge session cookies. Generate one with generateSecret() from tessera.`,
      { code: WEAK_SECRET_WARNING, type: 'TesseraWarning' },
    );
    return;
  }
}
