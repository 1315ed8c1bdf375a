// Fuzz: signed cookie values. A value verifies exactly when it is `s:<id>.<MAC>` with the MAC
// of that very ID under a configured secret: truncated, swapped, re-cased, appended-to or
// foreign-signed values never do, whatever the ID (any characters, dots included), and a
// value signed with an old secret still in the list does (rotation). The MAC is compared with
// crypto.timingSafeEqual, counted through Node's own module (no reimplementation to trust).
import assert from 'node:assert/strict';
import { createRequire, syncBuiltinESMExports } from 'node:module';
import { after, before, describe, it, mock } from 'node:test';
import fc from 'fast-check';
import { unsignId } from '../../src/core/signature.js';
import { RUNS, SECRETS, sign, trickyText } from './arbitraries.js';

const require = createRequire(import.meta.url);
const configured = [SECRETS.current, SECRETS.previous];
const anyId = fc.oneof(fc.string({ unit: 'binary', minLength: 1, maxLength: 60 }), trickyText(30).filter((s) => s.length > 0));

describe('fuzz: signatures', () => {
  it(`verifies what was signed with a configured secret, and nothing else (${RUNS.signature / 2} cases)`, () => {
    const mutated = fc.tuple(anyId, anyId, fc.nat(), fc.string({ unit: 'binary', minLength: 1, maxLength: 3 }), fc.constantFrom(...configured));
    fc.assert(
      fc.property(mutated, ([id, otherId, n, extra, secret]) => {
        const good = sign(id, secret);
        assert.equal(unsignId(good, configured), id);
        assert.equal(unsignId(sign(id, SECRETS.retired), configured), undefined, 'a retired secret');
        const cut = n % good.length;
        assert.equal(unsignId(good.slice(0, cut), configured), undefined, 'truncated');
        assert.equal(unsignId(good + extra, configured), undefined, 'appended');
        const other = sign(otherId, secret);
        const swapped = good.slice(0, good.lastIndexOf('.')) + other.slice(other.lastIndexOf('.'));
        if (otherId !== id) assert.equal(unsignId(swapped, configured), undefined, 'MAC of another ID');
        const flipped = good.slice(0, cut) + String.fromCharCode(good.charCodeAt(cut) ^ 1) + good.slice(cut + 1);
        assert.equal(unsignId(flipped, configured), flipped === good ? id : undefined, 'one character changed');
      }),
      { numRuns: RUNS.signature / 2 },
    );
  });

  it(`never verifies a value nobody signed (${RUNS.signature / 2} cases)`, () => {
    const forged = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 120 }),
      fc.tuple(anyId, fc.string({ unit: 'binary', minLength: 43, maxLength: 43 })).map(([id, mac]) => `s:${id}.${mac}`),
      fc.tuple(anyId, fc.base64String({ minLength: 44, maxLength: 44 })).map(([id, mac]) => `s:${id}.${mac.replace(/=+$/, '')}`),
    );
    fc.assert(
      fc.property(forged, (value) => {
        const id = unsignId(value, configured);
        // Only a value that is exactly a genuine signature may verify (never by chance here).
        if (id !== undefined) assert.ok(configured.some((s) => sign(id, s) === value));
      }),
      { numRuns: RUNS.signature / 2 },
    );
  });
});

describe('the MAC is compared with crypto.timingSafeEqual', () => {
  const crypto = require('node:crypto') as typeof import('node:crypto');
  let calls: ReturnType<typeof mock.method>;
  before(() => {
    calls = mock.method(crypto, 'timingSafeEqual');
    // The ESM named import in signature.ts is a live binding of node:crypto: sync it with the mock.
    syncBuiltinESMExports();
  });
  after(() => {
    calls.mock.restore();
    syncBuiltinESMExports();
  });

  it('once per secret tried, for every well-formed value, verified or not (2000 cases)', () => {
    fc.assert(
      fc.property(anyId, fc.boolean(), fc.constantFrom(...configured), (id, genuine, secret) => {
        const value = genuine ? sign(id, secret) : sign(id, SECRETS.retired);
        const before = calls.mock.callCount();
        const result = unsignId(value, configured);
        const tried = genuine ? configured.indexOf(secret) + 1 : configured.length;
        assert.equal(result, genuine ? id : undefined);
        assert.equal(calls.mock.callCount() - before, tried);
      }),
      { numRuns: 2000 },
    );
  });

  it('not at all for a value whose MAC has the wrong length (it cannot match; nothing to time)', () => {
    const before = calls.mock.callCount();
    assert.equal(unsignId(`s:abc.${'A'.repeat(42)}`, configured), undefined);
    assert.equal(calls.mock.callCount(), before);
  });
});
