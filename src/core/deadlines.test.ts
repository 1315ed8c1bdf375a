import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { cancelDeadline, startDeadline } from './deadlines.js';
import { withTimeout } from './with-timeout.js';

describe('store call deadlines', () => {
  // Deadlines never keep the process alive (a server's sockets do): the test keeps it alive itself.
  let alive: ReturnType<typeof setInterval>;
  before(() => {
    alive = setInterval(() => {}, 1000);
  });
  after(() => clearInterval(alive));

  it('a call that never settles times out at its own deadline, whatever settles around it', async () => {
    const started = performance.now();
    const fast: Array<Promise<number>> = [];
    for (let i = 0; i < 200; i++) fast.push(withTimeout('get', 40, () => Promise.resolve(i)));
    const hanging = withTimeout('get', 40, () => new Promise<never>(() => {}));
    for (let i = 0; i < 200; i++) fast.push(withTimeout('get', 40, () => delay(5).then(() => i)));
    assert.equal((await Promise.all(fast)).length, 400);
    await assert.rejects(hanging, (error: Error & { code?: string }) => error.code === 'ERR_STORE_TIMEOUT');
    const waited = performance.now() - started;
    assert.ok(waited >= 39 && waited < 1000, `timed out after ${waited.toFixed(1)} ms`);
  });

  it('calls started later time out later, each at its own deadline, and durations keep apart', async () => {
    const ended: string[] = [];
    const note = (name: string) => () => void ended.push(name);
    startDeadline(30, note('a30'));
    await delay(10);
    startDeadline(30, note('b30'));
    startDeadline(5, note('c5'));
    const cancelled = startDeadline(15, note('never'));
    cancelDeadline(cancelled);
    await delay(80);
    assert.deepEqual(ended, ['c5', 'a30', 'b30']);
  });

  it('a settled call never times out, also when its deadline passes while others still wait', async () => {
    const ended: string[] = [];
    const first = startDeadline(20, () => ended.push('first'));
    startDeadline(20, () => ended.push('second'));
    cancelDeadline(first);
    await delay(60);
    assert.deepEqual(ended, ['second']);
  });
});
