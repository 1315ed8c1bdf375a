// MemoryStore's two bounds (maxSessions and maxBytes) and whom they evict: records the core
// marks `disposable` (no data, no user key) go first, least recently used first; any other
// record only when no disposable one is left.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isTesseraError } from '../../core/errors.js';
import type { StoreRecord } from '../../core/store.js';
import { MemoryStore, type MemoryStoreOptions } from './index.js';

const LATER = Date.now() + 3_600_000;
const kept = (value = 'kept'): StoreRecord => ({ value, expiresAt: LATER });
const disposable = (value = '{}'): StoreRecord => ({ value, expiresAt: LATER, disposable: true });

function store(options: MemoryStoreOptions): MemoryStore {
  return new MemoryStore({ sweepInterval: 0, ...options });
}

async function present(s: MemoryStore, keys: string[]): Promise<string[]> {
  const out: string[] = [];
  for (const key of keys) if ((await s.get(key)) !== undefined) out.push(key);
  return out;
}

describe('MemoryStore eviction order', () => {
  it('evicts disposable records first: a flood of them never pushes out a kept record', async () => {
    const s = store({ maxSessions: 5 });
    await s.set('user-1', kept());
    await s.set('user-2', kept());
    for (let i = 0; i < 1000; i++) await s.set(`anon-${i}`, disposable());
    assert.equal(s.size, 5);
    assert.deepEqual(await present(s, ['user-1', 'user-2']), ['user-1', 'user-2']);
    assert.deepEqual(await present(s, ['anon-996', 'anon-997', 'anon-998', 'anon-999']), ['anon-997', 'anon-998', 'anon-999']);
  });

  it('evicts the least recently used disposable record first (a read counts as a use)', async () => {
    const s = store({ maxSessions: 3 });
    await s.set('a', disposable());
    await s.set('b', disposable());
    await s.set('c', disposable());
    await s.get('a');
    await s.set('d', disposable());
    assert.deepEqual(await present(s, ['a', 'b', 'c', 'd']), ['a', 'c', 'd']);
  });

  it('evicts a kept record, least recently used first, only when no disposable one is left', async () => {
    const s = store({ maxSessions: 3 });
    await s.set('k1', kept());
    await s.set('k2', kept());
    await s.set('d1', disposable());
    await s.get('k1');
    await s.set('k3', kept());
    assert.deepEqual(await present(s, ['k1', 'k2', 'd1', 'k3']), ['k1', 'k2', 'k3'], 'the disposable one went first');
    await s.get('k1');
    await s.set('k4', kept());
    assert.deepEqual(await present(s, ['k1', 'k2', 'k3', 'k4']), ['k1', 'k3', 'k4'], 'then the least recently used kept one');
  });

  it('a new disposable record in a store full of kept ones is the one dropped', async () => {
    const s = store({ maxSessions: 2 });
    await s.set('k1', kept());
    await s.set('k2', kept());
    await s.set('d1', disposable());
    assert.deepEqual(await present(s, ['k1', 'k2', 'd1']), ['k1', 'k2']);
  });

  it('a record replaced by a kept one is kept from then on, and one replaced by a disposable one is disposable', async () => {
    const s = store({ maxSessions: 2 });
    await s.set('a', disposable());
    await s.set('b', disposable());
    await s.set('a', kept('logged in'));
    await s.set('c', disposable());
    await s.set('d', disposable());
    assert.deepEqual(await present(s, ['a', 'b', 'c', 'd']), ['a', 'd']);
    await s.set('a', disposable('{}'));
    await s.set('e', kept());
    assert.deepEqual(await present(s, ['a', 'd', 'e']), ['a', 'e'], 'a is disposable again (and newer than d, which went first)');
    await s.set('f', kept());
    assert.deepEqual(await present(s, ['a', 'e', 'f']), ['e', 'f'], 'then a went, before any kept record');
  });

  it('touch keeps a record where it was: a touched disposable record stays disposable', async () => {
    const s = store({ maxSessions: 2 });
    await s.set('d', disposable());
    await s.set('k', kept());
    await s.touch('d', { value: '{}', expiresAt: LATER + 1 });
    await s.set('k2', kept());
    assert.deepEqual(await present(s, ['d', 'k', 'k2']), ['k', 'k2']);
  });

  it('returns records without the hint: get gives back value, expiry, user key and version only', async () => {
    const s = store({});
    await s.set('d', { value: '{}', expiresAt: LATER, userKey: 'u', disposable: true });
    assert.deepEqual(await s.get('d'), { value: '{}', expiresAt: LATER, userKey: 'u', version: 1 });
  });
});

describe('MemoryStore maxBytes', () => {
  it('rejects a bad value with a TypeError naming maxBytes', () => {
    for (const maxBytes of [0, -1, 1.5, Number.NaN, '1' as unknown as number]) {
      assert.throws(() => store({ maxBytes }), (e: unknown) => e instanceof TypeError && e.message.includes('maxBytes'), String(maxBytes));
    }
  });

  it('counts each record as the UTF-8 bytes of its value plus its key, and frees them on replace, delete, expiry and clear', async () => {
    let now = 1000;
    const s = store({ clock: () => now });
    await s.set('k1', { value: 'abc', expiresAt: 5000 });
    assert.equal(s.bytes, 5);
    await s.set('k1', { value: 'é€', expiresAt: 5000 });
    assert.equal(s.bytes, 2 + 2 + 3, 'replaced: the new value counted, in UTF-8');
    await s.set('k2', { value: 'x'.repeat(10), expiresAt: 2000, userKey: 'u' });
    assert.equal(s.bytes, 7 + 12);
    await s.delete('k1');
    assert.equal(s.bytes, 12);
    now = 3000;
    assert.equal(await s.get('k2'), undefined);
    assert.equal(s.bytes, 0, 'an expired record found on read is freed');
    await s.set('k3', kept('x'.repeat(100)));
    await s.deleteByUser('nobody');
    await s.clear();
    assert.equal(s.bytes, 0);
  });

  it('never holds more than maxBytes: evicts disposable records first, then the least recently used', async () => {
    const s = store({ maxBytes: 10_000 });
    await s.set('user-1', kept('u'.repeat(2000)));
    for (let i = 0; i < 100; i++) {
      await s.set(`anon-${i}`, disposable('a'.repeat(900)));
      assert.ok(s.bytes <= 10_000, `${s.bytes} bytes after ${i + 1} sets`);
    }
    assert.ok((await s.get('user-1')) !== undefined, 'the kept record survived the disposable flood');
    for (let i = 0; i < 20; i++) {
      await s.set(`big-${i}`, kept('b'.repeat(3000)));
      assert.ok(s.bytes <= 10_000, `${s.bytes} bytes after big-${i}`);
    }
    assert.deepEqual(await present(s, ['user-1', 'big-16', 'big-17', 'big-18', 'big-19']), ['big-17', 'big-18', 'big-19']);
  });

  it('refuses a value that alone is larger than maxBytes, before writing anything', async () => {
    const s = store({ maxBytes: 1000 });
    await s.set('a', kept('x'.repeat(500)));
    await assert.rejects(s.set('b', kept('x'.repeat(1000))), (e: unknown) => isTesseraError(e) && e.code === 'ERR_STORE_VALUE_TOO_LARGE' && /maxBytes/.test((e as Error).message));
    assert.ok((await s.get('a')) !== undefined);
    assert.equal(s.bytes, 501);
  });

  it('bounds the default store: maxSessions x maxValueBytes can no longer reach gigabytes', async () => {
    const s = store({});
    const big = 'x'.repeat(1024 * 1024);
    for (let i = 0; i < 80; i++) await s.set(`k${i}`, kept(big));
    assert.ok(s.bytes <= 64 * 1024 * 1024, `${s.bytes} bytes`);
    assert.ok(s.size < 80);
  });
});
