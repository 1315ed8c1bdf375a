// The memo of verified cookie values: repeat requests skip the HMAC, forged values never enter,
// per-request secrets never read it, and it stays bounded.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createRequire, syncBuiltinESMExports } from 'node:module';
import { SessionEngine } from './engine.js';
import { generateSessionId } from './id.js';
import { signId } from './signature.js';
import { VerifiedCookies } from './verified-cookies.js';
import { MemoryStore } from '../stores/memory/memory-store.js';

// The CommonJS object of node:crypto: mocking it, then syncing, reaches the ESM named imports.
const crypto = createRequire(import.meta.url)('node:crypto') as typeof import('node:crypto');

const SECRET = 'a-secret-that-is-long-enough-for-tests-0123';

function engine(): SessionEngine {
  return new SessionEngine({
    store: new MemoryStore({ sweepInterval: 0 }),
    secrets: [SECRET],
    genid: generateSessionId,
    cookie: { path: '/' },
    saveUninitialized: false,
    resave: false,
    rolling: false,
    idleTimeout: 60_000,
    fallbackTtl: 60_000,
    touchAfter: 0,
    storeTimeout: 0,
    maxCookieLength: 4096,
    clearCookieOnDestroy: true,
    clock: Date.now,
  });
}

describe('VerifiedCookies', () => {
  it('keeps at most its capacity, dropping the oldest first', () => {
    const memo = new VerifiedCookies(2);
    assert.equal(memo.get('a', [SECRET]), undefined);
    memo.remember('a', '1');
    memo.remember('b', '2');
    memo.remember('c', '3');
    assert.equal(memo.get('a', [SECRET]), undefined);
    assert.equal(memo.get('b', [SECRET]), '2');
    assert.equal(memo.get('c', [SECRET]), '3');
  });

  it('forgets everything once the secrets hold something else: an array changed in place, a Buffer overwritten', () => {
    const secrets: (string | Buffer)[] = [SECRET, Buffer.from(SECRET)];
    const memo = new VerifiedCookies(10);
    memo.get('a', secrets);
    memo.remember('a', '1');
    assert.equal(memo.get('a', secrets), '1');
    assert.equal(memo.get('a', [SECRET, Buffer.from(SECRET)]), '1', 'equal contents in another array still answer');
    (secrets[1] as Buffer).fill(0);
    assert.equal(memo.get('a', secrets), undefined, 'a Buffer overwritten in place empties the memo');
    memo.remember('a', '1');
    secrets.splice(0, 1, 'another secret');
    assert.equal(memo.get('a', secrets), undefined, 'a secret replaced in place empties the memo');
    secrets.splice(0, 1, SECRET);
    assert.equal(memo.get('a', secrets), undefined, 'and what it forgot does not come back');
  });
});

describe('SessionEngine.readSignedValue with the memo', () => {
  it('computes the HMAC once for a value seen twice, and answers the same ID', (t) => {
    const e = engine();
    const value = signId('the-id', SECRET);
    const spy = t.mock.method(crypto, 'createHmac');
    syncBuiltinESMExports();
    t.after(() => {
      spy.mock.restore();
      syncBuiltinESMExports();
    });
    assert.equal(e.readSignedValue(value), 'the-id');
    assert.equal(spy.mock.callCount(), 1, 'the first read computed the HMAC');
    const first = spy.mock.callCount();
    assert.equal(e.readSignedValue(value), 'the-id');
    assert.equal(spy.mock.callCount(), first, 'the second read used the memo');
  });

  it('never remembers a forged value: it is rejected every time', () => {
    const e = engine();
    const forged = signId('the-id', 'another-secret-that-is-long-enough-0123456');
    assert.equal(e.readSignedValue(forged), undefined);
    assert.equal(e.readSignedValue(forged), undefined);
  });

  it('rejects a remembered value once its secret is removed from the configured array in place', () => {
    const secrets = [SECRET];
    const e = new SessionEngine({ ...engine().config, secrets });
    const value = signId('the-id', SECRET);
    assert.equal(e.readSignedValue(value), 'the-id');
    assert.equal(e.readSignedValue(value), 'the-id');
    secrets.splice(0, 1, 'the-replacement-secret-that-is-long-enough-0');
    assert.equal(e.readSignedValue(value), undefined);
  });

  it('does not answer from the memo for other (per-request) secrets', () => {
    const e = engine();
    const value = signId('the-id', SECRET);
    assert.equal(e.readSignedValue(value), 'the-id');
    assert.equal(e.readSignedValue(value, ['a-different-secret-that-is-long-enough-000']), undefined);
  });
});
