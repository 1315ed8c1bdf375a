// `concurrency: 'merge'` in the core: the delta a request re-applies on a conflict, and the
// engine's writes with two requests interleaved by hand (load, load, commit, commit): both
// changes kept, deletions and the user key merged, a destroyed session not recreated, a session
// renewed meanwhile written through its forward, no store call beyond the one write when nothing
// conflicts, and a bounded number of attempts.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ConflictInfo } from './engine.js';
import { isTesseraError, type StoreError } from './errors.js';
import type { TypedSession } from './manager.js';
import { applyDelta, MAX_WRITE_ATTEMPTS } from './merge.js';
import { setupSessions, type TestData } from '../../test/helpers/session-client.js';
import type { SessionManagerOptions } from './manager.js';

function setup(options: Partial<SessionManagerOptions> = {}) {
  const sessions = setupSessions(options);
  const conflicts: ConflictInfo[] = [];
  sessions.manager.on('conflict', (info) => conflicts.push(info));
  const { manager, client } = sessions;
  /** Loads the client's session as a request would, without committing yet. */
  const open = async (): Promise<{ session: TypedSession<TestData> & Record<string, unknown>; commit: () => ReturnType<typeof manager.commitSession> }> => {
    const name = manager.cookieName(false);
    const { session, cookieName } = await manager.loadSession({ cookieHeader: `${name}=${client.value}`, secure: false });
    return { session: session as TypedSession<TestData> & Record<string, unknown>, commit: () => manager.commitSession(session, { secure: false, cookieName }) };
  };
  return { ...sessions, conflicts, open };
}

/** Counts the calls each store method gets. */
function countCalls(store: object): Map<string, number> {
  const calls = new Map<string, number>();
  const s = store as Record<string, (...args: unknown[]) => unknown>;
  for (const method of ['get', 'set', 'setIfVersion', 'touch', 'delete']) {
    const original = s[method]!.bind(store);
    s[method] = (...args: unknown[]) => {
      calls.set(method, (calls.get(method) ?? 0) + 1);
      return original(...args);
    };
  }
  return calls;
}

describe('merge: the delta of a request', () => {
  it('applies the keys this request set, changed or deleted to the current data, keeping the others', () => {
    const overwritten = new Set<string>();
    const merged = applyDelta({ keep: 1, changed: 1, gone: 1, same: [1] }, { keep: 1, changed: 2, added: 'x', same: [1] }, { keep: 9, changed: 1, gone: 1, theirs: true, same: [1] }, overwritten);
    assert.deepEqual(merged, { keep: 9, changed: 2, theirs: true, same: [1], added: 'x' });
    assert.deepEqual([...overwritten], [], 'nothing both sides changed');
  });

  it('reports a key both sides changed to different values, and lets this request win', () => {
    const overwritten = new Set<string>();
    assert.deepEqual(applyDelta({ a: 1, b: 1 }, { a: 2, b: 3 }, { a: 5, b: 3 }, overwritten), { a: 2, b: 3 });
    assert.deepEqual([...overwritten], ['a'], 'b was changed to the same value on both sides');
  });

  it('compares nested values by their JSON, and keeps a key named __proto__ a plain data key', () => {
    const overwritten = new Set<string>();
    const mine = JSON.parse('{"__proto__":{"admin":true},"cart":{"items":[1,2]}}') as object;
    const merged = applyDelta({ cart: { items: [1] } }, mine, { cart: { items: [1] }, other: 1 }, overwritten);
    assert.equal(Object.getPrototypeOf(merged), Object.prototype);
    assert.equal((merged as { admin?: unknown }).admin, undefined);
    assert.deepEqual(JSON.parse(JSON.stringify(merged)), JSON.parse('{"cart":{"items":[1,2]},"other":1,"__proto__":{"admin":true}}'));
  });
});

describe('merge: two requests on one session', () => {
  it('keeps both changes and emits one merged conflict, with no store call beyond the write when nothing conflicts', async () => {
    const { client, store, conflicts, open } = setup();
    await client.request((s) => void (s.n = 1));
    const calls = countCalls(store);
    const one = await open();
    const two = await open();
    one.session.a = 1;
    two.session.b = 2;
    await one.commit();
    assert.deepEqual(Object.fromEntries(calls), { get: 2, setIfVersion: 1 }, 'two loads and one write: nothing else');
    await two.commit();
    assert.deepEqual(Object.fromEntries(calls), { get: 3, setIfVersion: 3 }, 'the conflict: a refused write, a read, the merged write');
    const after = (await client.request()) as unknown as { session: Record<string, unknown> & TypedSession<TestData> };
    assert.deepEqual({ n: after.session.n, a: after.session.a, b: after.session.b }, { n: 1, a: 1, b: 2 });
    assert.equal(conflicts.length, 1);
    assert.deepEqual({ ...conflicts[0], key: '' }, { key: '', outcome: 'merged', overwritten: [], attempts: 2 });
    assert.equal(two.session.a, 1, "the request's session object holds the merged data");
  });

  it('writes nothing for an unchanged session, even when another request wrote it meanwhile', async () => {
    const { client, store, open } = setup();
    await client.request((s) => void (s.n = 1));
    const one = await open();
    const two = await open();
    two.session.n = 2;
    await two.commit();
    const calls = countCalls(store);
    assert.equal((await one.commit()).stored, 'none');
    assert.deepEqual(Object.fromEntries(calls), {});
  });

  it('merges a deletion, and a user key one request set', async () => {
    const { client, open } = setup();
    await client.request((s) => Object.assign(s, { a: 1, b: 1 }));
    const one = await open();
    const two = await open();
    delete one.session.a;
    one.session.userKey = 'user-7';
    two.session.b = 2;
    await one.commit();
    await two.commit();
    const after = (await client.request()) as unknown as { session: Record<string, unknown> & TypedSession<TestData> };
    assert.deepEqual({ a: after.session.a, b: after.session.b, user: after.session.userKey }, { a: undefined, b: 2, user: 'user-7' });
  });

  it('drops the write of a session destroyed since it was loaded: nothing stored, no cookie, a dropped conflict', async () => {
    const { client, store, manager, conflicts, open } = setup();
    const first = await client.request((s) => void (s.n = 1));
    const key = manager.storeKey(first.session.id);
    const late = await open();
    const logout = await open();
    await logout.session.destroy();
    await logout.commit();
    late.session.n = 2;
    const result = await late.commit();
    assert.deepEqual({ setCookie: result.setCookie, stored: result.stored }, { setCookie: undefined, stored: 'none' });
    assert.equal(await store.get(key), undefined);
    assert.deepEqual(conflicts.map((c) => c.outcome), ['dropped']);
    await assert.rejects(late.session.save(), (e: unknown) => isTesseraError(e, 'ERR_SESSION_DESTROYED'), 'the dropped session counts as destroyed');
  });

  it('sends no cookie, not even a clearing one, when an explicit save() found the session destroyed meanwhile', async () => {
    const { client, store, manager, open } = setup();
    const first = await client.request((s) => void (s.n = 1));
    const late = await open();
    const logout = await open();
    await logout.session.destroy();
    await logout.commit();
    late.session.n = 2;
    await late.session.save();
    const result = await late.commit();
    assert.deepEqual({ setCookie: result.setCookie, stored: result.stored }, { setCookie: undefined, stored: 'none' });
    assert.equal(await store.get(manager.storeKey(first.session.id)), undefined);
  });

  it('writes through the forward of a session renewed since it was loaded, keeping the renewal', async () => {
    const { client, clock, manager, store, open } = setup({ lifetime: { renew: '15m' } });
    const first = await client.request((s) => void (s.n = 1));
    const inFlight = await open();
    clock.advance(15 * 60_000);
    const renewing = await client.request();
    assert.notEqual(renewing.session.id, first.session.id, 'the second request rotated the ID');
    inFlight.session.a = 1;
    const result = await inFlight.commit();
    assert.equal(result.setCookie, undefined, 'no cookie for the old ID');
    const record = await store.get(manager.storeKey(renewing.session.id));
    assert.match(record?.value ?? '', /"a":1/, 'the change reached the renewed record');
    const after = (await client.request()) as unknown as { session: Record<string, unknown> & TypedSession<TestData> };
    assert.deepEqual({ id: after.session.id, n: after.session.n, a: after.session.a }, { id: renewing.session.id, n: 1, a: 1 });
  });

  it(`gives up after ${MAX_WRITE_ATTEMPTS} refused writes with a StoreError naming setIfVersion`, async () => {
    const { client, store, open } = setup();
    await client.request((s) => void (s.n = 1));
    const request = await open();
    let attempts = 0;
    store.setIfVersion = async () => (attempts++, false);
    request.session.n = 2;
    await assert.rejects(request.commit(), (e: unknown) => isTesseraError(e, 'ERR_STORE_FAILED') && (e as StoreError).operation === 'setIfVersion');
    assert.equal(attempts, MAX_WRITE_ATTEMPTS);
  });

  it('takes a burst of 20 parallel writes to one session, each changing its own key: none fails, none is lost', async () => {
    const { client, open, conflicts } = setup();
    await client.request((s) => void (s.n = 1));
    const requests = await Promise.all(Array.from({ length: 20 }, () => open()));
    requests.forEach((request, i) => void (request.session[`k${i}`] = i));
    const results = await Promise.allSettled(requests.map((request) => request.commit()));
    assert.deepEqual(results.filter((r) => r.status === 'rejected'), [], 'no write gave up');
    const after = (await client.request()) as unknown as { session: Record<string, unknown> };
    for (let i = 0; i < 20; i++) assert.equal(after.session[`k${i}`], i, `k${i} kept`);
    assert.ok(conflicts.length >= 19, `the writes really collided (${conflicts.length} merged)`);
  });

  it("writes with plain sets under concurrency 'last-write-wins', losing the other change", async () => {
    const { client, store, open } = setup({ concurrency: 'last-write-wins' });
    await client.request((s) => void (s.n = 1));
    const calls = countCalls(store);
    const one = await open();
    const two = await open();
    one.session.a = 1;
    two.session.b = 2;
    await one.commit();
    await two.commit();
    assert.deepEqual(Object.fromEntries(calls), { get: 2, set: 2 });
    const after = (await client.request()) as unknown as { session: Record<string, unknown> & TypedSession<TestData> };
    assert.deepEqual({ a: after.session.a, b: after.session.b }, { a: undefined, b: 2 }, 'the first write was overwritten whole');
  });
});
