import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodePayload, encodePayload, owner, ownedBy } from './record-format.js';

describe('RedisStore record format', () => {
  it('writes the documented header, with and without a user', () => {
    assert.equal(encodePayload('{"a":1}', undefined, 1, 1_765_000_000_123), 't1;1;1765000000123\n{"a":1}');
    assert.equal(encodePayload('v', 'alice@example.com', 42, 5), 't1:alice%40example.com;42;0000000000005\nv');
  });

  for (const userKey of [undefined, '', 'alice', 'a\nb', 'a;b', 'a%20b', 'ünïcødé 日本 😀', '{tag}', 't1\n', 't1;7\n']) {
    it(`round-trips the value, version and user ${JSON.stringify(userKey)}`, () => {
      const value = 't1;3\nlooks like a header\n😀;';
      const expiresAt = 1_765_000_000_123;
      assert.deepEqual(decodePayload(encodePayload(value, userKey, 7, expiresAt)), { value, userKey, version: 7, expiresAt });
    });
  }

  it('reads a string written before versions as version 0, and one without an expiry as such', () => {
    assert.deepEqual(decodePayload('t1\nplain;1'), { value: 'plain;1', userKey: undefined, version: 0, expiresAt: undefined });
    assert.deepEqual(decodePayload('t1:alice%40example.com\n{"n":1}'), { value: '{"n":1}', userKey: 'alice@example.com', version: 0, expiresAt: undefined });
    assert.deepEqual(decodePayload('t1:bob;3\nv;1765000000123'), { value: 'v;1765000000123', userKey: 'bob', version: 3, expiresAt: undefined });
  });

  it('keeps the header ASCII, so its length in characters is its length in bytes (GETRANGE counts bytes)', () => {
    const h = owner('ünïcødé\n日本 😀;');
    assert.equal(Buffer.byteLength(h), h.length);
    assert.ok(!h.includes('\n') && !h.includes(';'), 'the owner part holds neither terminator');
  });

  it("never takes one user's header for another's", () => {
    const head = (stored: string, user: string): string => stored.slice(0, owner(user).length + 1);
    assert.ok(!ownedBy(head(encodePayload('v', 'alice2', 1, 5), 'alice'), owner('alice')));
    assert.ok(ownedBy(head(encodePayload('v', 'alice', 1, 5), 'alice'), owner('alice')));
    assert.ok(ownedBy(head('t1:alice\nlegacy', 'alice'), owner('alice')), 'a string from before versions');
    assert.ok(ownedBy(head('t1:alice;4\nlegacy', 'alice'), owner('alice')), 'a string from before expiries');
    assert.ok(!ownedBy(head(encodePayload('v', undefined, 1, 5), 'alice'), owner('alice')));
    assert.ok(!ownedBy('', owner('alice')), 'a missing key');
  });

  it('reads strings in another format as "no session"', () => {
    const expiry = '1765000000123';
    for (const stored of [
      '', 'plain', 't1', 't1x\nv', 't2\nv', 't1:no-newline', 't1:%E0%A4%A\nv', 't1;\nv', 't1;x\nv', 't1;01\nv', 't1:a;-1\nv',
      `t1x;1;${expiry}\nv`, 't1;1;\nv', 't1;1;176500000012\nv', 't1;1;-01765000000123\nv', `t1;1;${expiry};2\nv`, `t1;;${expiry}\nv`, `t1;1;${expiry}0000000\nv`,
    ]) {
      assert.equal(decodePayload(stored), undefined, JSON.stringify(stored));
    }
  });
});
