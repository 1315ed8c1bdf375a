/**
 * The app the exporter tests drive over real HTTP: a native Express app on an ephemeral port,
 * whose manager reports to a given metrics hook, on the real MemoryStore behind a switch that
 * makes every call fail (a refused connection) while `down` is set, to produce store errors and
 * the breaker's states on cue. Then a fixed script of requests whose every metric is known.
 *
 * @module
 */
import assert from 'node:assert/strict';
import express from 'express';
import { session } from '../../src/adapters/express/index.js';
import { SessionManager } from '../../src/core/manager.js';
import type { SessionMetrics } from '../../src/core/metrics.js';
import type { Store, StoreRecord } from '../../src/core/store.js';
import { MemoryStore } from '../../src/stores/memory/memory-store.js';
import { listen, route } from '../helpers/express-apps.js';
import { HttpClient } from '../helpers/http-client.js';
import { manualClock } from '../helpers/manual-clock.js';
import { TEST_SECRET } from '../helpers/session-client.js';

declare module '../../src/core/session.js' {
  interface SessionData {
    metricsN?: number;
  }
}

/** The real MemoryStore, failing every call while `down`. */
class SwitchedStore implements Store {
  down = false;
  readonly #inner: MemoryStore;
  constructor(inner: MemoryStore) {
    this.#inner = inner;
  }
  #run<T>(real: () => Promise<T>): Promise<T> {
    return this.down ? Promise.reject(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' })) : real();
  }
  get(key: string): Promise<StoreRecord | undefined> {
    return this.#run(() => this.#inner.get(key));
  }
  set(key: string, record: StoreRecord): Promise<void> {
    return this.#run(() => this.#inner.set(key, record));
  }
  setIfVersion(key: string, record: StoreRecord, expected: number | null): Promise<number | false> {
    return this.#run(() => this.#inner.setIfVersion(key, record, expected));
  }
  touch(key: string, record: StoreRecord): Promise<void> {
    return this.#run(() => this.#inner.touch(key, record));
  }
  delete(key: string): Promise<void> {
    return this.#run(() => this.#inner.delete(key));
  }
}

/**
 * Runs the script against an app reporting to `metrics`:
 * 1. a new visitor writes (setIfVersion ok);
 * 2. it reads (get ok, hit, write_skipped, touch_throttled);
 * 3. it logs out (get ok, hit, delete ok); its old cookie, replayed, is a miss (get ok, miss);
 *    it writes again, as a new session (setIfVersion ok);
 * 4. the store goes down: two failed gets open the breaker (circuit open), a third is refused
 *    (get unavailable); all three answer 503;
 * 5. the store is back and the cool-down over: the trial closes the breaker (half-open, closed),
 *    a hit again.
 */
export async function runMetricsScript(metrics: SessionMetrics): Promise<void> {
  const clock = manualClock();
  const store = new SwitchedStore(new MemoryStore({ clock: clock.now, sweepInterval: 0 }));
  const manager = new SessionManager({ secret: TEST_SECRET, store, clock: clock.now, warn: () => {}, metrics, circuitBreaker: { failures: 2, cooldown: 1000 } });
  const app = express();
  app.set('env', 'test');
  app.use(session(manager));
  app.post(
    '/write',
    route((req, res) => {
      req.session.metricsN = 1;
      res.send('ok');
    }),
  );
  app.get('/read', (req, res) => void res.send(String(req.session.metricsN ?? 'none')));
  app.post(
    '/logout',
    route(async (req, res) => {
      await req.session.destroy();
      res.send('bye');
    }),
  );
  const server = await listen(app);
  try {
    const browser = new HttpClient(server.url);
    assert.equal((await browser.request('/write', { method: 'POST' })).status, 200);
    assert.equal((await browser.request('/read')).body, '1');
    // The same cookie, after its session was deleted behind the client's back (logout elsewhere).
    const stale = new HttpClient(server.url);
    for (const [name, value] of browser.jar) stale.jar.set(name, value);
    assert.equal((await browser.request('/logout', { method: 'POST' })).status, 200);
    assert.equal((await stale.request('/read')).body, 'none');
    assert.equal((await browser.request('/write', { method: 'POST' })).status, 200);
    store.down = true;
    for (let i = 0; i < 3; i++) assert.equal((await browser.request('/read')).status, 503);
    store.down = false;
    clock.advance(1000);
    assert.equal((await browser.request('/read')).body, '1');
  } finally {
    await server.close();
  }
}

/** What the script produces, per store call `operation:outcome` and per counted event; the breaker ends closed (0). */
export const EXPECTED = {
  calls: { 'setIfVersion:ok': 2, 'get:ok': 4, 'delete:ok': 1, 'get:failed': 2, 'get:unavailable': 1 },
  events: { hit: 3, miss: 1, write_skipped: 2, touch_throttled: 2 },
  circuitFinal: 0,
} as const;
