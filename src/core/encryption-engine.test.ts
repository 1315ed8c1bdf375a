// The engine with a keyring, without HTTP: reload of a record that no longer opens, a manager
// without the keyring meeting sealed records, and the acceptPlaintext migration path.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { isTesseraError } from './errors.js';
import type { InvalidRecordInfo } from './engine-types.js';
import { SessionManager } from '../index.js';
import { setupSessions, SessionClient, TEST_SECRET, type TestData } from '../../test/helpers/session-client.js';

const KEY = { id: 'k1', key: randomBytes(32) };

describe('SessionEngine with encryption', () => {
  it('reload of a record that fails to open rejects with ERR_SESSION_NOT_FOUND and emits invalidRecord', async () => {
    const { manager, store, client } = setupSessions({ encryption: { keys: [KEY] } });
    const events: InvalidRecordInfo[] = [];
    manager.on('invalidRecord', (e) => events.push(e));
    await client.request((s) => {
      s.n = 1;
    });
    await client.request(async (s) => {
      const key = manager.storeKey(s.id);
      const record = await store.get(key);
      assert.ok(record !== undefined);
      await store.set(key, { ...record, value: `${record.value.slice(0, -2)}AA` });
      await assert.rejects(s.reload(), (e: unknown) => isTesseraError(e, 'ERR_SESSION_NOT_FOUND'));
      assert.deepEqual(events, [{ key, reason: 'authentication-failed' }]);
    });
  });

  it('a manager without the keyring reads sealed records as no session (no-keyring), not as a store fault', async () => {
    const { manager, store, client, clock } = setupSessions({ encryption: { keys: [KEY] } });
    await client.request((s) => {
      s.n = 7;
    });
    const plain = new SessionManager<TestData>({ secret: TEST_SECRET, store, clock: clock.now, warn: () => {} });
    const events: InvalidRecordInfo[] = [];
    plain.on('invalidRecord', (e) => events.push(e));
    const other = new SessionClient(plain);
    other.value = client.value;
    const { session } = await other.request();
    assert.equal(session.n, undefined);
    assert.equal(events[0]?.reason, 'no-keyring');
    assert.ok(manager.listenerCount('invalidRecord') === 0);
  });

  it('acceptPlaintext reads records stored before encryption was on, and seals them on their next write', async () => {
    const { store, client, clock } = setupSessions();
    const { session } = await client.request((s) => {
      s.n = 1;
    });
    const migrating = new SessionManager<TestData>({ secret: TEST_SECRET, store, clock: clock.now, warn: () => {}, encryption: { keys: [KEY], acceptPlaintext: true } });
    const key = migrating.storeKey(session.id);
    assert.match((await store.get(key))?.value ?? '', /^\{/);
    const next = new SessionClient(migrating);
    next.value = client.value;
    assert.equal((await next.request()).session.n, 1, 'read as plaintext');
    assert.match((await store.get(key))?.value ?? '', /^\{/, 'a read writes nothing');
    await next.request((s) => {
      s.n = 2;
    });
    assert.match((await store.get(key))?.value ?? '', /^enc1\.k1\./);
    const strict = new SessionManager<TestData>({ secret: TEST_SECRET, store, clock: clock.now, warn: () => {}, encryption: { keys: [KEY] } });
    const after = new SessionClient(strict);
    after.value = client.value;
    assert.equal((await after.request()).session.n, 2);
  });
});
