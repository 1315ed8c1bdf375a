// Cookie signing: express-session's `s:<id>.<sig>` format, secret rotation, and what counts as
// a forgery. Compatibility is checked against the real `cookie-signature` that express-session
// itself loads, not against a copy of its algorithm.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { createRequire, syncBuiltinESMExports } from 'node:module';
import { describe, it, mock } from 'node:test';
import { signId, unsignId } from './signature.js';

const require = createRequire(import.meta.url);
// express-session's own copy (it pins a different version than the top-level one).
const cookieSignature = require(require.resolve('cookie-signature', { paths: [require.resolve('express-session')] })) as {
  sign(value: string, secret: string | Buffer): string;
  unsign(value: string, secret: string | Buffer): string | false;
};

const SECRET = 'a'.repeat(16) + 'b'.repeat(16);
const OLD_SECRET = 'old secret, at least thirty-two characters';
const ID = 'Jx1pW0v3fQ8sY2nK4rT6uV9zA1bC3dE5fG7hI9jK0lM';

describe('signId: express-session compatible format', () => {
  it('produces s:<id>.<sig> exactly as express-session signs its cookies', () => {
    assert.equal(signId(ID, SECRET), `s:${cookieSignature.sign(ID, SECRET)}`);
  });

  it('matches cookie-signature for Buffer secrets and IDs containing dots', () => {
    const secret = crypto.randomBytes(32);
    assert.equal(signId(ID, secret), `s:${cookieSignature.sign(ID, secret)}`);
    assert.equal(signId('a.b.c', SECRET), `s:${cookieSignature.sign('a.b.c', SECRET)}`);
  });

  it('uses unpadded base64 HMAC-SHA256 (43 characters)', () => {
    const sig = signId(ID, SECRET).split('.').at(-1) ?? '';
    assert.match(sig, /^[A-Za-z0-9+/]{43}$/);
  });
});

describe('unsignId: verification', () => {
  it('reads a cookie signed by express-session (cookie-signature)', () => {
    assert.equal(unsignId(`s:${cookieSignature.sign(ID, SECRET)}`, [SECRET]), ID);
  });

  it('produces values express-session accepts', () => {
    assert.equal(cookieSignature.unsign(signId(ID, SECRET).slice(2), SECRET), ID);
  });

  it('keeps everything before the last dot as the ID', () => {
    assert.equal(unsignId(signId('a.b.c', SECRET), [SECRET]), 'a.b.c');
  });
});

describe('unsignId: secret rotation', () => {
  const oldCookie = signId(ID, OLD_SECRET);

  it('accepts a cookie signed with any listed secret', () => {
    assert.equal(unsignId(oldCookie, [SECRET, OLD_SECRET]), ID);
    assert.equal(unsignId(signId(ID, SECRET), [SECRET, OLD_SECRET]), ID);
  });

  it('rejects a cookie whose secret was removed from the list', () => {
    assert.equal(unsignId(oldCookie, [SECRET]), undefined);
  });

  it('treats a string and a Buffer with the same bytes as the same secret', () => {
    assert.equal(unsignId(signId(ID, SECRET), [Buffer.from(SECRET)]), ID);
  });
});

describe('unsignId: forged and malformed values are undefined, never a throw', () => {
  const good = signId(ID, SECRET);
  const sig = good.slice(good.lastIndexOf('.') + 1);
  const flip = (s: string, i: number): string => s.slice(0, i) + (s[i] === 'A' ? 'B' : 'A') + s.slice(i + 1);

  const cases: Array<[string, string]> = [
    ['empty', ''],
    ['unsigned ID', ID],
    ['missing s: prefix', good.slice(2)],
    ['wrong prefix', `x:${good.slice(2)}`],
    ['no dot', `s:${ID}${sig}`],
    ['empty ID', `s:.${sig}`],
    ['empty signature', `s:${ID}.`],
    ['signature with one character changed (first)', flip(good, good.lastIndexOf('.') + 1)],
    ['signature with one character changed (last)', flip(good, good.length - 1)],
    ['ID changed, signature kept', `s:${flip(ID, 0)}.${sig}`],
    ['signature truncated', good.slice(0, -1)],
    ['signature padded with =', `${good}=`],
    ['signature of another ID', `s:${ID}.${signId('other', SECRET).split('.').at(-1) ?? ''}`],
    ['signed with another secret', signId(ID, 'another secret of thirty-two chars!!')],
    ['multi-byte characters of the right length', `s:${ID}.${'é'.repeat(43)}`],
    ['only the prefix', 's:'],
    ['NUL bytes', `s:${ID}\u0000.${sig}`],
  ];
  for (const [name, value] of cases) {
    it(name, () => {
      assert.equal(unsignId(value, [SECRET, OLD_SECRET]), undefined);
    });
  }
});

describe('unsignId: constant-time comparison', () => {
  it('compares every same-length candidate with crypto.timingSafeEqual, for each secret', (t) => {
    // The ESM binding of node:crypto is refreshed from the CommonJS object after mocking.
    const spy = mock.method(crypto, 'timingSafeEqual');
    syncBuiltinESMExports();
    t.after(() => {
      spy.mock.restore();
      syncBuiltinESMExports();
    });
    const good = signId(ID, SECRET);
    const forgedEarly = `${good.slice(0, good.lastIndexOf('.') + 1)}${good.endsWith('A') ? 'B' : 'A'}${good.slice(good.lastIndexOf('.') + 2)}`;

    assert.equal(unsignId(forgedEarly, [SECRET, OLD_SECRET]), undefined);
    // A mismatch in the first character is not short-circuited by a string compare: both
    // secrets were checked with the constant-time primitive.
    assert.equal(spy.mock.callCount(), 2);

    assert.equal(unsignId(good, [SECRET]), ID);
    assert.equal(spy.mock.callCount(), 3);
    const last = spy.mock.calls[2];
    assert.ok(last && Buffer.isBuffer(last.arguments[0]) && Buffer.isBuffer(last.arguments[1]));
  });

  it('skips the comparison for a signature of the wrong length (its length is public anyway)', (t) => {
    const spy = mock.method(crypto, 'timingSafeEqual');
    syncBuiltinESMExports();
    t.after(() => {
      spy.mock.restore();
      syncBuiltinESMExports();
    });
    assert.equal(unsignId(`s:${ID}.short`, [SECRET]), undefined);
    assert.equal(spy.mock.callCount(), 0);
  });
});

describe('signId: the prepared keys behind it', () => {
  it('follows a Buffer secret whose bytes its owner changed after a first use', () => {
    const secret = crypto.randomBytes(32);
    assert.equal(signId(ID, secret), `s:${cookieSignature.sign(ID, secret)}`);
    secret[0] = (secret[0] as number) ^ 0xff;
    assert.equal(signId(ID, secret), `s:${cookieSignature.sign(ID, secret)}`);
    assert.equal(unsignId(signId(ID, secret), [secret]), ID);
  });

  it('signs as cookie-signature with non-ASCII, empty and many different string secrets', () => {
    const secrets = ['', 'ünïcødé secret ✓ at least thirty-two', ...Array.from({ length: 100 }, (_, i) => `secret number ${i} of a long rotation`)];
    for (const secret of [...secrets, ...secrets]) assert.equal(signId(ID, secret), `s:${cookieSignature.sign(ID, secret)}`, JSON.stringify(secret));
  });
});
