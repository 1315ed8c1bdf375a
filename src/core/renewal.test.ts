// Renewal (`lifetime.renew`): a session older than the period moves to a new ID keeping its
// data, the response carries the new cookie, and the old key keeps a forward (the new *store
// key*, never the new ID) for the grace window: a request already in flight on the old cookie
// keeps its session, reads and writes the renewed record, sends no cookie and does not rotate
// again; after the window the old ID is nothing. Store faults keep the old ID.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import type { RenewedInfo } from './engine.js';
import type { StoreError } from './errors.js';
import { kState } from './session.js';
import type { Store } from './store.js';
import { SessionClient, setupSessions, type TestData } from '../../test/helpers/session-client.js';
import type { SessionManagerOptions } from './manager.js';

const MIN = 60_000;

function setup(options: Partial<SessionManagerOptions> = {}) {
  const sessions = setupSessions({ lifetime: { renew: '15m' }, ...options });
  const renewed: RenewedInfo[] = [];
  sessions.manager.on('renewed', (info) => renewed.push(info));
  /** Another tab of the same browser: a client holding the same cookie. */
  const tab = (): SessionClient<TestData> => Object.assign(new SessionClient<TestData>(sessions.manager), { value: sessions.client.value });
  return { ...sessions, renewed, tab };
}

/** The session ID in a client's cookie. */
function idOf(client: SessionClient<TestData>): string {
  const value = decodeURIComponent(client.value ?? '');
  return value.slice(2, value.lastIndexOf('.'));
}

describe('renewal', () => {
  it('rotates the ID of a session older than the period, keeping data and times, with the new cookie', async () => {
    const { client, clock, manager, store, renewed } = setup();
    const first = await client.request((s) => void (s.n = 1));
    const created = first.session.createdAt;
    clock.advance(15 * MIN - 1);
    assert.equal((await client.request()).setCookie, undefined, 'not yet due: no rotation');
    clock.advance(1);
    const rotating = await client.request();
    assert.notEqual(rotating.session.id, first.session.id);
    assert.equal(rotating.session.n, 1);
    assert.equal(rotating.session.createdAt, created);
    assert.ok(rotating.setCookie?.includes(encodeURIComponent(rotating.session.id)), 'the response carries the new cookie');
    assert.equal(idOf(client), rotating.session.id);
    const oldKey = manager.storeKey(first.session.id);
    const newKey = manager.storeKey(rotating.session.id);
    assert.deepEqual(renewed, [{ key: newKey, previousKey: oldKey, until: clock.now() + 30_000 }]);
    const forward = await store.get(oldKey);
    assert.ok(forward);
    assert.equal(forward.expiresAt, clock.now() + 30_000);
    assert.ok(!forward.value.includes(rotating.session.id), 'a store dump does not yield the new ID');
    assert.ok(!forward.value.includes('"n"'), 'the forward holds no session data');
    assert.match((await store.get(newKey))?.value ?? '', /"n":1/);
  });

  it('lets a request in flight on the old cookie keep its session inside the window: same record, no cookie, no second rotation', async () => {
    const { client, clock, renewed, tab } = setup({ rolling: true });
    await client.request((s) => void (s.n = 1));
    const inFlight = tab();
    clock.advance(15 * MIN);
    const rotating = await client.request();
    clock.advance(29_000);
    let seen: number | undefined;
    const parallel = await inFlight.request((s) => {
      seen = s.n;
      s.n = 2;
    });
    assert.equal(seen, 1, 'the old cookie still reaches the session');
    assert.equal(parallel.session.isNew, false);
    assert.equal(parallel.setCookie, undefined, 'no cookie for the old ID, even with rolling');
    assert.equal(parallel.stored, 'saved');
    assert.equal(renewed.length, 1, 'no second rotation');
    const next = await client.request();
    assert.equal(next.session.id, rotating.session.id);
    assert.equal(next.session.n, 2, 'the write went to the renewed record');
  });

  it('forgets the old ID after the window, and the new ID does not rotate again before its own period', async () => {
    const { client, clock, renewed, tab } = setup();
    await client.request((s) => void (s.n = 1));
    const late = tab();
    clock.advance(15 * MIN);
    const rotating = await client.request();
    clock.advance(30_000);
    const stale = await late.request();
    assert.equal(stale.session.n, undefined);
    assert.notEqual(stale.session.id, rotating.session.id);
    clock.advance(14 * MIN);
    assert.equal((await client.request()).session.id, rotating.session.id);
    assert.equal(renewed.length, 1);
    clock.advance(31_000);
    assert.notEqual((await client.request()).session.id, rotating.session.id, 'its own period passed: rotated again');
    assert.equal(renewed.length, 2);
  });

  it('destroy from the old ID kills the renewed session and the forward', async () => {
    const { client, clock, manager, store, tab } = setup();
    const first = await client.request((s) => void (s.n = 1));
    const old = tab();
    clock.advance(15 * MIN);
    const rotating = await client.request();
    await old.request((s) => s.destroy());
    assert.equal(await store.get(manager.storeKey(rotating.session.id)), undefined);
    assert.equal(await store.get(manager.storeKey(first.session.id)), undefined);
    assert.equal((await client.request()).session.n, undefined);
  });

  it('destroy from the new ID kills the session; the old ID then reaches nothing', async () => {
    const { client, clock, tab } = setup();
    await client.request((s) => void (s.n = 1));
    const old = tab();
    clock.advance(15 * MIN);
    await client.request();
    await client.request((s) => s.destroy());
    assert.equal((await old.request()).session.n, undefined);
  });

  it('regenerate from the old ID drops both records and gives a new ID with its cookie', async () => {
    const { client, clock, manager, store, tab } = setup();
    const first = await client.request((s) => void (s.n = 1));
    const old = tab();
    clock.advance(15 * MIN);
    const rotating = await client.request();
    const regenerated = await old.request(async (s) => {
      await s.regenerate({ keep: true });
    });
    assert.ok(regenerated.setCookie !== undefined, 'the regenerated ID is sent');
    assert.equal(idOf(old), regenerated.session.id);
    assert.equal(await store.get(manager.storeKey(rotating.session.id)), undefined);
    assert.equal(await store.get(manager.storeKey(first.session.id)), undefined);
    assert.equal((await old.request()).session.n, 1);
  });

  it('the rotating request\'s own destroy removes the forward too', async () => {
    const { client, clock, manager, store } = setup();
    const first = await client.request((s) => void (s.n = 1));
    clock.advance(15 * MIN);
    await client.request((s) => s.destroy());
    assert.deepEqual(await store.all(), []);
    assert.equal(await store.get(manager.storeKey(first.session.id)), undefined);
  });

  it('reload follows the forward when a parallel request renewed the session meanwhile', async () => {
    const { client, clock, tab } = setup();
    await client.request((s) => void (s.n = 1));
    const slow = tab();
    clock.advance(15 * MIN - 1);
    await slow.request(async (s) => {
      clock.advance(1);
      await client.request((t) => void (t.n = 5)); // renews, and writes under the new ID
      await s.reload();
      assert.equal(s.n, 5);
      assert.equal(s[kState].forwarded, true);
    });
  });

  it('with grace 0 the old record is deleted at once', async () => {
    const { client, clock, manager, store, tab } = setup({ lifetime: { renew: '15m', grace: 0 } });
    const first = await client.request((s) => void (s.n = 1));
    const old = tab();
    clock.advance(15 * MIN);
    await client.request();
    assert.equal(await store.get(manager.storeKey(first.session.id)), undefined);
    assert.equal((await old.request()).session.n, undefined);
  });

  it('with encryption the forward is sealed and bound to the old key', async () => {
    const { client, clock, manager, store, tab } = setup({ encryption: { keys: [{ id: 'k1', key: randomBytes(32) }] } });
    const first = await client.request((s) => void (s.n = 1));
    const old = tab();
    clock.advance(15 * MIN);
    const rotating = await client.request();
    const forward = await store.get(manager.storeKey(first.session.id));
    assert.match(forward?.value ?? '', /^enc1\.k1\./);
    assert.equal((await old.request()).session.n, 1);
    // Moved under another key, it opens as nothing.
    const other = new SessionClient<TestData>(manager);
    await other.request((s) => void (s.n = 9));
    assert.ok(forward);
    await store.set(manager.storeKey(idOf(other)), forward);
    assert.equal((await other.request()).session.n, undefined);
    assert.equal((await client.request()).session.id, rotating.session.id);
  });

  it('ignores a forward whose window was stretched past the configured grace (a plaintext store tampered)', async () => {
    const { client, clock, manager, store, tab } = setup();
    const first = await client.request((s) => void (s.n = 1));
    const old = tab();
    clock.advance(15 * MIN);
    await client.request();
    const key = manager.storeKey(first.session.id);
    const forward = await store.get(key);
    assert.ok(forward);
    const stretched = forward.value.replace(/"until":\d+/, `"until":${clock.now() + 3_600_000}`);
    await store.set(key, { value: stretched, expiresAt: clock.now() + 3_600_000 });
    clock.advance(10 * MIN);
    assert.equal((await old.request()).session.n, undefined);
  });
});

describe('renewal: store faults keep the old ID', () => {
  function failing(store: Store, fail: (key: string, value: string) => boolean): Store {
    return {
      get: (k) => store.get(k),
      set: (k, r) => (fail(k, r.value) ? Promise.reject(new Error('disk full')) : store.set(k, r)),
      touch: (k, r) => store.touch(k, r),
      delete: (k) => store.delete(k),
    };
  }

  it('a failed write of the renewed record: the request works on the old ID, and the next one renews', async () => {
    const { client, clock, manager, store, renewed } = setup();
    const errors: StoreError[] = [];
    manager.on('storeError', (e) => errors.push(e));
    const first = await client.request((s) => void (s.n = 1));
    const cookie = client.value;
    let broken = true;
    manager.config.store = failing(store, () => broken);
    clock.advance(15 * MIN);
    const during = await client.request();
    assert.equal(during.session.id, first.session.id);
    assert.equal(during.session.n, 1);
    assert.equal(client.value, cookie);
    assert.deepEqual(errors.map((e) => e.operation), ['set']);
    assert.deepEqual(await store.all().then((all) => all.length), 1, 'no orphan record');
    broken = false;
    const after = await client.request();
    assert.notEqual(after.session.id, first.session.id);
    assert.equal(renewed.length, 1);
  });

  it('a failed write of the forward: the old record stays whole, the new copy is dropped, the old ID kept', async () => {
    const { client, clock, manager, store, renewed } = setup();
    const first = await client.request((s) => void (s.n = 1));
    const oldKey = manager.storeKey(first.session.id);
    manager.config.store = failing(store, (key) => key === oldKey);
    clock.advance(15 * MIN);
    const during = await client.request();
    assert.equal(during.session.id, first.session.id);
    assert.equal(during.setCookie, undefined);
    assert.deepEqual((await store.all()).map(([key]) => key), [oldKey]);
    assert.match((await store.get(oldKey))?.value ?? '', /"n":1/);
    assert.equal(renewed.length, 0);
  });
});
