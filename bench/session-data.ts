/**
 * The session data and the express-session options every contender shares, so the peer and
 * the drop-in are measured on identical work.
 *
 * @module
 */
import { createHash } from 'node:crypto';

/** The signing secret (benchmark only). */
export const SECRET = 'tessera-bench-secret-0123456789abcdef-0123456789';

/** Cookie lifetime: a common production setting, and the one both sides receive. */
export const MAX_AGE = 30 * 60_000;

/**
 * The express-session options given to BOTH express-session and tessera/express-session
 * (a fresh object per call: express-session keeps a reference to what it is given).
 */
export function sessionOptions(): { secret: string; resave: false; saveUninitialized: false; cookie: { maxAge: number } } {
  return { secret: SECRET, resave: false, saveUninitialized: false, cookie: { maxAge: MAX_AGE } };
}

/** The options as printed in the results. */
export const OPTIONS_TEXT = `{ secret, resave: false, saveUninitialized: false, cookie: { maxAge: ${MAX_AGE} } } (cookie name, path, httpOnly: defaults)`;

/** A logged-in user as an app keeps it in the session. */
export interface Profile {
  id: string;
  name: string;
  email: string;
  roles: string[];
  locale: string;
}

/** What a logged-in session holds. */
export interface LoggedIn {
  user: Profile;
  csrf: string;
  counter: number;
}

/** The user profile of `name` (deterministic, so checks can recompute it). */
export function profileOf(name: string): Profile {
  return {
    id: createHash('sha1').update(name).digest('hex').slice(0, 12),
    name,
    email: `${name}@example.com`,
    roles: ['member', 'reader'],
    locale: 'en-GB',
  };
}

/** The data a login writes: a profile, a CSRF token and a counter (about 190 bytes of JSON). */
export function loggedInData(name: string): LoggedIn {
  return { user: profileOf(name), csrf: createHash('sha256').update(`csrf:${name}`).digest('base64url'), counter: 0 };
}

/** What the create route writes into a brand-new session (an anonymous cart). */
export function cartData(n: number): { cart: { items: string[]; currency: string }; visitedAt: number } {
  return { cart: { items: [`sku-${n % 997}`], currency: 'EUR' }, visitedAt: Date.now() };
}
