// SessionCookie: express-session's maxAge / expires / originalMaxAge semantics on an injected
// clock, the stored JSON shape, and the Set-Cookie attributes it serialises.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { describe, it, mock } from 'node:test';
import { SessionCookie, type CookieOptions, type StoredCookie } from './session-cookie.js';
import { manualClock } from '../../test/helpers/manual-clock.js';

const require = createRequire(import.meta.url);
// express-session's real Cookie, loaded untyped so its type declarations stay out of the program.
const { Cookie: ExpressCookie } = require('express-session') as {
  Cookie: new (options?: object) => { serialize(name: string, value: string): string };
};

/** The attributes of a Set-Cookie header, as a set (order is not meaningful). */
function attributes(header: string): Set<string> {
  return new Set(header.split('; ').map((part, i) => (i === 0 ? part : part.toLowerCase())));
}

describe('SessionCookie: maxAge, expires, originalMaxAge', () => {
  it('is a browser-session cookie without maxAge: no expiry, null everywhere', () => {
    const c = new SessionCookie({}, manualClock().now);
    assert.equal(c.expires, null);
    assert.equal(c.maxAge, null);
    assert.equal(c.originalMaxAge, null);
  });

  it('turns maxAge into an absolute expiry and remembers the lifetime', () => {
    const clock = manualClock();
    const c = new SessionCookie({ maxAge: 60_000 }, clock.now);
    assert.equal(c.expires?.getTime(), clock.now() + 60_000);
    assert.equal(c.originalMaxAge, 60_000);
    clock.advance(15_000);
    assert.equal(c.maxAge, 45_000, 'maxAge is the time left');
    assert.equal(c.originalMaxAge, 60_000, 'originalMaxAge does not move');
  });

  it('moves expires (and re-bases originalMaxAge) when maxAge is set', () => {
    const clock = manualClock();
    const c = new SessionCookie({ maxAge: 60_000 }, clock.now);
    clock.advance(1000);
    c.maxAge = 10_000;
    assert.equal(c.expires?.getTime(), clock.now() + 10_000);
    assert.equal(c.originalMaxAge, 10_000);
    c.maxAge = null;
    assert.equal(c.expires, null);
    assert.equal(c.originalMaxAge, null);
  });

  it('records the exact lifetime even when the clock ticks between reads', () => {
    // A clock that moves 1 ms on every read: originalMaxAge must still be the lifetime given.
    let t = 1_700_000_000_000;
    const ticking = (): number => t++;
    const c = new SessionCookie({ maxAge: 600_000 }, ticking);
    assert.equal(c.originalMaxAge, 600_000);
    c.maxAge = 30_000;
    assert.equal(c.originalMaxAge, 30_000);
  });

  it('derives originalMaxAge from an expires set directly', () => {
    const clock = manualClock();
    const c = new SessionCookie({ expires: new Date(clock.now() + 5000) }, clock.now);
    assert.equal(c.originalMaxAge, 5000);
    c.expires = new Date(clock.now() + 7000);
    assert.equal(c.originalMaxAge, 7000);
    assert.equal(c.maxAge, 7000);
  });

  it('prefers maxAge over expires when both are given', () => {
    const clock = manualClock();
    const c = new SessionCookie({ maxAge: 1000, expires: new Date(clock.now() + 99_000) }, clock.now);
    assert.equal(c.maxAge, 1000);
  });

  it('renews the expiry from originalMaxAge on resetMaxAge', () => {
    const clock = manualClock();
    const c = new SessionCookie({ maxAge: 60_000 }, clock.now);
    clock.advance(50_000);
    c.resetMaxAge();
    assert.equal(c.maxAge, 60_000);
    assert.equal(c.originalMaxAge, 60_000);
    c.resetMaxAge(clock.now() + 1000);
    assert.equal(c.expires?.getTime(), clock.now() + 61_000);
  });

  it('leaves a browser-session cookie alone on resetMaxAge', () => {
    const c = new SessionCookie({}, manualClock().now);
    c.resetMaxAge();
    assert.equal(c.expires, null);
  });

  it('refuses a non-numeric maxAge', () => {
    const c = new SessionCookie({}, manualClock().now);
    assert.throws(() => {
      (c as { maxAge: unknown }).maxAge = '1h';
    }, TypeError);
  });

  it('restores a stored cookie with its configured lifetime, even with expires as a string', () => {
    const clock = manualClock();
    const expires = new Date(clock.now() + 30_000).toISOString();
    const c = new SessionCookie({ originalMaxAge: 60_000, expires, path: '/app', secure: true, sameSite: 'strict', domain: 'example.com' }, clock.now);
    assert.equal(c.expires?.toISOString(), expires);
    assert.equal(c.originalMaxAge, 60_000, 'not the 30 s left: the next request renews to 60 s');
    assert.equal(c.maxAge, 30_000);
    assert.equal(c.path, '/app');
    assert.equal(c.secure, true);
    assert.equal(c.sameSite, 'strict');
    assert.equal(c.domain, 'example.com');
  });
});

describe('SessionCookie: stored shape', () => {
  it('serialises to the same JSON as express-session’s Cookie', (t) => {
    mock.timers.enable({ apis: ['Date'], now: Date.UTC(2030, 0, 1) });
    t.after(() => mock.timers.reset());
    const options = { maxAge: 60_000, sameSite: 'lax', priority: 'high', partitioned: true, secure: true, domain: 'example.com' } as const;
    assert.equal(JSON.stringify(new SessionCookie(options)), JSON.stringify(new ExpressCookie(options)));
    assert.equal(JSON.stringify(new SessionCookie()), JSON.stringify(new ExpressCookie()));
  });

  it('round-trips through its own JSON', () => {
    const clock = manualClock();
    const a = new SessionCookie({ maxAge: 60_000, sameSite: 'none', secure: 'auto', priority: 'low' }, clock.now);
    const b = new SessionCookie(JSON.parse(JSON.stringify(a)) as CookieOptions, clock.now);
    assert.deepEqual(b.data, a.data);
  });
});

describe('SessionCookie: Set-Cookie attributes', () => {
  const clock = manualClock();

  it('serialises the defaults like express-session (URL-encoded value, Path, HttpOnly)', () => {
    const header = new SessionCookie({}, clock.now).serialize('sid', 's:abc.def');
    assert.equal(header, 'sid=s%3Aabc.def; Path=/; HttpOnly');
    assert.equal(header, new ExpressCookie().serialize('sid', 's:abc.def'));
  });

  it('writes Expires (not Max-Age) for a maxAge cookie, like express-session', (t) => {
    mock.timers.enable({ apis: ['Date'], now: Date.UTC(2030, 0, 1) });
    t.after(() => mock.timers.reset());
    const options = { maxAge: 3_600_000, sameSite: 'strict', domain: 'example.com', path: '/a', secure: true, partitioned: true, priority: 'medium' } as const;
    const ours = new SessionCookie(options).serialize('sid', 'v', true);
    assert.deepEqual(attributes(ours), attributes(new ExpressCookie(options).serialize('sid', 'v')));
    assert.ok(attributes(ours).has('expires=tue, 01 jan 2030 01:00:00 gmt'));
    assert.ok(![...attributes(ours)].some((a) => a.startsWith('max-age')));
  });

  it("resolves secure 'auto' against the request", () => {
    const c = new SessionCookie({ secure: 'auto' }, clock.now);
    assert.ok(attributes(c.serialize('sid', 'v', true)).has('secure'));
    assert.ok(!attributes(c.serialize('sid', 'v', false)).has('secure'));
  });

  it('sends Secure for secure: true even on a plain request, never for secure: false', () => {
    assert.ok(attributes(new SessionCookie({ secure: true }, clock.now).serialize('sid', 'v', false)).has('secure'));
    assert.ok(!attributes(new SessionCookie({ secure: false }, clock.now).serialize('sid', 'v', true)).has('secure'));
  });

  it("resolves sameSite 'auto' to None on secure requests and Lax otherwise", () => {
    const c = new SessionCookie({ sameSite: 'auto', secure: 'auto' }, clock.now);
    assert.ok(attributes(c.serialize('sid', 'v', true)).has('samesite=none'));
    assert.ok(attributes(c.serialize('sid', 'v', false)).has('samesite=lax'));
  });

  it('accepts sameSite in any case, and true as Strict', () => {
    for (const [sameSite, expected] of [['Lax', 'samesite=lax'], ['STRICT', 'samesite=strict'], [true, 'samesite=strict'], ['None', 'samesite=none']] as const) {
      const c = new SessionCookie({ sameSite: sameSite as CookieOptions['sameSite'] }, clock.now);
      assert.ok(attributes(c.serialize('sid', 'v', true)).has(expected), `${String(sameSite)} -> ${expected}`);
    }
    assert.ok(![...attributes(new SessionCookie({ sameSite: false }, clock.now).serialize('sid', 'v'))].some((a) => a.startsWith('samesite')));
  });

  it('writes Partitioned and Priority (any case)', () => {
    const header = new SessionCookie({ partitioned: true, priority: 'High' }, clock.now).serialize('sid', 'v', true);
    assert.ok(attributes(header).has('partitioned'));
    assert.ok(attributes(header).has('priority=high'));
    assert.ok(!attributes(new SessionCookie({ partitioned: false }, clock.now).serialize('sid', 'v')).has('partitioned'));
  });

  it('omits HttpOnly only when asked to', () => {
    assert.ok(!attributes(new SessionCookie({ httpOnly: false }, clock.now).serialize('sid', 'v')).has('httponly'));
  });

  it('throws for a value the cookie grammar refuses', () => {
    assert.throws(() => new SessionCookie({ domain: 'bad domain' }, clock.now).serialize('sid', 'v'));
  });
});

describe('SessionCookie.fromStored: whatever a store returned', () => {
  // Found by test/fuzz/stored-record.test.ts: a stored `maxAge: {}` threw a TypeError out of load.
  it('never throws, and leaves fields of the wrong type at their defaults', () => {
    const clock = manualClock();
    for (const stored of [null, 'x', 42, [], { maxAge: {} }, { maxAge: 'soon', expires: 'garbage', originalMaxAge: 'x' }, { path: 5, httpOnly: 'no', secure: 'yes', sameSite: 'sometimes', priority: 'urgent', domain: 7, partitioned: 1 }]) {
      const cookie = SessionCookie.fromStored(stored, clock.now);
      assert.equal(cookie.path, '/');
      assert.equal(cookie.httpOnly, true);
      assert.equal(cookie.expires, null);
      assert.equal(cookie.originalMaxAge, null);
      assert.equal(cookie.serialize('sid', 'v'), 'sid=v; Path=/; HttpOnly');
    }
  });

  it('reads a well-formed stored cookie as the constructor does', () => {
    const clock = manualClock();
    const expires = new Date(clock.now() + 60_000);
    const stored = { originalMaxAge: 60_000, expires: expires.toISOString(), secure: true, httpOnly: false, path: '/app', domain: 'example.com', sameSite: 'strict', priority: 'high', partitioned: true };
    const cookie = SessionCookie.fromStored(JSON.parse(JSON.stringify(stored)), clock.now);
    assert.deepEqual(cookie.data, new SessionCookie(stored as unknown as StoredCookie, clock.now).data);
    assert.equal(cookie.expires?.getTime(), expires.getTime());
    assert.equal(cookie.originalMaxAge, 60_000);
  });
});
