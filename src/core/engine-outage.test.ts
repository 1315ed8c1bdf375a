// The outage policy in the core: onStoreError 'fail' | 'anonymous', fail-fast on the store's
// own report (isAvailable), and the circuit breaker, on an injected clock.
//
// OutageStore is a fault-injection double: the real MemoryStore, with an outage switched on
// and off by the test (a real server cannot be made to fail on cue; test/faults/ does it with
// real servers over HTTP). Its calls are counted, to show which ones never reached it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isTesseraError, StoreError } from './errors.js';
import { isDegraded } from './outage-policy.js';
import type { CircuitState } from './circuit-breaker.js';
import type { Store, StoreRecord } from './store.js';
import { SessionManager, type SessionManagerOptions } from '../index.js';
import { MemoryStore } from '../stores/memory/memory-store.js';
import { SessionClient, TEST_SECRET, type TestData } from '../../test/helpers/session-client.js';
import { manualClock } from '../../test/helpers/manual-clock.js';

class OutageStore implements Store {
  readonly inner: MemoryStore;
  /** Calls fail (as a refused connection would). */
  down = false;
  /** What `isAvailable` answers (`undefined`: the store has no probe, like a third-party store). */
  reported: boolean | undefined;
  calls = 0;

  constructor(inner: MemoryStore) {
    this.inner = inner;
  }
  #run<T>(real: () => Promise<T>): Promise<T> {
    this.calls += 1;
    return this.down ? Promise.reject(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' })) : real();
  }
  get(key: string): Promise<StoreRecord | undefined> {
    return this.#run(() => this.inner.get(key));
  }
  set(key: string, record: StoreRecord): Promise<void> {
    return this.#run(() => this.inner.set(key, record));
  }
  touch(key: string, record: StoreRecord): Promise<void> {
    return this.#run(() => this.inner.touch(key, record));
  }
  delete(key: string): Promise<void> {
    return this.#run(() => this.inner.delete(key));
  }
  isAvailable(): boolean {
    return this.reported ?? true;
  }
}

function setup(options: Partial<SessionManagerOptions> = {}) {
  const clock = manualClock();
  const store = new OutageStore(new MemoryStore({ clock: clock.now, sweepInterval: 0 }));
  const manager = new SessionManager<TestData>({ secret: TEST_SECRET, store, clock: clock.now, storeTimeout: 0, warn: () => {}, ...options });
  const circuit: CircuitState[] = [];
  manager.on('circuit', (s) => circuit.push(s));
  return { clock, store, manager, circuit, client: new SessionClient(manager) };
}

async function storeError(promise: Promise<unknown>): Promise<StoreError> {
  let caught: unknown;
  await assert.rejects(promise, (e: unknown) => ((caught = e), true));
  assert.ok(caught instanceof StoreError, `expected a StoreError, got ${String(caught)}`);
  return caught;
}

describe("onStoreError 'fail' (default)", () => {
  it('a failed load rejects with a StoreError whose status is 503', async () => {
    const { store, client } = setup();
    await client.request((s) => void (s.n = 1));
    store.down = true;
    const error = await storeError(client.request());
    assert.equal(error.code, 'ERR_STORE_FAILED');
    assert.deepEqual([error.status, error.statusCode], [503, 503]);
  });

  it('refuses a bad value with a TypeError naming the option', () => {
    for (const value of ['ignore', true, 0]) {
      assert.throws(() => new SessionManager({ secret: TEST_SECRET, onStoreError: value as never }), /onStoreError must be 'fail'.*or 'anonymous'/);
    }
    assert.throws(() => new SessionManager({ secret: TEST_SECRET, circuitBreaker: { failures: -1 } }), /circuitBreaker\.failures/);
  });
});

describe("onStoreError 'anonymous'", () => {
  it('a failed load gives a fresh, degraded session and a `degraded` event; nothing is stored, no cookie is sent', async () => {
    const { store, manager, client } = setup({ onStoreError: 'anonymous' });
    await client.request((s) => void (s.n = 1));
    const realCookie = client.value;
    const events: [StoreError, unknown][] = [];
    manager.on('degraded', (error, session) => events.push([error, session]));
    store.down = true;
    const result = await client.request((s) => {
      assert.equal(s.n, undefined, 'a fresh session');
      s.n = 99;
    });
    assert.equal(isDegraded(result.session), true);
    assert.deepEqual([result.setCookie, result.stored], [undefined, 'none']);
    assert.equal(events.length, 1);
    assert.equal(events[0]?.[0].code, 'ERR_STORE_FAILED');
    assert.equal(events[0]?.[1], result.session);
    assert.equal(client.value, realCookie, "the client's real cookie is kept");

    store.down = false;
    const after = await client.request();
    assert.equal(after.session.n, 1, 'the session saved before the outage is back, unchanged by the degraded request');
    assert.equal(isDegraded(after.session), false);
  });

  it('save, regenerate and destroy of a degraded session reject with ERR_STORE_UNAVAILABLE without calling the store', async () => {
    const { store, client } = setup({ onStoreError: 'anonymous', circuitBreaker: false });
    await client.request((s) => void (s.n = 1));
    store.down = true;
    const { session } = await client.request();
    assert.equal(isDegraded(session), true);
    const before = store.calls;
    for (const call of [() => session.save(), () => session.regenerate(), () => session.destroy()]) {
      const error = await storeError(call());
      assert.equal(error.code, 'ERR_STORE_UNAVAILABLE');
      assert.equal(error.status, 503);
    }
    assert.equal(store.calls, before);
  });

  it('a failed write of a session that loaded fine is still an error (a change is never acknowledged unsaved)', async () => {
    const { store, client } = setup({ onStoreError: 'anonymous' });
    await client.request((s) => void (s.n = 1));
    await assert.rejects(
      client.request((s) => {
        s.n = 2;
        store.down = true;
      }),
      (e: unknown) => isTesseraError(e, 'ERR_STORE_FAILED'),
    );
    store.down = false;
    assert.equal((await client.request()).session.n, 1);
  });
});

describe('fail fast', () => {
  it('a store reporting itself unavailable is not called: ERR_STORE_UNAVAILABLE at once, and the circuit opens', async () => {
    const { store, client, circuit } = setup();
    await client.request((s) => void (s.n = 1));
    store.reported = false;
    const calls = store.calls;
    const error = await storeError(client.request());
    assert.equal(error.code, 'ERR_STORE_UNAVAILABLE');
    assert.equal(error.operation, 'get');
    assert.match(error.message, /reports it is disconnected/);
    assert.equal(store.calls, calls, 'the store was not called');
    assert.deepEqual(circuit, ['open']);

    store.reported = true;
    assert.equal((await client.request()).session.n, 1, 'the report of being back lets a trial through at once');
    assert.deepEqual(circuit, ['open', 'half-open', 'closed']);
  });

  it('after `failures` failed calls the breaker opens; calls fail without reaching the store until the cool-down ends', async () => {
    const { store, client, clock, circuit } = setup({ circuitBreaker: { failures: 3, cooldown: 1000 } });
    await client.request((s) => void (s.n = 1));
    store.down = true;
    for (let i = 0; i < 3; i++) assert.equal((await storeError(client.request())).code, 'ERR_STORE_FAILED');
    assert.deepEqual(circuit, ['open']);
    const calls = store.calls;
    for (let i = 0; i < 10; i++) assert.equal((await storeError(client.request())).code, 'ERR_STORE_UNAVAILABLE');
    assert.equal(store.calls, calls, 'no call reached the store while open');

    clock.advance(1000);
    assert.equal((await storeError(client.request())).code, 'ERR_STORE_FAILED', 'the trial reached the store and failed');
    assert.equal(store.calls, calls + 1);
    clock.advance(1000);
    assert.equal((await storeError(client.request())).code, 'ERR_STORE_UNAVAILABLE', 'reopened for twice the cool-down');

    store.down = false;
    clock.advance(1000);
    assert.equal((await client.request()).session.n, 1, 'recovered: the trial succeeded');
    assert.deepEqual(circuit, ['open', 'half-open', 'open', 'half-open', 'closed']);
  });

  it("under 'anonymous', an open breaker serves degraded sessions at once", async () => {
    const { store, client } = setup({ onStoreError: 'anonymous', circuitBreaker: { failures: 1 } });
    await client.request((s) => void (s.n = 1));
    store.down = true;
    assert.equal(isDegraded((await client.request()).session), true);
    const calls = store.calls;
    const { session } = await client.request();
    assert.equal(isDegraded(session), true);
    assert.equal(store.calls, calls);
  });

  it('circuitBreaker: false sends every call to the store and ignores its report', async () => {
    const { store, client, circuit } = setup({ circuitBreaker: false });
    store.down = true;
    store.reported = false;
    for (let i = 0; i < 8; i++) assert.equal((await storeError(client.request((s) => void (s.n = i)))).code, 'ERR_STORE_FAILED');
    assert.equal(store.calls, 8);
    assert.deepEqual(circuit, []);
  });

  it('a refused oversized value does not count as an outage', async () => {
    const clock = manualClock();
    const inner = new MemoryStore({ clock: clock.now, sweepInterval: 0, maxValueBytes: 200 });
    const manager = new SessionManager<{ big?: string }>({ secret: TEST_SECRET, store: inner, clock: clock.now, warn: () => {}, circuitBreaker: { failures: 1 } });
    const states: CircuitState[] = [];
    manager.on('circuit', (s) => states.push(s));
    const client = new SessionClient(manager);
    const error = await storeError(client.request((s) => void (s.big = 'x'.repeat(500))));
    assert.deepEqual([error.code, error.status], ['ERR_STORE_VALUE_TOO_LARGE', 500]);
    assert.deepEqual(states, []);
  });
});
