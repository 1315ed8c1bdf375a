// Secrets: the generator, the weak-secret heuristic (no false positives on random secrets), and
// the one-time process warning of SessionManager. The warning is once per process, so the
// tests of it run in order in this file.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { generateSecret, weakSecretReason, WEAK_SECRET_WARNING } from './secrets.js';
import { SessionManager } from '../index.js';

describe('generateSecret', () => {
  it('is 32 CSPRNG bytes as base64url: 43 characters, different every time, valid for checkSecrets', () => {
    const secrets = new Set(Array.from({ length: 100 }, generateSecret));
    assert.equal(secrets.size, 100);
    for (const s of secrets) {
      assert.match(s, /^[A-Za-z0-9_-]{43}$/);
      assert.equal(Buffer.from(s, 'base64url').length, 32);
    }
    assert.doesNotThrow(() => new SessionManager({ secret: generateSecret() }));
  });
});

describe('weakSecretReason', () => {
  const weak: Array<[string, RegExp]> = [
    ['keyboard cat keyboard cat keyboard cat', /keyboardcat/],
    ['Keyboard-Cat_Keyboard-Cat_Keyboard-Cat!', /keyboardcat/],
    ['changeme-changeme-changeme-changeme', /changeme/],
    ['my-super-SECRET-session-key-for-prod-2024', /secret/],
    ['replace_me_with_a_real_value_0123456789', /replaceme/],
    ['MyPassword_for_the_App_9f8e7d6c5b4a', /password/],
    ['aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', /repeated/],
    ['0123456789abcdef0123456789abcdef', /123456/],
    ['xyzxyzxyzxyzxyzxyzxyzxyzxyzxyzxy', /repeated/],
    ['abababababcdcdcdcdcdabababababefefefef', /only 6 distinct/],
    ['this is the long and boring phrase of our app', /words/],
  ];
  for (const [secret, pattern] of weak) {
    it(`flags ${JSON.stringify(secret)}`, () => {
      assert.match(weakSecretReason(secret) ?? '(not flagged)', pattern);
    });
  }

  it('flags a Buffer of zeros or of one repeated byte', () => {
    assert.match(weakSecretReason(Buffer.alloc(32)) ?? '', /repeated/);
    assert.match(weakSecretReason(Buffer.alloc(32, 7)) ?? '', /repeated/);
  });

  it('never flags a random secret: 20,000 of base64url, base64, hex and raw bytes', () => {
    for (let i = 0; i < 5000; i++) {
      const bytes = randomBytes(32);
      for (const secret of [bytes.toString('base64url'), bytes.toString('base64'), bytes.toString('hex').slice(0, 32), bytes]) {
        assert.equal(weakSecretReason(secret), undefined, String(secret));
      }
    }
  });
});

describe('SessionManager weak-secret warning', () => {
  it('warns once per process, with its code, when a secret looks like a placeholder; never for a random one', async () => {
    const seen: Error[] = [];
    const listener = (warning: Error): void => {
      if ((warning as { code?: string }).code === WEAK_SECRET_WARNING) seen.push(warning);
    };
    process.on('warning', listener);
    try {
      new SessionManager({ secret: generateSecret() });
      new SessionManager({ secret: [generateSecret(), randomBytes(32)] });
      await new Promise((resolve) => setImmediate(resolve));
      assert.equal(seen.length, 0, 'random secrets do not warn');
      new SessionManager({ secret: [generateSecret(), 'changeme-changeme-changeme-changeme'] });
      new SessionManager({ secret: 'keyboard cat keyboard cat keyboard cat' });
      await new Promise((resolve) => setImmediate(resolve));
      assert.equal(seen.length, 1, 'one warning for the process');
      assert.match(seen[0]?.message ?? '', /^secret\[1\] looks like a placeholder, not random data \(it contains "changeme"\).*generateSecret\(\)/);
      assert.ok(!(seen[0]?.message ?? '').includes('changeme-changeme'), 'the secret itself is not printed');
    } finally {
      process.off('warning', listener);
    }
  });

  it('still throws a TypeError for a secret shorter than 32 characters', () => {
    assert.throws(() => new SessionManager({ secret: 'keyboard cat' }), /^TypeError: secret is too short/);
  });
});
