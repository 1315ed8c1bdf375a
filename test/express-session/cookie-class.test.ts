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
  // express-session's Cookie derives originalMaxAge from a second clock read, a few ms short
  // under load; the drop-in keeps the configured 60000 exactly (its documented guarantee).
  assert.equal(ours.originalMaxAge, 60_000);
  assert.ok(Math.abs(Number(theirs.originalMaxAge) - 60_000) < 1000);
  delete ours.originalMaxAge;
  delete theirs.originalMaxAge;
  assert.deepEqual(ours, theirs);
});

it('serialize(name, value) writes a Set-Cookie value', () => {
  assert.equal(new session.Cookie({ path: '/x' }).serialize('a', 'b'), 'a=b; Path=/x; HttpOnly');
});

// What express-session's own Cookie does with odd arguments, checked against it side by side.
const nonObjects: Array<[string, unknown]> = [
  ['a number', 42],
  ['a string', 'path=/'],
  ['a boolean', true],
  ['a function', () => ({})],
];
for (const [what, value] of nonObjects) {
  it(`new Cookie(${what}) throws a TypeError mentioning "argument options", as express-session’s does`, () => {
    const expected = (error: unknown) => error instanceof TypeError && /argument options/.test(error.message);
    assert.throws(() => new RealCookie(value as object), expected);
    assert.throws(() => new session.Cookie(value as object), expected);
  });
}

it('new Cookie() with a falsy non-object (0, "", false) takes the defaults, as express-session’s does', () => {
  for (const value of [0, '', false]) {
    const real = new RealCookie(value as unknown as object) as { path: string; httpOnly: boolean };
    const ours = new session.Cookie(value as unknown as object);
    assert.equal(ours.path, real.path);
    assert.equal(ours.httpOnly, real.httpOnly);
    assert.equal(ours.expires ?? null, null);
  }
});

it('new Cookie({ expires: d }) keeps that very Date object', () => {
  const d = new Date(Date.now() + 60_000);
  assert.equal((new RealCookie({ expires: d }) as { expires: Date }).expires, d);
  const cookie = new session.Cookie({ expires: d });
  assert.equal(cookie.expires, d);
  assert.ok(cookie.originalMaxAge !== null && cookie.originalMaxAge > 59_000 && cookie.originalMaxAge <= 60_000);
});

it('maxAge accepts a Date: it sets expires to that instant and then reads the milliseconds left', () => {
  const d = new Date(Date.now() + 30_000);
  for (const cookie of [new RealCookie() as { maxAge: unknown; expires: unknown }, new session.Cookie() as unknown as { maxAge: unknown; expires: unknown }]) {
    cookie.maxAge = d;
    assert.equal(cookie.expires, d);
    assert.equal(typeof cookie.maxAge, 'number');
    assert.ok((cookie.maxAge as number) > 29_000 && (cookie.maxAge as number) <= 30_000);
  }
  const fromOptions = new session.Cookie({ maxAge: d as unknown as number });
  assert.equal(fromOptions.expires, d);
  assert.ok(fromOptions.originalMaxAge !== null && fromOptions.originalMaxAge > 29_000);
});

it('maxAge rejects anything but a number, a Date or null with express-session’s TypeError', () => {
  assert.throws(() => new RealCookie({ maxAge: 'soon' }), /maxAge must be a number or Date/);
  assert.throws(() => new session.Cookie({ maxAge: 'soon' as unknown as number }), (e: unknown) => e instanceof TypeError && /maxAge must be a number or Date/.test((e as Error).message));
});
