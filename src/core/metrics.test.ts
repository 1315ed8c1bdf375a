// The metrics hook, with a hook that records every call: each metric observed in the situation
// that produces it (a hit, a miss, a skipped write, a throttled touch, a merged conflict, a store
// error or timeout, the breaker opening, half-opening and closing), nothing counted where it
// should not be, and a hook that throws never failing a request.
//
// SwitchedStore is a fault-injection double: the real MemoryStore with an outage switched on and
// off by the test (test/faults/ does it with real servers).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CircuitState } from './circuit-breaker.js';
import type { StoreOperation } from './errors.js';
import { SessionManager } from '../index.js';
import type { SessionManagerOptions, TypedSession } from './manager.js';
import { CIRCUIT_STATE_VALUE, checkMetrics, type SessionCounter, type SessionMetrics, type StoreCallOutcome } from './metrics.js';
import { MemoryStore } from '../stores/memory/memory-store.js';
import { manualClock } from '../../test/helpers/manual-clock.js';
import { SwitchedStore } from '../../test/helpers/switched-store.js';
import { SessionClient, TEST_SECRET, type TestData } from '../../test/helpers/session-client.js';

class RecordingMetrics implements SessionMetrics {
  calls: { operation: StoreOperation; ms: number; outcome: StoreCallOutcome }[] = [];
  counts: SessionCounter[] = [];
  states: CircuitState[] = [];
  storeCall(operation: StoreOperation, ms: number, outcome: StoreCallOutcome): void {
    this.calls.push({ operation, ms, outcome });
  }
  count(event: SessionCounter): void {
    this.counts.push(event);
  }
  circuit(state: CircuitState): void {
    this.states.push(state);
  }
  /** What happened since the last `take`, without the latencies (which are real time). */
  take(): { calls: string[]; counts: SessionCounter[]; states: CircuitState[] } {
    for (const c of this.calls) assert.ok(c.ms >= 0 && Number.isFinite(c.ms), `a latency is a finite, non-negative number (got ${c.ms})`);
    const taken = { calls: this.calls.map((c) => `${c.operation}:${c.outcome}`), counts: this.counts, states: this.states };
    this.calls = [];
    this.counts = [];
    this.states = [];
    return taken;
  }
}

function setup(options: Partial<SessionManagerOptions> = {}) {
  const clock = manualClock();
  const store = new SwitchedStore(new MemoryStore({ clock: clock.now, sweepInterval: 0 }));
  const metrics = new RecordingMetrics();
  const manager = new SessionManager<TestData>({ secret: TEST_SECRET, store, clock: clock.now, storeTimeout: 0, warn: () => {}, metrics, ...options });
  return { clock, store, metrics, manager, client: new SessionClient(manager) };
}

describe('metrics: the session path', () => {
  it('a new session read nothing and counts nothing; its first write is one setIfVersion', async () => {
    const { client, metrics } = setup();
    await client.request((s) => void (s.n = 1));
    assert.deepEqual(metrics.take(), { calls: ['setIfVersion:ok'], counts: [], states: [] });
  });

  it('a hit: a cookie that leads to a live session', async () => {
    const { client, metrics } = setup();
    await client.request((s) => void (s.n = 1));
    metrics.take();
    await client.request((s) => void (s.n = 2));
    assert.deepEqual(metrics.take(), { calls: ['get:ok', 'setIfVersion:ok'], counts: ['hit'], states: [] });
  });

  it('a miss: a verified cookie whose session is gone, counted once', async () => {
    const { client, store, metrics } = setup();
    await client.request((s) => void (s.n = 1));
    await store.inner.clear();
    metrics.take();
    await client.request();
    assert.deepEqual(metrics.take(), { calls: ['get:ok'], counts: ['miss'], states: [] });
  });

  it('a skipped write of an unchanged session, and a touch once touchAfter has passed', async () => {
    const { client, clock, metrics } = setup({ touchAfter: 60_000 });
    await client.request((s) => void (s.n = 1));
    metrics.take();
    clock.advance(1_000);
    await client.request();
    assert.deepEqual(metrics.take(), { calls: ['get:ok'], counts: ['hit', 'write_skipped', 'touch_throttled'], states: [] });
    clock.advance(61_000);
    await client.request();
    assert.deepEqual(metrics.take(), { calls: ['get:ok', 'touch:ok'], counts: ['hit', 'write_skipped'], states: [] }, 'the touch went to the store');
  });

  it('a merged conflict: two requests that change different keys of one session', async () => {
    const { client, manager, metrics } = setup();
    await client.request((s) => void (s.n = 1));
    const name = manager.cookieName(false);
    const open = async (): Promise<{ session: TypedSession<TestData>; commit: () => Promise<unknown> }> => {
      const { session, cookieName } = await manager.loadSession({ cookieHeader: `${name}=${client.value}`, secure: false });
      return { session, commit: () => manager.commitSession(session, { secure: false, cookieName }) };
    };
    const one = await open();
    const two = await open();
    one.session.user = 'ada';
    two.session.cart = ['tea'];
    await one.commit();
    metrics.take();
    await two.commit();
    assert.deepEqual(metrics.take(), { calls: ['setIfVersion:ok', 'get:ok', 'setIfVersion:ok'], counts: ['conflict_merged'], states: [] });
  });

  it('a conflict dropped: a write of a session another request destroyed meanwhile', async () => {
    const { client, manager, metrics } = setup();
    await client.request((s) => void (s.n = 1));
    const name = manager.cookieName(false);
    const { session, cookieName } = await manager.loadSession({ cookieHeader: `${name}=${client.value}`, secure: false });
    await client.request((s) => s.destroy());
    session.n = 2;
    metrics.take();
    await manager.commitSession(session, { secure: false, cookieName });
    assert.deepEqual(metrics.take().counts, ['conflict_dropped']);
  });
});

describe('metrics: store errors and the circuit breaker', () => {
  it('a store error is a failed call, then the breaker opens, refuses, lets one trial through and closes', async () => {
    const { client, store, clock, metrics } = setup({ circuitBreaker: { failures: 2, cooldown: 1000 } });
    await client.request((s) => void (s.n = 1));
    metrics.take();
    store.down = true;
    await assert.rejects(client.request());
    assert.deepEqual(metrics.take(), { calls: ['get:failed'], counts: [], states: [] });
    await assert.rejects(client.request());
    assert.deepEqual(metrics.take(), { calls: ['get:failed'], counts: [], states: ['open'] });
    await assert.rejects(client.request());
    assert.deepEqual(metrics.take(), { calls: ['get:unavailable'], counts: [], states: [] }, 'refused at once, still reported');
    clock.advance(1000);
    await assert.rejects(client.request());
    assert.deepEqual(metrics.take(), { calls: ['get:failed'], counts: [], states: ['half-open', 'open'] }, 'the trial failed');
    store.down = false;
    clock.advance(2000);
    await client.request();
    assert.deepEqual(metrics.take(), { calls: ['get:ok'], counts: ['hit', 'write_skipped', 'touch_throttled'], states: ['half-open', 'closed'] });
  });

  it("a request served degraded under onStoreError 'anonymous' is counted", async () => {
    const { client, store, metrics } = setup({ onStoreError: 'anonymous', circuitBreaker: false });
    await client.request((s) => void (s.n = 1));
    store.down = true;
    metrics.take();
    await client.request();
    assert.deepEqual(metrics.take(), { calls: ['get:failed'], counts: ['degraded'], states: [] });
  });

  it('a call past storeTimeout is a timeout', async () => {
    const { client, store, metrics } = setup({ storeTimeout: 1, circuitBreaker: false });
    await client.request((s) => void (s.n = 1));
    store.hang = true;
    metrics.take();
    await assert.rejects(client.request(), { code: 'ERR_STORE_TIMEOUT' });
    const { calls } = metrics.take();
    assert.deepEqual(calls, ['get:timeout']);
  });
});

describe('metrics: the option', () => {
  it('a hook that throws never fails a request', async () => {
    const boom = (): never => {
      throw new Error('broken exporter');
    };
    const { client } = setup({ metrics: { storeCall: boom, count: boom, circuit: boom } });
    await client.request((s) => void (s.n = 1));
    const again = await client.request();
    assert.equal(again.session.n, 1);
  });

  it('refuses anything but an object with the three methods, naming the option', () => {
    for (const bad of [null, 1, {}, { storeCall() {}, count() {} }]) {
      assert.throws(() => new SessionManager({ secret: TEST_SECRET, metrics: bad as never }), (e: unknown) => e instanceof TypeError && /^metrics must be an object with storeCall/.test(e.message));
    }
    assert.equal(checkMetrics(undefined), undefined);
  });

  it('gives each breaker state a gauge value', () => {
    assert.deepEqual(CIRCUIT_STATE_VALUE, { closed: 0, 'half-open': 1, open: 2 });
  });
});
