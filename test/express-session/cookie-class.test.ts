// session.Cookie: express-session's Cookie constructor and semantics (it is Tessera's
// SessionCookie), and the same JSON as express-session's own Cookie.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { it } from 'node:test';
import session from '../../src/adapters/express-session/index.js';

const require = createRequire(import.meta.url);
const { Cookie: RealCookie } = require('express-session') as { Cookie: new (options?: object) => object };

it('new Cookie() has the defaults: path /, httpOnly, no expiry', () => {
  const cookie = new session.Cookie();
  assert.equal(cookie.path, '/');
  assert.equal(cookie.httpOnly, true);
  assert.equal(cookie.maxAge, null);
  assert.equal(cookie.expires, null);
  assert.equal(cookie.originalMaxAge, null);
});

it('new Cookie({ maxAge }) sets expires and originalMaxAge; maxAge counts down', () => {
  const cookie = new session.Cookie({ maxAge: 60_000 });
  assert.equal(cookie.originalMaxAge, 60_000);
  assert.ok(cookie.maxAge !== null && cookie.maxAge <= 60_000 && cookie.maxAge > 59_000);
  assert.ok(cookie.expires instanceof Date);
});

it('serialises to the same JSON as express-session’s Cookie', () => {
  const options = { maxAge: 60_000, domain: 'example.test', sameSite: 'lax' as const, secure: true, httpOnly: false, path: '/app', partitioned: true, priority: 'high' as const };
  const ours = JSON.parse(JSON.stringify(new session.Cookie(options))) as Record<string, unknown>;
  const theirs = JSON.parse(JSON.stringify(new RealCookie(options))) as Record<string, unknown>;
  const expiresOurs = Date.parse(String(ours.expires));
  const expiresTheirs = Date.parse(String(theirs.expires));
  assert.ok(Math.abs(expiresOurs - expiresTheirs) < 1000);
  delete ours.expires;
  delete theirs.expires;
  assert.deepEqual(ours, theirs);
});

it('serialize(name, value) writes a Set-Cookie value', () => {
  assert.equal(new session.Cookie({ path: '/x' }).serialize('a', 'b'), 'a=b; Path=/x; HttpOnly');
});
