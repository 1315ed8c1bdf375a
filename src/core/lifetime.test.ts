// Lifetimes enforced on every load from the record's own times (never the cookie's Expires):
// idle since the last request, absolute since creation or the last authentication, the store
// expiry never past the absolute deadline, a session past a limit deleted on sight with an
// `expired` event naming the limit, and times in a record that cannot stretch a life.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ExpiredInfo } from './engine.js';
import type { StoreError } from './errors.js';
import { kState } from './session.js';
import type { Store } from './store.js';
import { setupSessions } from '../../test/helpers/session-client.js';

const MIN = 60_000;
const HOUR = 60 * MIN;

function watch(manager: { on(event: 'expired', listener: (info: ExpiredInfo) => void): unknown }): ExpiredInfo[] {
  const seen: ExpiredInfo[] = [];
  manager.on('expired', (info) => seen.push(info));
  return seen;
}

describe('lifetime: idle', () => {
  it('ends a session 30 min after the last request by default, deletes it and says "idle"', async () => {
    const { client, clock, manager, store } = setupSessions();
    const expired = watch(manager);
    const first = await client.request((s) => void (s.n = 1));
    const key = manager.storeKey(first.session.id);
    clock.advance(30 * MIN);
    const later = await client.request();
    assert.notEqual(later.session.id, first.session.id);
    assert.equal(later.session.n, undefined);
    assert.deepEqual(expired, []); // the memory store no longer returns it: nothing to see
    assert.equal(await store.get(key), undefined);
  });

  it('checks the record\'s expiry itself, deletes a record a lagging store still returns, and says "idle"', async () => {
    const { client, clock, manager, store } = setupSessions();
    const expired = watch(manager);
    const first = await client.request((s) => void (s.n = 1));
    const key = manager.storeKey(first.session.id);
    const record = await store.get(key);
    assert.ok(record);
    // The store's sweep lags: it still holds the record, with an expiry in the past.
    const lagging: Store = { ...store, get: async (k) => (k === key ? record : store.get(k)), touch: store.touch.bind(store), set: store.set.bind(store), delete: store.delete.bind(store) };
    manager.config.store = lagging;
    clock.advance(30 * MIN);
    const later = await client.request();
    assert.deepEqual(expired, [{ key, limit: 'idle' }]);
    assert.notEqual(later.session.id, first.session.id);
    assert.equal(await store.get(key), undefined, 'deleted on sight');
  });
});

describe('lifetime: idle on a store that reports no expiry', () => {
  it('reads the last write (seenAt) instead, and rewrites rather than touches so it moves', async () => {
    const { client, clock, manager, store } = setupSessions({ touchAfter: 0 });
    const expired = watch(manager);
    const calls: string[] = [];
    // What the express-session bridge gives: the wrapped store keeps its own TTL, `get` says +Infinity.
    manager.config.store = {
      get: async (k) => {
        const record = await store.get(k);
        return record && { ...record, expiresAt: Number.POSITIVE_INFINITY };
      },
      set: (k, r) => (calls.push('set'), store.set(k, { ...r, expiresAt: clock.now() + 1000 * HOUR })),
      touch: (k, r) => (calls.push('touch'), store.touch(k, r)),
      delete: (k) => store.delete(k),
    };
    const first = await client.request((s) => void (s.n = 1));
    clock.advance(29 * MIN);
    assert.equal((await client.request()).session.n, 1);
    assert.deepEqual(calls, ['set', 'set'], 'the unchanged session was rewritten, not touched');
    clock.advance(29 * MIN);
    assert.equal((await client.request()).session.n, 1, 'alive: 29 min since the last request');
    clock.advance(30 * MIN);
    assert.equal((await client.request()).session.n, undefined);
    assert.deepEqual(expired, [{ key: manager.storeKey(first.session.id), limit: 'idle' }]);
  });
});

describe('lifetime: absolute', () => {
  it('ends an active session 12 h after creation by default, and says "absolute"', async () => {
    const { client, clock, manager, store } = setupSessions({ touchAfter: 0 });
    const expired = watch(manager);
    const first = await client.request((s) => void (s.n = 1));
    const key = manager.storeKey(first.session.id);
    const start = clock.now();
    for (let t = 20 * MIN; t < 12 * HOUR; t += 20 * MIN) {
      clock.advance(20 * MIN);
      assert.equal((await client.request()).session.n, 1, `alive after ${t / MIN} min`);
      const expiresAt = (await store.get(key))?.expiresAt;
      assert.ok(expiresAt !== undefined && expiresAt <= start + 12 * HOUR, 'the store expiry never passes the absolute deadline');
    }
    assert.equal((await store.get(key))?.expiresAt, start + 12 * HOUR, 'near the end, the store expiry is the deadline itself');
    clock.advance(20 * MIN);
    const later = await client.request();
    assert.equal(later.session.n, undefined);
    assert.notEqual(later.session.id, first.session.id);
    // The memory store purged it on time (its expiry was the deadline): no record was left to see.
    assert.deepEqual(expired, []);
  });

  it('says "absolute" for a record its store keeps beyond the deadline, and deletes it', async () => {
    const { client, clock, manager, store } = setupSessions({ lifetime: { idle: '1h', absolute: '2h' } });
    const expired = watch(manager);
    const first = await client.request((s) => void (s.n = 1));
    const key = manager.storeKey(first.session.id);
    const record = await store.get(key);
    assert.ok(record);
    await store.set(key, { ...record, expiresAt: clock.now() + 100 * HOUR }); // a store that ignores our expiry
    clock.advance(2 * HOUR);
    assert.equal((await client.request()).session.n, undefined);
    assert.deepEqual(expired, [{ key, limit: 'absolute' }]);
    assert.equal(await store.get(key), undefined);
  });

  it('counts from the last authentication: a new one restarts the period', async () => {
    const { client, clock, manager } = setupSessions({ lifetime: { idle: false, absolute: '2h' } });
    const expired = watch(manager);
    await client.request((s) => void (s.n = 1));
    clock.advance(90 * MIN);
    await client.request((s) => {
      // What `login`/`reauthenticated` record (they belong to the login helper): the authentication time.
      s[kState].authenticatedAt = clock.now();
      s.n = 2;
    });
    clock.advance(90 * MIN); // 3 h after creation, 1.5 h after authenticating
    const later = await client.request();
    assert.equal(later.session.n, 2);
    assert.equal(later.session.authenticatedAt, clock.now() - 90 * MIN);
    clock.advance(30 * MIN);
    assert.equal((await client.request()).session.n, undefined, '2 h after the authentication');
    assert.deepEqual(expired, []);
  });

  it('presets apply: aal3 ends an active session at 12 h, an idle one at 15 min', async () => {
    const { client, clock } = setupSessions({ lifetime: 'aal3', touchAfter: 0 });
    const first = await client.request((s) => void (s.n = 1));
    clock.advance(15 * MIN - 1);
    assert.equal((await client.request()).session.id, first.session.id);
    clock.advance(15 * MIN);
    assert.notEqual((await client.request()).session.id, first.session.id);
  });

  it('with both limits off, a browser-session cookie\'s record lives a day after the last request', async () => {
    const { client, clock, manager, store } = setupSessions({ lifetime: { idle: false, absolute: false } });
    const { session } = await client.request((s) => void (s.n = 1));
    assert.equal((await store.get(manager.storeKey(session.id)))?.expiresAt, clock.now() + 24 * HOUR);
  });
});

describe('lifetime: times in the record cannot stretch a life', () => {
  for (const [name, change] of [
    ['a creation time in the far future', (meta: Record<string, unknown>, now: number) => ({ ...meta, createdAt: now + 1000 * HOUR })],
    ['an authentication time in the future', (meta: Record<string, unknown>, now: number) => ({ ...meta, authenticatedAt: now + 10 * MIN })],
    ['a creation time as a string', (meta: Record<string, unknown>) => ({ ...meta, createdAt: '2999-01-01' })],
    ['a creation time of NaN (null in JSON)', (meta: Record<string, unknown>) => ({ ...meta, createdAt: null })],
    ['no creation time', ({ createdAt: _c, ...meta }: Record<string, unknown>) => meta],
  ] as const) {
    it(`refuses a plaintext record with ${name}: no session, "absolute", deleted`, async () => {
      const { client, clock, manager, store } = setupSessions();
      const expired = watch(manager);
      const first = await client.request((s) => void (s.n = 1));
      const key = manager.storeKey(first.session.id);
      const record = await store.get(key);
      assert.ok(record);
      const parsed = JSON.parse(record.value) as { __tessera: Record<string, unknown> };
      parsed.__tessera = change(parsed.__tessera, clock.now());
      await store.set(key, { ...record, value: JSON.stringify(parsed) });
      const later = await client.request();
      assert.equal(later.session.n, undefined);
      assert.deepEqual(expired, [{ key, limit: 'absolute' }]);
      assert.equal(await store.get(key), undefined);
    });
  }

  it('accepts a time up to a minute ahead (clock skew between servers)', async () => {
    const { client, clock, manager, store } = setupSessions();
    const first = await client.request((s) => void (s.n = 1));
    const key = manager.storeKey(first.session.id);
    const record = await store.get(key);
    assert.ok(record);
    await store.set(key, { ...record, value: record.value.replace(/"createdAt":\d+/, `"createdAt":${clock.now() + 59_000}`) });
    assert.equal((await client.request()).session.n, 1);
  });

  it('starts the absolute period of a record without Tessera metadata (express-session\'s) when first seen, and writes it down', async () => {
    const { client, clock, manager, store } = setupSessions({ lifetime: { idle: '1h', absolute: '2h' }, touchAfter: 0 });
    const first = await client.request((s) => void (s.n = 1));
    const key = manager.storeKey(first.session.id);
    await store.set(key, { value: '{"cookie":{"originalMaxAge":null},"n":7}', expiresAt: clock.now() + HOUR });
    clock.advance(30 * MIN);
    const seenAt = clock.now();
    const read = await client.request();
    assert.equal(read.session.n, 7);
    assert.equal(read.stored, 'saved', 'written once, with its start time, although nothing changed');
    assert.match((await store.get(key))?.value ?? '', new RegExp(`"createdAt":${seenAt}`));
    for (let i = 0; i < 3; i++) {
      clock.advance(30 * MIN);
      assert.equal((await client.request()).session.n, 7);
    }
    clock.advance(30 * MIN);
    assert.equal((await client.request()).session.n, undefined, '2 h after it was first seen');
  });

  it('ignores the cookie: a client replaying an old cookie (whatever Expires it kept) gets a new session', async () => {
    const { client, clock } = setupSessions({ cookie: { maxAge: 1000 * HOUR } });
    const first = await client.request((s) => void (s.n = 1));
    const cookie = client.value;
    clock.advance(13 * HOUR);
    client.value = cookie;
    const later = await client.request();
    assert.notEqual(later.session.id, first.session.id);
    assert.equal(later.session.n, undefined);
  });
});

describe('lifetime: faults and reload', () => {
  it('a failed delete of an expired record does not fail the request: storeError, then a new session', async () => {
    const { client, clock, manager, store } = setupSessions({ lifetime: { idle: '1h', absolute: '2h' } });
    const expired = watch(manager);
    const errors: StoreError[] = [];
    manager.on('storeError', (error) => errors.push(error));
    const first = await client.request((s) => void (s.n = 1));
    const key = manager.storeKey(first.session.id);
    const record = await store.get(key);
    assert.ok(record);
    await store.set(key, { ...record, expiresAt: clock.now() + 100 * HOUR });
    manager.config.store = { get: (k) => store.get(k), set: (k, r) => store.set(k, r), touch: (k, r) => store.touch(k, r), delete: () => Promise.reject(new Error('read-only replica')) };
    clock.advance(2 * HOUR);
    const later = await client.request();
    assert.equal(later.session.n, undefined);
    assert.deepEqual(expired, [{ key, limit: 'absolute' }]);
    assert.deepEqual(errors.map((e) => e.operation), ['delete']);
  });

  it('reload applies the same rules: past a limit it fails with ERR_SESSION_NOT_FOUND, deletes and says which', async () => {
    const { client, clock, manager, store } = setupSessions({ lifetime: { idle: '1h', absolute: '2h' } });
    const expired = watch(manager);
    const first = await client.request((s) => void (s.n = 1));
    const key = manager.storeKey(first.session.id);
    const record = await store.get(key);
    assert.ok(record);
    await store.set(key, { ...record, expiresAt: clock.now() + 100 * HOUR });
    await client.request(async (s) => {
      clock.advance(2 * HOUR); // a long request: the limit passes while it runs
      await assert.rejects(s.reload(), { code: 'ERR_SESSION_NOT_FOUND' });
    });
    assert.deepEqual(expired, [{ key, limit: 'absolute' }]);
  });
});
