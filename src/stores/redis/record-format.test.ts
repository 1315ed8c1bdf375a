import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodePayload, encodePayload, header } from './record-format.js';

describe('RedisStore record format', () => {
  it('writes the documented header, with and without a user', () => {
    assert.equal(encodePayload('{"a":1}', undefined), 't1\n{"a":1}');
    assert.equal(encodePayload('v', 'alice@example.com'), 't1:alice%40example.com\nv');
  });

  for (const userKey of [undefined, '', 'alice', 'a\nb', 'a%20b', 'ünïcødé 日本 😀', '{tag}', 't1\n']) {
    it(`round-trips the value and user ${JSON.stringify(userKey)}`, () => {
      const value = 't1\nlooks like a header\n😀';
      assert.deepEqual(decodePayload(encodePayload(value, userKey)), { value, userKey });
    });
  }

  it('keeps the header ASCII, so its length in characters is its length in bytes (GETRANGE counts bytes)', () => {
    const h = header('ünïcødé\n日本 😀');
    assert.equal(Buffer.byteLength(h), h.length);
    assert.equal(h.indexOf('\n'), h.length - 1, 'the only newline ends the header');
  });

  it("never takes one user's header for a prefix of another's", () => {
    assert.ok(!encodePayload('v', 'alice2').startsWith(header('alice')));
  });

  it('reads strings in another format as "no session"', () => {
    for (const stored of ['', 'plain', 't1', 't1x\nv', 't2\nv', 't1:no-newline', 't1:%E0%A4%A\nv']) {
      assert.equal(decodePayload(stored), undefined, JSON.stringify(stored));
    }
  });
});
