import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { isTesseraError } from '../../core/errors.js';
import { storeConformance } from '../../testing/index.js';
import { MemoryStore, type MemoryStoreOptions } from './index.js';

storeConformance('MemoryStore', () => new MemoryStore(), { maxValueBytes: 1024 * 1024 + 64 * 1024 });

/** A store on a hand-driven clock, starting at t = 1000. */
function clocked(options: MemoryStoreOptions = {}): { store: MemoryStore; clock: { now: number } } {
  const clock = { now: 1000 };
  return { store: new MemoryStore({ sweepInterval: 0, ...options, clock: () => clock.now }), clock };
}

describe('MemoryStore options', () => {
  const bad: Array<[string, MemoryStoreOptions]> = [
    ['maxSessions', { maxSessions: 0 }],
    ['maxSessions', { maxSessions: 1.5 }],
    ['maxSessions', { maxSessions: Number.NaN }],
    ['sweepInterval', { sweepInterval: -1 }],
    ['sweepInterval', { sweepInterval: 2 ** 31 }],
    ['sweepInterval', { sweepInterval: '100' as unknown as number }],
    ['maxValueBytes', { maxValueBytes: 0 }],
    ['clock', { clock: 5 as unknown as () => number }],
  ];
  for (const [name, options] of bad) {
    it(`rejects ${name}: ${String(Object.values(options)[0])} with a TypeError naming it`, () => {
      assert.throws(() => new MemoryStore(options), (e: unknown) => e instanceof TypeError && e.message.includes(name));
    });
  }
  it('accepts sweepInterval 0 (no timer) and explicit defaults', async () => {
    await new MemoryStore({ sweepInterval: 0, maxSessions: 1, maxValueBytes: 1 }).close();
  });
});

describe('MemoryStore expiry and eviction', () => {
  it('checks expiry on get against the injected clock, and drops the expired record', async () => {
    const { store, clock } = clocked();
    await store.set('k', { value: 'v', expiresAt: 2000, userKey: 'u' });
    clock.now = 1999;
    assert.equal((await store.get('k'))?.value, 'v');
    clock.now = 2000;
    assert.equal(await store.get('k'), undefined);
    assert.equal(store.size, 0);
    assert.deepEqual(await store.listByUser('u'), []);
  });

  it('touch does not revive an expired record, and keeps the user key of a live one', async () => {
    const { store, clock } = clocked();
    await store.set('dead', { value: 'v', expiresAt: 1500 });
    await store.set('live', { value: 'v', expiresAt: 1500, userKey: 'u' });
    await store.touch('live', { value: 'v', expiresAt: 9000 });
    clock.now = 1600;
    await store.touch('dead', { value: 'v', expiresAt: 9000 });
    assert.equal(await store.get('dead'), undefined);
    assert.deepEqual(await store.get('live'), { value: 'v', expiresAt: 9000, userKey: 'u', version: 1 });
  });

  it('evicts the least recently used record beyond maxSessions (get and touch count as use)', async () => {
    const { store } = clocked({ maxSessions: 3 });
    for (const key of ['a', 'b', 'c']) await store.set(key, { value: key, expiresAt: 5000, userKey: `u-${key}` });
    await store.get('a');
    await store.touch('b', { value: 'b', expiresAt: 6000 });
    await store.set('d', { value: 'd', expiresAt: 5000 });
    assert.equal(store.size, 3);
    assert.equal(await store.get('c'), undefined, 'c was the least recently used');
    assert.deepEqual(await store.listByUser('u-c'), [], 'eviction also updates the user index');
    for (const key of ['a', 'b', 'd']) assert.equal((await store.get(key))?.value, key);
  });

  it('sweeps expired records on its interval, and close() stops the sweep', async (t) => {
    t.mock.timers.enable({ apis: ['setInterval'] });
    const clock = { now: 1000 };
    const store = new MemoryStore({ sweepInterval: 100, clock: () => clock.now });
    await store.set('a', { value: 'v', expiresAt: 1500, userKey: 'u' });
    await store.set('b', { value: 'v', expiresAt: 3000, userKey: 'u' });
    clock.now = 2000;
    t.mock.timers.tick(100);
    assert.equal(store.size, 1, 'the expired record was swept');
    await store.close();
    clock.now = 4000;
    t.mock.timers.tick(1000);
    assert.equal(store.size, 1, 'no sweep after close');
    await store.close();
  });

  it('prune() deletes only expired records and counts them', async () => {
    const { store, clock } = clocked();
    await store.set('a', { value: 'v', expiresAt: 1500 });
    await store.set('b', { value: 'v', expiresAt: 1500, userKey: 'u' });
    await store.set('c', { value: 'v', expiresAt: 3000, userKey: 'u' });
    clock.now = 2000;
    assert.equal(await store.prune(), 2);
    assert.equal(store.size, 1);
    assert.deepEqual(await store.listByUser('u'), ['c']);
  });

  it('never keeps the process alive with its sweep timer', () => {
    const entry = fileURLToPath(new URL('./index.ts', import.meta.url));
    const code = `import { MemoryStore } from ${JSON.stringify(entry)}; globalThis.s = new MemoryStore({ sweepInterval: 50 });`;
    const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { timeout: 20_000 });
    assert.equal(child.error, undefined, 'the child process did not exit on its own');
    assert.equal(child.status, 0, child.stderr.toString());
  });
});

describe('MemoryStore records and user index', () => {
  it('keeps its own copy of a record: changing the object passed to set changes nothing', async () => {
    const { store } = clocked();
    const record = { value: 'v', expiresAt: 5000 };
    await store.set('k', record);
    record.value = 'changed';
    assert.equal((await store.get('k'))?.value, 'v');
  });

  it('refuses a value over maxValueBytes counting UTF-8 bytes, not characters', async () => {
    const { store } = clocked({ maxValueBytes: 30 });
    await store.set('ok', { value: '語'.repeat(10), expiresAt: 5000 });
    await assert.rejects(store.set('big', { value: '語'.repeat(10) + 'x', expiresAt: 5000 }), (e: unknown) =>
      isTesseraError(e, 'ERR_STORE_VALUE_TOO_LARGE'),
    );
    assert.equal(store.size, 1);
  });

  it('deleteByUser counts only unexpired sessions and removes all of the user', async () => {
    const { store, clock } = clocked();
    await store.set('a', { value: 'v', expiresAt: 1500, userKey: 'u' });
    await store.set('b', { value: 'v', expiresAt: 3000, userKey: 'u' });
    await store.set('c', { value: 'v', expiresAt: 3000, userKey: 'other' });
    clock.now = 2000;
    assert.equal(await store.deleteByUser('u'), 1);
    assert.equal(store.size, 1);
    assert.deepEqual(await store.listByUser('other'), ['c']);
  });

  it('all() returns unexpired records, and clear() empties the store', async () => {
    const { store, clock } = clocked();
    await store.set('a', { value: 'A', expiresAt: 1500 });
    await store.set('b', { value: 'B', expiresAt: 3000, userKey: 'u' });
    clock.now = 2000;
    assert.deepEqual(await store.all(), [['b', { value: 'B', expiresAt: 3000, userKey: 'u', version: 1 }]]);
    await store.clear();
    assert.equal(store.size, 0);
    assert.deepEqual(await store.all(), []);
    assert.deepEqual(await store.listByUser('u'), []);
  });
});

describe('MemoryStore bounds', () => {
  it('holds at most maxSessions after 1,000,000 distinct sessions, without leaking its user index', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    gc();
    const before = process.memoryUsage().heapUsed;
    const store = new MemoryStore({ maxSessions: 10_000, sweepInterval: 0 });
    const expiresAt = Date.now() + 3_600_000;
    let batch: Array<Promise<void>> = [];
    for (let i = 0; i < 1_000_000; i++) {
      batch.push(store.set(`key-${i}`, { value: `v${i}`, expiresAt, userKey: `user-${i}` }));
      if (batch.length === 10_000) {
        await Promise.all(batch);
        batch = [];
        assert.ok(store.size <= 10_000, `size ${store.size} after ${i + 1} sets`);
      }
    }
    await Promise.all(batch);
    assert.equal(store.size, 10_000);
    assert.equal(await store.get('key-0'), undefined, 'the oldest sessions were evicted');
    assert.equal((await store.get('key-999999'))?.value, 'v999999');
    assert.deepEqual(await store.listByUser('user-0'), []);
    assert.deepEqual(await store.listByUser('user-999999'), ['key-999999']);
    gc();
    const grown = process.memoryUsage().heapUsed - before;
    // 10,000 small records with their index take a few MB; a leaked index of 1,000,000 users >100 MB.
    assert.ok(grown < 40 * 1024 * 1024, `heap grew by ${Math.round(grown / 1024 / 1024)} MB`);
    await store.close();
  });
});
