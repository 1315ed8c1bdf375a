// The sealed record: AES-256-GCM round trip, every tampering case as a reason (never a throw),
// key rotation, and the `encryption` option's construction errors.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { openValue, sealValue } from './codec.js';
import { envelopeParts, formatEnvelope, openEnvelope, sealEnvelope, type EnvelopeParts } from './envelope.js';
import { createKeyring } from './keyring.js';

const K1 = randomBytes(32);
const K2 = randomBytes(32);
const ring1 = createKeyring({ keys: [{ id: 'k1', key: K1 }] });
const ring21 = createKeyring({ keys: [{ id: 'k2', key: K2 }, { id: 'k1', key: K1 }] });
const AAD = 'ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0';
const JSON_RECORD = '{"cookie":{"originalMaxAge":null},"user":"alice","__tessera":{"v":1,"createdAt":1}}';

function parts(value: string): EnvelopeParts {
  const p = envelopeParts(value);
  assert.equal(typeof p, 'object', `an envelope: ${value}`);
  return p as EnvelopeParts;
}
/** The envelope with byte `at` of its payload flipped (negative counts from the end). */
function flipped(value: string, at: number): string {
  const p = parts(value);
  const payload = Buffer.from(p.payload);
  const i = at < 0 ? payload.length + at : at;
  payload[i] = (payload[i] as number) ^ 0x01;
  return formatEnvelope({ ...p, payload });
}

/** The envelope's text cut so that its base64url part is 1 mod 4 characters long (not a whole byte). */
function cutTo1Mod4(value: string): string {
  const head = value.lastIndexOf('.') + 1;
  const encoded = value.slice(head);
  return value.slice(0, head) + encoded.slice(0, encoded.length - ((encoded.length - 1) % 4));
}

describe('sealEnvelope / openEnvelope', () => {
  it('round-trips under the first key, in the documented compact format', () => {
    const value = sealEnvelope(JSON_RECORD, AAD, ring1);
    assert.match(value, /^enc1\.k1\.[A-Za-z0-9_-]+$/);
    assert.ok(!value.includes('alice'), 'the data is not readable in the stored value');
    // 12-byte IV + ciphertext (as long as the plaintext) + 16-byte tag.
    assert.equal(parts(value).payload.length, 12 + Buffer.byteLength(JSON_RECORD) + 16);
    assert.deepEqual(openEnvelope(value, AAD, ring1), { ok: true, plaintext: JSON_RECORD, keyId: 'k1' });
  });

  it('uses a fresh random 96-bit IV for every write', () => {
    const ivs = new Set(Array.from({ length: 50 }, () => parts(sealEnvelope(JSON_RECORD, AAD, ring1)).payload.subarray(0, 12).toString('hex')));
    assert.equal(ivs.size, 50);
  });

  it('round-trips non-ASCII data and an empty plaintext', () => {
    for (const text of ['{"n":"żółw 🐢"}', '']) {
      const opened = openEnvelope(sealEnvelope(text, AAD, ring1), AAD, ring1);
      assert.deepEqual(opened, { ok: true, plaintext: text, keyId: 'k1' });
    }
  });

  it('opens a record an older key sealed, and seals new ones with the first key (rotation)', () => {
    const old = sealEnvelope(JSON_RECORD, AAD, ring1);
    assert.deepEqual(openEnvelope(old, AAD, ring21), { ok: true, plaintext: JSON_RECORD, keyId: 'k1' });
    assert.match(sealEnvelope(JSON_RECORD, AAD, ring21), /^enc1\.k2\./);
  });

  const sealed = sealEnvelope(JSON_RECORD, AAD, ring21);
  const cases: Array<[string, string, string, string]> = [
    ['a key id the keyring does not hold', sealEnvelope(JSON_RECORD, AAD, createKeyring({ keys: [{ id: 'k9', key: K2 }] })), AAD, 'unknown-key'],
    ['the header renamed to another key of the ring', formatEnvelope({ ...parts(sealed), keyId: 'k1' }), AAD, 'authentication-failed'],
    ['the record moved under another store key (wrong AAD)', sealed, `${AAD.slice(0, -1)}A`, 'authentication-failed'],
    ['a flipped ciphertext byte', flipped(sealed, 12), AAD, 'authentication-failed'],
    ['a flipped IV byte', flipped(sealed, 0), AAD, 'authentication-failed'],
    ['a flipped tag byte', flipped(sealed, -1), AAD, 'authentication-failed'],
    ['the tag cut off', formatEnvelope({ ...parts(sealed), payload: parts(sealed).payload.subarray(0, -16) }), AAD, 'authentication-failed'],
    ['truncated below IV + tag', formatEnvelope({ ...parts(sealed), payload: parts(sealed).payload.subarray(0, 27) }), AAD, 'truncated'],
    ['an empty payload', 'enc1.k2.', AAD, 'truncated'],
    ['the text cut to a length no base64 has', cutTo1Mod4(sealed), AAD, 'malformed'],
    ['the text cut short by ten characters', sealed.slice(0, -10), AAD, 'authentication-failed'],
    ['a character outside base64url', `${sealed.slice(0, 20)}+${sealed.slice(21)}`, AAD, 'malformed'],
    ['no key id', 'enc1..AAAA', AAD, 'malformed'],
    ['no payload separator', 'enc1.k2', AAD, 'malformed'],
    ['a future format version', `enc2${sealed.slice(4)}`, AAD, 'unsupported-version'],
    ['not an envelope at all', JSON_RECORD, AAD, 'malformed'],
  ];
  for (const [name, value, aad, reason] of cases) {
    it(`refuses ${name}: ${reason}, without throwing`, () => {
      assert.deepEqual(openEnvelope(value, aad, ring21), { ok: false, reason });
    });
  }

  it('is untouched by changes to the Buffers the keyring was built from', () => {
    const key = randomBytes(32);
    const ring = createKeyring({ keys: [{ id: 'a', key }] });
    const value = sealEnvelope('x', AAD, ring);
    key.fill(0);
    assert.equal(openEnvelope(value, AAD, createKeyring({ keys: [{ id: 'a', key }] })).ok, false, 'the zeroed key is another key');
    assert.deepEqual(openEnvelope(value, AAD, ring), { ok: true, plaintext: 'x', keyId: 'a' });
  });
});

describe('the codec pipeline (sealValue / openValue)', () => {
  it('passes JSON through when encryption is off, and seals it when on', () => {
    assert.equal(sealValue(JSON_RECORD, AAD, undefined), JSON_RECORD);
    const value = sealValue(JSON_RECORD, AAD, ring1);
    assert.match(value, /^enc1\.k1\./);
    assert.deepEqual(openValue(value, AAD, ring1), { ok: true, json: JSON_RECORD });
  });

  it('refuses a plaintext record while encryption is on (it could have been planted), unless acceptPlaintext', () => {
    assert.deepEqual(openValue(JSON_RECORD, AAD, ring1), { ok: false, reason: 'not-encrypted' });
    const migrating = createKeyring({ keys: [{ id: 'k1', key: K1 }], acceptPlaintext: true });
    assert.deepEqual(openValue(JSON_RECORD, AAD, migrating), { ok: true, json: JSON_RECORD });
    assert.deepEqual(openValue('enc1.k1.AAAA', AAD, migrating), { ok: false, reason: 'truncated' }, 'a bad envelope is still refused');
  });

  it('cannot read a sealed record without a keyring', () => {
    assert.deepEqual(openValue(sealValue(JSON_RECORD, AAD, ring1), AAD, undefined), { ok: false, reason: 'no-keyring' });
  });
});

describe('createKeyring (the encryption option)', () => {
  it('takes base64 and base64url strings of 32 bytes (generateSecret output included)', () => {
    const bytes = randomBytes(32);
    const a = createKeyring({ keys: [{ id: 'a', key: bytes.toString('base64') }] });
    const b = createKeyring({ keys: [{ id: 'a', key: bytes.toString('base64url') }] });
    const c = createKeyring({ keys: [{ id: 'a', key: bytes }] });
    const value = sealEnvelope('x', AAD, a);
    assert.equal(openEnvelope(value, AAD, b).ok, true);
    assert.equal(openEnvelope(value, AAD, c).ok, true);
  });

  const bad: Array<[string, unknown, RegExp]> = [
    ['not an object', 'k', /^encryption must be an object/],
    ['no keys', {}, /^encryption\.keys must be a non-empty array/],
    ['an empty keyring', { keys: [] }, /^encryption\.keys must be a non-empty array/],
    ['a key entry that is not an object', { keys: [null] }, /^encryption\.keys\[0\] must be an object/],
    ['a missing id', { keys: [{ key: K1 }] }, /^encryption\.keys\[0\]\.id must be/],
    ['an id with a dot', { keys: [{ id: 'k.1', key: K1 }] }, /^encryption\.keys\[0\]\.id must be/],
    ['duplicate ids', { keys: [{ id: 'k1', key: K1 }, { id: 'k1', key: K2 }] }, /^encryption\.keys\[1\]\.id "k1" is a duplicate/],
    ['a 16-byte Buffer', { keys: [{ id: 'k1', key: randomBytes(16) }] }, /^encryption\.keys\[0\]\.key is 16 bytes/],
    ['a 33-byte Buffer', { keys: [{ id: 'k1', key: randomBytes(33) }] }, /^encryption\.keys\[0\]\.key is 33 bytes/],
    ['a 32-character passphrase', { keys: [{ id: 'k1', key: 'x'.repeat(32) }] }, /^encryption\.keys\[0\]\.key is not base64 of 32 bytes/],
    ['base64 of 24 bytes', { keys: [{ id: 'k1', key: randomBytes(24).toString('base64') }] }, /^encryption\.keys\[0\]\.key is not base64 of 32 bytes/],
    ['a number key', { keys: [{ id: 'k1', key: 42 }] }, /^encryption\.keys\[0\]\.key is missing or not a Buffer/],
    ['a second key of the wrong length', { keys: [{ id: 'k1', key: K1 }, { id: 'k0', key: randomBytes(31) }] }, /^encryption\.keys\[1\]\.key is 31 bytes/],
    ['a string acceptPlaintext', { keys: [{ id: 'k1', key: K1 }], acceptPlaintext: 'yes' }, /^encryption\.acceptPlaintext must be true or false/],
  ];
  for (const [name, options, pattern] of bad) {
    it(`throws a TypeError naming the option for ${name}`, () => {
      assert.throws(() => createKeyring(options), (error: unknown) => error instanceof TypeError && pattern.test(error.message));
    });
  }
});
