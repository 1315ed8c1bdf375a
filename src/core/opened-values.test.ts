// The memo of sealed values that already opened: it answers only for the very value under the
// very key it opened under, keeps nothing long or past its capacity, and never lets a record
// moved under another session's key open (the engine, with a keyring, over several loads).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import type { InvalidRecordInfo } from './engine-types.js';
import { OpenedValues } from './opened-values.js';
import { SessionManager } from './manager.js';
import { setupSessions, SessionClient, TEST_SECRET, type TestData } from '../../test/helpers/session-client.js';

describe('OpenedValues', () => {
  it('answers for the value under the key it opened under, and only then', () => {
    const memo = new OpenedValues(10);
    memo.remember('enc1.k.AAAA', 'key-a', '{"cookie":{}}');
    assert.equal(memo.get('enc1.k.AAAA', 'key-a'), '{"cookie":{}}');
    assert.equal(memo.get('enc1.k.AAAA', 'key-b'), undefined, 'another store key misses');
    assert.equal(memo.get('enc1.k.AAAB', 'key-a'), undefined, 'another value misses');
  });

  it('drops the oldest entry at capacity and keeps no value over 4096 characters', () => {
    const memo = new OpenedValues(2);
    memo.remember('v1', 'k', 'j1');
    memo.remember('v2', 'k', 'j2');
    memo.remember('v3', 'k', 'j3');
    assert.equal(memo.get('v1', 'k'), undefined);
    assert.equal(memo.get('v3', 'k'), 'j3');
    const long = 'x'.repeat(4097);
    memo.remember(long, 'k', 'j');
    assert.equal(memo.get(long, 'k'), undefined);
  });

  it('capacity 0 remembers nothing', () => {
    const memo = new OpenedValues(0);
    memo.remember('v', 'k', 'j');
    assert.equal(memo.get('v', 'k'), undefined);
  });
});

describe('the engine with a memo of opened values', () => {
  it('a sealed record that opened for its own session does not open when copied under another session', async () => {
    const { manager, store, client } = setupSessions({ encryption: { keys: [{ id: 'k1', key: randomBytes(32) }] } });
    const victim = new SessionClient(manager);
    await client.request((s) => {
      s.n = 1;
    });
    await victim.request((s) => {
      s.n = 2;
    });
    // Both loaded once more, so both sealed values are in the memo.
    let attackerKey = '';
    let victimValue = '';
    await client.request((s) => {
      assert.equal(s.n, 1);
      attackerKey = manager.storeKey(s.id);
    });
    await victim.request(async (s) => {
      assert.equal(s.n, 2);
      const record = await store.get(manager.storeKey(s.id));
      assert.ok(record !== undefined);
      victimValue = record.value;
    });
    const events: InvalidRecordInfo[] = [];
    manager.on('invalidRecord', (e) => events.push(e));
    const attacker = await store.get(attackerKey);
    assert.ok(attacker !== undefined);
    await store.set(attackerKey, { ...attacker, value: victimValue });
    await client.request((s) => {
      assert.equal(s.n, undefined, "the victim's data never loads under the attacker's cookie");
      assert.equal(s.isNew, true);
    });
    assert.deepEqual(events, [{ key: attackerKey, reason: 'authentication-failed' }]);
  });

  it('an unchanged sealed session loads with the same data on every read', async () => {
    const { client } = setupSessions({ encryption: { keys: [{ id: 'k1', key: randomBytes(32) }] } });
    await client.request((s) => {
      s.n = 5;
    });
    for (let i = 0; i < 3; i++) {
      await client.request((s) => {
        assert.equal(s.n, 5);
        assert.equal(s.isNew, false);
      });
    }
  });

  // What a write seals is remembered as opened (the next read of that session is not decrypted):
  // the entries it adds must answer only for that very value, under that very key.
  it('a record another process rewrote after this one wrote it is read and opened again', async () => {
    const keys = [{ id: 'k1', key: randomBytes(32) }];
    const { store, clock, client } = setupSessions({ encryption: { keys } });
    const other = new SessionManager<TestData>({ secret: TEST_SECRET, store, clock: clock.now, warn: () => {}, encryption: { keys } });
    await client.request((s) => {
      s.n = 1;
    });
    const otherClient = new SessionClient(other);
    otherClient.value = client.value;
    await otherClient.request((s) => {
      assert.equal(s.n, 1);
      s.n = 2;
    });
    await client.request((s) => {
      assert.equal(s.n, 2, 'the newer record, not the value this process wrote');
      s.n = 3;
    });
    await otherClient.request((s) => assert.equal(s.n, 3));
  });

  it('a record tampered with after this process wrote it fails to open', async () => {
    const { manager, store, client } = setupSessions({ encryption: { keys: [{ id: 'k1', key: randomBytes(32) }] } });
    let key = '';
    await client.request((s) => {
      s.n = 1;
      key = manager.storeKey(s.id);
    });
    const record = await store.get(key);
    assert.ok(record !== undefined);
    // A character inside the tag, not the last one: base64's last character may carry padding
    // bits, and changing only those leaves the bytes (and so the record) as they were.
    const at = record.value.length - 10;
    const changed = record.value[at] === 'A' ? 'B' : 'A';
    await store.set(key, { ...record, value: record.value.slice(0, at) + changed + record.value.slice(at + 1) });
    const events: InvalidRecordInfo[] = [];
    manager.on('invalidRecord', (e) => events.push(e));
    await client.request((s) => {
      assert.equal(s.isNew, true);
      assert.equal(s.n, undefined);
    });
    assert.deepEqual(events, [{ key, reason: 'authentication-failed' }]);
  });

  it('a value this process wrote for one session does not open under another session\'s key', async () => {
    const { manager, store, client } = setupSessions({ encryption: { keys: [{ id: 'k1', key: randomBytes(32) }] } });
    let victimKey = '';
    await new SessionClient(manager).request((s) => {
      s.user = 'victim';
      victimKey = manager.storeKey(s.id);
    });
    let attackerKey = '';
    await client.request((s) => {
      s.n = 1;
      attackerKey = manager.storeKey(s.id);
    });
    // The victim's value exactly as this process sealed (and remembered) it, never read since,
    // moved under the attacker's key.
    const [victim, attacker] = [await store.get(victimKey), await store.get(attackerKey)];
    assert.ok(victim !== undefined && attacker !== undefined);
    await store.set(attackerKey, { ...attacker, value: victim.value });
    const events: InvalidRecordInfo[] = [];
    manager.on('invalidRecord', (e) => events.push(e));
    await client.request((s) => {
      assert.equal(s.isNew, true);
      assert.equal(s.user, undefined);
    });
    assert.deepEqual(events, [{ key: attackerKey, reason: 'authentication-failed' }]);
  });
});
