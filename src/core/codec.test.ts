// The record codec: express-session-shaped JSON with Tessera's metadata, read back exactly,
// express-session's own records read as they are, and hostile records harmless.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { dataToJson, decodeRecord, encodeRecord, RESERVED_KEYS } from './codec.js';
import { assignData, Session } from './session.js';
import { SessionCookie, type StoredCookie } from './session-cookie.js';
import { SessionManager } from '../index.js';

const cookie: StoredCookie = { originalMaxAge: 60_000, expires: '2030-01-01T00:01:00.000Z', httpOnly: true, path: '/', sameSite: 'lax' };

describe('encodeRecord', () => {
  it("writes express-session's shape: cookie first, the data, then __tessera", () => {
    const value = encodeRecord(cookie, dataToJson({ userId: 'u1', n: 2 }), { v: 1, createdAt: 5 });
    assert.equal(value, `{"cookie":${JSON.stringify(cookie)},"userId":"u1","n":2,"__tessera":{"v":1,"createdAt":5}}`);
    assert.deepEqual(JSON.parse(value), { cookie, userId: 'u1', n: 2, __tessera: { v: 1, createdAt: 5 } });
  });

  it('writes valid JSON for an empty session', () => {
    const value = encodeRecord(cookie, dataToJson({}), { v: 1 });
    assert.deepEqual(JSON.parse(value), { cookie, __tessera: { v: 1 } });
  });

  it('keeps strings that look like JSON syntax intact', () => {
    const data = { s: '},"cookie":{"x":1},"a":"', nested: { list: [1, '"', null] }, u: '\u2028é' };
    const decoded = decodeRecord(encodeRecord(cookie, dataToJson(data), { v: 1 }));
    assert.deepEqual(decoded.data, data);
    assert.deepEqual(decoded.cookie, cookie);
  });
});

describe('decodeRecord', () => {
  it('round-trips data, cookie and metadata, with a fingerprint equal to dataToJson', () => {
    const data = { userId: 'u1', cart: [{ sku: 'a', qty: 2 }], flag: false, nothing: null };
    const decoded = decodeRecord(encodeRecord(cookie, dataToJson(data), { v: 1, createdAt: 1234 }));
    assert.deepEqual(decoded.data, data);
    assert.deepEqual(decoded.cookie, cookie);
    assert.deepEqual(decoded.meta, { v: 1, createdAt: 1234 });
    assert.equal(decoded.dataJson, dataToJson(data));
  });

  it('reads an express-session record (no __tessera) as version 0', () => {
    const legacy = JSON.stringify({ cookie, passport: { user: 7 } });
    const decoded = decodeRecord(legacy);
    assert.equal(decoded.meta, undefined);
    assert.deepEqual(decoded.data, { passport: { user: 7 } });
  });

  it('names cookie and __tessera as the reserved keys', () => {
    assert.deepEqual([...RESERVED_KEYS].sort(), ['__tessera', 'cookie']);
  });

  for (const [name, value, type] of [
    ['not JSON', 'not json', SyntaxError],
    ['truncated JSON', '{"cookie":{', SyntaxError],
    ['null', 'null', TypeError],
    ['an array', '[{"cookie":{}}]', TypeError],
    ['a string', '"x"', TypeError],
    ['no cookie', '{"userId":"u1"}', TypeError],
    ['a cookie that is not an object', '{"cookie":"sid"}', TypeError],
  ] as const) {
    it(`refuses ${name}`, () => {
      assert.throws(() => decodeRecord(value), type);
    });
  }
});

describe('decoding a hostile record', () => {
  const hostile = '{"cookie":{},"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}},"regenerate":1,"id":"attacker","ok":1}';

  it('does not pollute Object.prototype', () => {
    const decoded = decodeRecord(hostile);
    assert.equal(({} as { polluted?: boolean }).polluted, undefined);
    assert.equal(Object.getPrototypeOf(decoded.data), Object.prototype);
  });

  it('cannot replace the prototype, methods or ID of a session it is loaded into', () => {
    const manager = new SessionManager({ secret: 'x'.repeat(32), warn: () => {} });
    const session = manager.create({ secure: false });
    const id = session.id;
    assignData(session, decodeRecord(hostile).data);
    assert.equal(Object.getPrototypeOf(session), Session.prototype);
    assert.equal(typeof session.regenerate, 'function');
    assert.equal(session.id, id);
    assert.equal((session as unknown as { ok: number }).ok, 1);
    assert.ok(session.cookie instanceof SessionCookie);
  });
});

describe('decodeRecord: the data fingerprint cut from the stored text', () => {
  const cookie = { originalMaxAge: null, expires: null, httpOnly: true, path: '/a}b"c' };
  const cases: Array<[string, Record<string, unknown>]> = [
    ['empty data', {}],
    ['flat data', { user: 'ada', visits: 3 }],
    ['nested data with a __tessera key and braces in strings', { x: { a: 1, __tessera: 2 }, s: '},"__tessera":{' }],
    ['non-ASCII', { name: 'Zoë 🎉 日本' }],
  ];
  for (const [name, data] of cases) {
    it(`equals JSON.stringify of the data for ${name}`, () => {
      const dataJson = JSON.stringify(data);
      const value = encodeRecord(cookie, dataJson, { v: 1, createdAt: 123 });
      const decoded = decodeRecord(value);
      assert.equal(decoded.dataJson, dataJson);
      assert.deepEqual(decoded.data, data);
    });
  }
  it('falls back to serialising for an express-session record (no __tessera)', () => {
    const decoded = decodeRecord('{"cookie":{"path":"/"},"b":1,"a":2}');
    assert.equal(decoded.dataJson, '{"b":1,"a":2}');
  });
});
