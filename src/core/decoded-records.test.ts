// The memo of decoded records: it answers exactly what decodeRecord answers, never shares what a
// session may change, and never outlives the JSON it was made from.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { decodeRecord, encodeRecord, type DecodedRecord, type RecordMeta } from './codec.js';
import { SessionCookie, type StoredCookie } from './session-cookie.js';
import { copyJson, DecodedRecords } from './decoded-records.js';
import { SessionManager } from '../session-manager.js';
import { MemoryStore } from '../stores/memory/index.js';
import { TEST_SECRET } from '../../test/helpers/session-client.js';

const COOKIE = { originalMaxAge: 60_000, expires: '2030-01-01T00:00:00.000Z', httpOnly: true, path: '/' };
/**
 * A decoded record with its cookie as JSON keeps it: these tests hand `remember` the cookie as
 * `SessionCookie.data` gives it (its expiry a Date; `persist.ts` writes the ISO string), which
 * must read back the same.
 */
function asRead(decoded: DecodedRecord): DecodedRecord {
  const cookie = JSON.parse(JSON.stringify(decoded.cookie)) as StoredCookie;
  assert.equal(SessionCookie.fromStored(decoded.cookie).expires?.getTime(), SessionCookie.fromStored(cookie).expires?.getTime());
  return { ...decoded, cookie };
}

/** What `decode` gives, or the error it throws. */
function outcome(decode: () => unknown): unknown {
  try {
    return decode();
  } catch (error) {
    return { threw: String(error) };
  }
}
const record = (data: object): string => encodeRecord(COOKIE, JSON.stringify(data), { v: 1, createdAt: 1, issuedAt: 1, seenAt: 2 });

describe('DecodedRecords', () => {
  it('answers what decodeRecord answers, on the first, second and later reads of any record', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), (data) => {
        const memo = new DecodedRecords(10);
        const json = record(data);
        for (let i = 0; i < 3; i++) assert.deepStrictEqual(memo.decode('k', json), decodeRecord(json));
      }),
      { numRuns: 300 },
    );
  });

  it("gives every read data of its own: a change (nested too) never reaches the next read", () => {
    const memo = new DecodedRecords(10);
    const json = record({ user: { name: 'ann', roles: ['a'] }, n: 1 });
    for (let i = 0; i < 4; i++) {
      const { data } = memo.decode('k', json);
      assert.deepEqual(data, { user: { name: 'ann', roles: ['a'] }, n: 1 }, `read ${i}`);
      (data.user as { name: string; roles: string[] }).name = 'mallory';
      (data.user as { roles: string[] }).roles.push('admin');
      data.n = 99;
    }
  });

  it('decodes again when the record under a key changed, and keeps an own __proto__ key an own property', () => {
    const memo = new DecodedRecords(10);
    memo.decode('k', record({ n: 1 }));
    memo.decode('k', record({ n: 1 }));
    assert.deepEqual(memo.decode('k', record({ n: 2 })).data, { n: 2 });
    const hostile = '{"cookie":{},"__proto__":{"isAdmin":true},"__tessera":{"v":1}}';
    for (let i = 0; i < 3; i++) {
      const { data } = memo.decode('p', hostile);
      assert.equal(Object.getPrototypeOf(data), Object.prototype);
      assert.deepEqual(Object.keys(data), ['__proto__']);
      assert.equal((data as { isAdmin?: boolean }).isAdmin, undefined);
    }
  });

  it('stays bounded: at most `capacity` keys, and a session read all along stays kept', () => {
    const memo = new DecodedRecords(4);
    const json = record({ n: 1 });
    memo.decode('hot', json);
    // A kept entry answers with the very cookie object it holds; a parse makes a new one.
    const kept = memo.decode('hot', json).cookie;
    for (let i = 0; i < 50; i++) {
      memo.decode(`cold-${i}`, json);
      memo.decode(`cold-${i}`, json);
      assert.equal(memo.decode('hot', json).cookie, kept, `after ${i + 1} other sessions`);
      assert.ok(memo.size <= 4, `size ${memo.size}`);
    }
    // An early cold session was dropped: it is parsed again.
    const first = memo.decode('cold-0', json).cookie;
    assert.notEqual(memo.decode('cold-0', json).cookie, first);
  });

  it('keeps nothing longer than 4096 characters, and nothing with capacity 0', () => {
    const long = record({ blob: 'x'.repeat(5000) });
    for (const memo of [new DecodedRecords(10), new DecodedRecords(0)]) {
      for (let i = 0; i < 3; i++) assert.deepStrictEqual(memo.decode('k', long), decodeRecord(long));
    }
  });
});

describe('DecodedRecords: a record this process wrote', () => {
  const cookies = fc.record({
    maxAge: fc.option(fc.integer({ min: -1000, max: 1e10 }), { nil: undefined }),
    domain: fc.option(fc.constantFrom('example.com', '.a.b'), { nil: undefined }),
    secure: fc.option(fc.constantFrom(true, false, 'auto' as const), { nil: undefined }),
    sameSite: fc.option(fc.constantFrom('lax' as const, 'strict' as const, true), { nil: undefined }),
    partitioned: fc.option(fc.boolean(), { nil: undefined }),
    priority: fc.option(fc.constantFrom('high' as const, 'Low' as const), { nil: undefined }),
  });
  const metas = fc.record(
    {
      v: fc.constant(1),
      createdAt: fc.nat(),
      authenticatedAt: fc.nat(),
      issuedAt: fc.nat(),
      seenAt: fc.nat(),
      epoch: fc.nat(),
      device: fc.record({ userAgent: fc.string(), ip: fc.constantFrom('192.0.2.0/24', '2001:db8::/48'), label: fc.string({ minLength: 1 }), seenAt: fc.nat() }, { requiredKeys: [] }),
    },
    { requiredKeys: ['v'] },
  );
  // Data an app may hold, reserved names and an own __proto__ among them.
  const datas = fc.dictionary(fc.oneof(fc.string(), fc.constantFrom('cookie', '__tessera', '__proto__', 'constructor')), fc.jsonValue());

  it('is read back exactly as decodeRecord reads its JSON, on the first and later reads', () => {
    fc.assert(
      fc.property(cookies, metas, datas, (options, meta, data) => {
        const memo = new DecodedRecords(10);
        const cookie = new SessionCookie(options).data;
        const dataJson = JSON.stringify(data);
        const json = encodeRecord(cookie, dataJson, meta as RecordMeta);
        memo.remember('k', json, { cookie, dataJson, meta: meta as RecordMeta });
        for (let i = 0; i < 3; i++) assert.deepStrictEqual(outcome(() => asRead(memo.decode('k', json))), outcome(() => decodeRecord(json)));
      }),
      { numRuns: 500 },
    );
  });

  it('is parsed in full when the store holds other JSON under the key (another process wrote it)', () => {
    const memo = new DecodedRecords(10);
    const cookie = new SessionCookie({ maxAge: 1000 }).data;
    const mine = encodeRecord(cookie, '{"n":1}', { v: 1 });
    memo.remember('k', mine, { cookie, dataJson: '{"n":1}', meta: { v: 1 } });
    const theirs = record({ n: 2 });
    assert.deepStrictEqual(memo.decode('k', theirs), decodeRecord(theirs));
  });
});

describe('copyJson', () => {
  it('copies any JSON value deeply', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const parsed: unknown = JSON.parse(JSON.stringify(value));
        assert.deepStrictEqual(copyJson(parsed), parsed);
      }),
    );
  });
});

describe('the engine with the memo: a session changed but not saved leaves the stored one as it was', () => {
  it('nested changes of a destroyed session, or of one whose write failed, are not seen by the next request', async () => {
    const store = new MemoryStore();
    const manager = new SessionManager<{ user?: { name: string; roles: string[] } }>({ secret: TEST_SECRET, store, warn: () => {} });
    const { session } = await manager.loadSession({ cookieHeader: undefined, secure: false });
    session.user = { name: 'ann', roles: ['reader'] };
    const { setCookie } = await manager.commitSession(session, { secure: false, cookieName: 'sid' });
    const cookieHeader = setCookie!.split(';', 1)[0];
    const read = async () => (await manager.loadSession({ cookieHeader, secure: false })).session;
    // Read twice, so the memo holds the decoded record.
    assert.equal((await read()).user?.name, 'ann');
    const changed = await read();
    changed.user!.roles.push('admin');
    changed.user!.name = 'mallory';
    // Never committed (the app threw, say): nothing was saved.
    const again = await read();
    assert.deepEqual(again.user, { name: 'ann', roles: ['reader'] });
    // A write that fails: the next read still sees the stored record.
    again.user!.name = 'eve';
    const set = store.setIfVersion.bind(store);
    store.setIfVersion = () => Promise.reject(new Error('store down'));
    await assert.rejects(async () => manager.commitNow(again, { secure: false, cookieName: 'sid' }));
    store.setIfVersion = set;
    assert.deepEqual((await read()).user, { name: 'ann', roles: ['reader'] });
  });
});
