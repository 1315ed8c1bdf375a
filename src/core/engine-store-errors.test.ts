// Store failures reach the caller as StoreError with the operation and the original cause;
// a store that does not answer in storeTimeout fails with ERR_STORE_TIMEOUT.
//
// FaultyStore below is a fault-injection double: a real MemoryStore with chosen methods made
// to fail or hang, because a real server cannot be made to fail on cue. It is used only for
// these error paths; everything else runs on the real MemoryStore.
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { isTesseraError, StoreError, type StoreOperation } from './errors.js';
import type { Store, StoreRecord } from './store.js';
import { SessionManager } from '../index.js';
import { MemoryStore } from '../stores/memory/memory-store.js';
import { SessionClient, TEST_SECRET, type TestData } from '../../test/helpers/session-client.js';
import { manualClock } from '../../test/helpers/manual-clock.js';

type Fault = 'reject' | 'throw' | 'hang' | 'garbage';

class FaultyStore implements Store {
  readonly inner: MemoryStore;
  readonly faults = new Map<StoreOperation, Fault>();
  readonly cause = new Error('ECONNRESET: connection reset by peer');
  /** Timers of hanging calls: like a real socket, a pending call keeps the process alive. */
  readonly #pending = new Set<ReturnType<typeof setTimeout>>();

  constructor(inner: MemoryStore) {
    this.inner = inner;
  }

  #run<T>(op: StoreOperation, real: () => Promise<T>): Promise<T> {
    const fault = this.faults.get(op);
    if (fault === 'reject') return Promise.reject(this.cause);
    if (fault === 'throw') throw this.cause;
    if (fault === 'hang') {
      return new Promise<T>((resolve) => {
        const timer = setTimeout(() => resolve(real()), 60_000);
        this.#pending.add(timer);
      });
    }
    return real();
  }

  /** Drops the hanging calls (end of test). */
  release(): void {
    for (const timer of this.#pending) clearTimeout(timer);
    this.#pending.clear();
  }

  get(key: string): Promise<StoreRecord | undefined> {
    if (this.faults.get('get') === 'garbage') return Promise.resolve({ value: '<html>not a session', expiresAt: Number.MAX_SAFE_INTEGER });
    return this.#run('get', () => this.inner.get(key));
  }
  set(key: string, record: StoreRecord): Promise<void> {
    return this.#run('set', () => this.inner.set(key, record));
  }
  touch(key: string, record: StoreRecord): Promise<void> {
    return this.#run('touch', () => this.inner.touch(key, record));
  }
  delete(key: string): Promise<void> {
    return this.#run('delete', () => this.inner.delete(key));
  }
}

const stores: FaultyStore[] = [];
afterEach(() => {
  for (const store of stores.splice(0)) store.release();
});

function setup(options: { storeTimeout?: number; touchAfter?: number } = {}) {
  const clock = manualClock();
  const store = new FaultyStore(new MemoryStore({ clock: clock.now, sweepInterval: 0 }));
  stores.push(store);
  const manager = new SessionManager<TestData>({ secret: TEST_SECRET, store, clock: clock.now, warn: () => {}, ...options });
  const storeErrors: StoreError[] = [];
  manager.on('storeError', (e) => storeErrors.push(e));
  return { clock, store, manager, client: new SessionClient(manager), storeErrors };
}

function isStoreError(operation: StoreOperation, code: 'ERR_STORE_FAILED' | 'ERR_STORE_TIMEOUT' = 'ERR_STORE_FAILED', cause?: unknown) {
  return (error: unknown): boolean => {
    assert.ok(error instanceof StoreError, `expected a StoreError, got ${String(error)}`);
    assert.equal(error.operation, operation);
    assert.equal(error.code, code);
    assert.ok(isTesseraError(error, code));
    if (cause !== undefined) assert.equal(error.cause, cause);
    return true;
  };
}

describe('engine: store failures', () => {
  for (const fault of ['reject', 'throw'] as const) {
    it(`a get that fails (${fault}) rejects loading with StoreError('get') and its cause`, async () => {
      const { client, store, storeErrors } = setup();
      await client.request((s) => void (s.n = 1));
      store.faults.set('get', fault);
      await assert.rejects(client.request(), isStoreError('get', 'ERR_STORE_FAILED', store.cause));
      assert.equal(storeErrors.length, 1);
    });
  }

  it('a set that fails rejects the commit with StoreError(set)', async () => {
    const { client, store, storeErrors } = setup();
    store.faults.set('set', 'reject');
    await assert.rejects(client.request((s) => void (s.n = 1)), isStoreError('set', 'ERR_STORE_FAILED', store.cause));
    assert.equal(client.value, undefined, 'no cookie for a session that was not stored');
    assert.equal(storeErrors[0]?.operation, 'set');
  });

  it('a touch that fails rejects the commit with StoreError(touch)', async () => {
    const { client, store, clock } = setup();
    await client.request((s) => void (s.n = 1));
    store.faults.set('touch', 'reject');
    clock.advance(60_000);
    await assert.rejects(client.request(), isStoreError('touch', 'ERR_STORE_FAILED', store.cause));
  });

  it('a delete that fails rejects destroy with StoreError(delete)', async () => {
    const { client, store } = setup();
    await client.request((s) => void (s.n = 1));
    store.faults.set('delete', 'reject');
    await assert.rejects(client.request((s) => s.destroy()), isStoreError('delete', 'ERR_STORE_FAILED', store.cause));
  });

  it('regenerate still changes the ID when the delete fails, and reports the failure', async () => {
    const { client, store } = setup();
    const first = await client.request((s) => void (s.n = 1));
    store.faults.set('delete', 'reject');
    await client.request(async (s) => {
      await assert.rejects(s.regenerate(), isStoreError('delete'));
      assert.notEqual(s.id, first.session.id, 'fixation must not survive a store hiccup');
    });
  });

  it('a record the store returns unreadable is a StoreError(get), not a new session', async () => {
    const { client, store } = setup();
    await client.request((s) => void (s.n = 1));
    store.faults.set('get', 'garbage');
    await assert.rejects(client.request(), (e: unknown) => isStoreError('get')(e) && e instanceof Error && e.cause instanceof SyntaxError);
  });

  it("keeps the store's own StoreError code (a value over the store's limit)", async () => {
    const clock = manualClock();
    const store = new MemoryStore({ clock: clock.now, sweepInterval: 0, maxValueBytes: 200 });
    const manager = new SessionManager<TestData>({ secret: TEST_SECRET, store, clock: clock.now, warn: () => {} });
    await assert.rejects(
      new SessionClient(manager).request((s) => void (s.user = 'x'.repeat(500))),
      (e: unknown) => isTesseraError(e, 'ERR_STORE_VALUE_TOO_LARGE') && (e as StoreError).operation === 'setIfVersion',
    );
  });
});

describe('engine: store timeout', () => {
  it('fails a get that does not answer within storeTimeout with ERR_STORE_TIMEOUT', async () => {
    const { client, store, storeErrors } = setup({ storeTimeout: 30 });
    await client.request((s) => void (s.n = 1));
    store.faults.set('get', 'hang');
    const started = performance.now();
    await assert.rejects(client.request(), isStoreError('get', 'ERR_STORE_TIMEOUT'));
    assert.ok(performance.now() - started < 2000, 'gave up promptly');
    assert.equal(storeErrors[0]?.code, 'ERR_STORE_TIMEOUT');
  });

  it('fails a set that does not answer with ERR_STORE_TIMEOUT', async () => {
    const { client, store } = setup({ storeTimeout: 30 });
    store.faults.set('set', 'hang');
    await assert.rejects(client.request((s) => void (s.n = 1)), isStoreError('set', 'ERR_STORE_TIMEOUT'));
  });

  it('fails a touch that does not answer with ERR_STORE_TIMEOUT', async () => {
    const { client, store, clock } = setup({ storeTimeout: 30, touchAfter: 0 });
    await client.request((s) => void (s.n = 1));
    store.faults.set('touch', 'hang');
    clock.advance(1);
    await assert.rejects(client.request(), isStoreError('touch', 'ERR_STORE_TIMEOUT'));
  });
});
