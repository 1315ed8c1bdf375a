/**
 * The app the exporter tests drive over real HTTP: the native Express app of the outage tests
 * (`outage-apps.ts`, its 'fail' one), whose manager reports to a given metrics hook, on the real
 * MemoryStore behind an outage switch (`SwitchedStore`), to produce store errors and the
 * breaker's states on cue. Then a fixed script of requests whose every metric is known.
 *
 * @module
 */
import assert from 'node:assert/strict';
import type { SessionMetrics } from '../../src/core/metrics.js';
import { MemoryStore } from '../../src/stores/memory/memory-store.js';
import { outageApps } from '../faults/outage-apps.js';
import { manualClock } from '../helpers/manual-clock.js';
import { SwitchedStore } from '../helpers/switched-store.js';

/**
 * Runs the script against an app reporting to `metrics`:
 * 1. a new visitor writes (setIfVersion ok);
 * 2. it reads (get ok, hit, write_skipped, touch_throttled);
 * 3. its session disappears from the store: a read is a miss (get ok), whose answer deletes the
 *    dead cookie, so the next write stores a new session without a read (setIfVersion ok);
 * 4. the store goes down: two failed gets open the breaker (circuit open), a third is refused
 *    (get unavailable); all three answer 503;
 * 5. the store is back and the cool-down over: the trial closes the breaker (half-open, closed),
 *    a hit again.
 */
export async function runMetricsScript(metrics: SessionMetrics): Promise<void> {
  const clock = manualClock();
  const store = new SwitchedStore(new MemoryStore({ clock: clock.now, sweepInterval: 0 }));
  const apps = await outageApps(store, { clock: clock.now, metrics, circuitBreaker: { failures: 2, cooldown: 1000 } });
  try {
    const browser = apps.fail.client();
    const read = async (): Promise<unknown> => JSON.parse((await browser.request('/read')).body) as unknown;
    assert.equal((await browser.request('/write?n=1', { method: 'POST' })).status, 200);
    assert.deepEqual(await read(), { n: 1, degraded: false });
    await store.inner.clear();
    assert.deepEqual(await read(), { n: null, degraded: false });
    assert.equal(browser.jar.size, 0, 'the dead cookie was deleted');
    assert.equal((await browser.request('/write?n=2', { method: 'POST' })).status, 200);
    store.down = true;
    for (let i = 0; i < 3; i++) assert.equal((await browser.request('/read')).status, 503);
    store.down = false;
    clock.advance(1000);
    assert.deepEqual(await read(), { n: 2, degraded: false });
  } finally {
    await apps.close();
  }
}

/** What the script produces, per store call `operation:outcome` and per counted event; the breaker ends closed (0). */
export const EXPECTED = {
  calls: { 'setIfVersion:ok': 2, 'get:ok': 3, 'get:failed': 2, 'get:unavailable': 1 },
  events: { hit: 2, miss: 1, write_skipped: 2, touch_throttled: 2 },
  circuitFinal: 0,
} as const;
