/**
 * The forged, malformed, oversized and duplicated `Cookie` headers every adapter's
 * malformed-cookie suite sends for a session cookie named `sid`: each must mean "no session"
 * (a fresh one, a 200), never a 5xx and never a session under an ID the client chose.
 *
 * @module
 */
import { signId } from '../../src/core/signature.js';
import { TEST_SECRET } from './session-client.js';

/** A well-formed session ID the server never issued. */
export const GOOD_ID = 'Jx1pW0v3fQ8sY2nK4rT6uV9zA1bC3dE5fG7hI9jK0lM';

/** `[label, Cookie header, whether it carries the name sid at all (default true)]`. */
export type HostileCookieCase = [label: string, header: string, sent?: boolean];

/** The cases, for a server signing with `TEST_SECRET`. */
export function hostileCookieCases(): HostileCookieCase[] {
  const signed = encodeURIComponent(signId(GOOD_ID, TEST_SECRET));
  return [
    ['an unsigned ID', `sid=${GOOD_ID}`],
    ['a forged signature', `sid=${encodeURIComponent(`s:${GOOD_ID}.${'A'.repeat(43)}`)}`],
    ['a signature made with another secret', `sid=${encodeURIComponent(signId(GOOD_ID, 'x'.repeat(40)))}`],
    ['only the prefix', 'sid=s%3A'],
    ['an empty value', 'sid='],
    ['broken percent-encoding', 'sid=s%3A%E0%A4%A.abc%'],
    ['a quoted value', 'sid="s:abc.def'],
    ['control characters', 'sid=s%3Aabc%00%01.def'],
    ['multi-byte characters', 'sid=s%3A%C3%A9%C3%A9.%F0%9F%8D%AA'],
    ['an oversized value (5000 characters)', `sid=s%3A${'a'.repeat(5000)}.${'b'.repeat(43)}`],
    ['the name twice, both forged', 'sid=s%3Aa.b; sid=s%3Ac.d'],
    ['the name twice, an unsigned ID and a forged value', `sid=${GOOD_ID}; sid=s%3A${'z'.repeat(43)}.${'y'.repeat(43)}`],
    ['a header of junk', ';;;=;sid;==;=sid=;', false],
    ['a valid signature for an ID the server never issued', `sid=${signed}`],
    ['many cookies, none of them ours (12 KB)', Array.from({ length: 500 }, (_, i) => `c${i}=${'v'.repeat(20)}`).join('; '), false],
  ];
}
