import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cookieExpiry, fromSessionObject, parseCanonicalSession, toSessionObject } from './session-value.js';

const NOW = 1_700_000_000_000;
const COOKIE = { originalMaxAge: 3_600_000, expires: new Date(NOW + 3_600_000).toISOString(), httpOnly: true, path: '/' };
const canonical = (extra: Record<string, unknown> = {}): string => JSON.stringify({ cookie: COOKIE, views: 2, ...extra });

describe('session value mapping', () => {
  it('recognises canonical express-session JSON and nothing else', () => {
    assert.deepEqual(parseCanonicalSession(canonical()), { cookie: COOKIE, views: 2 });
    assert.equal(parseCanonicalSession('{ "cookie": {}, "views": 2 }'), undefined, 'not canonical spacing');
    assert.equal(parseCanonicalSession('{"cookie":{},"n":1.0}'), undefined, '1.0 prints as 1');
    assert.equal(parseCanonicalSession('{"views":2}'), undefined, 'no cookie');
    assert.equal(parseCanonicalSession('{"cookie":null}'), undefined, 'cookie not an object');
    assert.equal(parseCanonicalSession('{"cookie":[]}'), undefined, 'cookie an array');
    assert.equal(parseCanonicalSession('{"cookie":{}'), undefined, 'broken JSON');
    assert.equal(parseCanonicalSession('plain text'), undefined);
    assert.equal(parseCanonicalSession(canonical({ __tessera: { value: 'x' } })), undefined, 'bridge field');
    assert.equal(parseCanonicalSession(canonical({ __tessera: { userKey: 'u' } })), undefined, 'bridge field');
    assert.equal(parseCanonicalSession(canonical({ __tessera: {} })), undefined, 'empty metadata');
    assert.ok(parseCanonicalSession(canonical({ __tessera: { v: 1, createdAt: NOW } })));
  });

  it('passes a canonical session through as its object, so express-session reads it as its own', () => {
    const value = canonical({ __tessera: { v: 1, createdAt: NOW } });
    const session = toSessionObject({ value, expiresAt: NOW + 5 }, NOW);
    assert.deepEqual(session, JSON.parse(value));
    assert.deepEqual(fromSessionObject(JSON.parse(JSON.stringify(session))), { value, expiresAt: NOW + 3_600_000 });
  });

  it('carries a user key in __tessera and returns the value byte for byte without it', () => {
    for (const value of [canonical(), canonical({ __tessera: { v: 1, createdAt: NOW } })]) {
      const session = toSessionObject({ value, expiresAt: NOW + 5, userKey: 'user-1' }, NOW);
      assert.equal((session.__tessera as { userKey?: string }).userKey, 'user-1');
      const back = fromSessionObject(JSON.parse(JSON.stringify(session)));
      assert.equal(back.value, value);
      assert.equal(back.userKey, 'user-1');
    }
  });

  it('wraps any other value with a cookie carrying the expiry, and unwraps it', () => {
    const value = '{"hello":"world"}';
    const session = toSessionObject({ value, expiresAt: NOW + 90_000, userKey: 'u' }, NOW);
    assert.deepEqual(session, {
      cookie: { originalMaxAge: 90_000, expires: new Date(NOW + 90_000).toISOString() },
      __tessera: { value, userKey: 'u' },
    });
    assert.deepEqual(fromSessionObject(JSON.parse(JSON.stringify(session))), { value, expiresAt: NOW + 90_000, userKey: 'u' });
  });

  it('wraps a value whose expiry a Date cannot hold with no cookie expiry', () => {
    const session = toSessionObject({ value: 'x', expiresAt: Number.POSITIVE_INFINITY }, NOW);
    assert.deepEqual(session.cookie, { originalMaxAge: null, expires: null });
    assert.equal(fromSessionObject(session).expiresAt, Number.POSITIVE_INFINITY);
  });

  it('reads a foreign session as its JSON, a Date becoming its ISO string', () => {
    const expires = new Date(NOW + 1000);
    const back = fromSessionObject({ cookie: { originalMaxAge: 1000, expires }, user: 'ann' });
    assert.equal(back.value, JSON.stringify({ cookie: { originalMaxAge: 1000, expires: expires.toISOString() }, user: 'ann' }));
    assert.equal(back.expiresAt, NOW + 1000);
    assert.equal(back.userKey, undefined);
  });

  it('reads cookie.expires as ms, or +Infinity when absent or invalid', () => {
    assert.equal(cookieExpiry({ cookie: { expires: new Date(NOW) } }), NOW);
    assert.equal(cookieExpiry({ cookie: { expires: new Date(NOW).toISOString() } }), NOW);
    assert.equal(cookieExpiry({ cookie: { expires: null } }), Number.POSITIVE_INFINITY);
    assert.equal(cookieExpiry({ cookie: { expires: 'soon' } }), Number.POSITIVE_INFINITY);
    assert.equal(cookieExpiry({}), Number.POSITIVE_INFINITY);
    assert.equal(cookieExpiry('text'), Number.POSITIVE_INFINITY);
  });
});
