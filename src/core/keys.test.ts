// Store keys: the hash itself, and the manager deriving it (by default) for every store call.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { hashStoreKey } from './keys.js';
import { setupSessions, TEST_SECRET } from '../../test/helpers/session-client.js';
import { SessionManager } from '../index.js';

describe('hashStoreKey', () => {
  it('is base64url(SHA-256(id)): 43 characters of the store alphabet', () => {
    // FIPS 180-2 test vector: SHA-256("abc").
    assert.equal(Buffer.from(hashStoreKey('abc'), 'base64url').toString('hex'), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    const key = hashStoreKey('some session id');
    assert.match(key, /^[A-Za-z0-9_-]{43}$/);
    assert.equal(key, createHash('sha256').update('some session id').digest('base64url'));
  });
});

describe('SessionManager store keys', () => {
  it('hashes the session ID for every store call by default', async () => {
    const { manager, store, client } = setupSessions();
    const calls: string[] = [];
    for (const method of ['get', 'set', 'setIfVersion', 'touch', 'delete'] as const) {
      const original = store[method].bind(store) as (...args: unknown[]) => Promise<unknown>;
      (store as unknown as Record<string, unknown>)[method] = (key: string, ...rest: unknown[]) => {
        calls.push(`${method} ${key}`);
        return original(key, ...rest);
      };
    }
    const first = await client.request((s) => {
      s.n = 1;
    });
    const id = first.session.id;
    const key = hashStoreKey(id);
    assert.equal(manager.storeKey(id), key);
    await client.request((s) => s.touch());
    await client.request((s) => s.regenerate({ keep: true }));
    assert.deepEqual(calls.slice(0, 5), [`setIfVersion ${key}`, `get ${key}`, `touch ${key}`, `get ${key}`, `delete ${key}`]);
    assert.ok(calls.every((c) => !c.includes(id)), 'no store call ever sees a session ID');
    assert.equal(await store.get(id), undefined);
  });

  it('keeps the ID as the key with hashStoreKeys: false', async () => {
    const { store, client } = setupSessions({ hashStoreKeys: false });
    const { session } = await client.request((s) => {
      s.n = 1;
    });
    assert.ok((await store.get(session.id)) !== undefined);
  });

  it('throws a TypeError naming hashStoreKeys for a non-boolean', () => {
    assert.throws(() => new SessionManager({ secret: TEST_SECRET, hashStoreKeys: 'false' as unknown as boolean }), /^TypeError: hashStoreKeys must be true or false/);
  });
});
