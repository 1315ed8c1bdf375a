// The circuit breaker's transitions, on an injected clock (no sleeping).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CircuitBreaker, checkCircuitBreaker, DEFAULT_CIRCUIT_BREAKER, type CircuitState } from './circuit-breaker.js';
import { manualClock } from '../../test/helpers/manual-clock.js';

function setup(settings = { failures: 3, cooldown: 1000, maxCooldown: 4000 }) {
  const clock = manualClock();
  const changes: CircuitState[] = [];
  const breaker = new CircuitBreaker(settings, clock.now, (s) => changes.push(s));
  return { clock, changes, breaker };
}

describe('CircuitBreaker', () => {
  it('stays closed below `failures` consecutive failures; a success resets the count', () => {
    const { breaker, changes } = setup();
    breaker.failed();
    breaker.failed();
    breaker.succeeded();
    breaker.failed();
    breaker.failed();
    assert.equal(breaker.state, 'closed');
    assert.equal(breaker.admit(true), true);
    assert.deepEqual(changes, []);
  });

  it('opens after `failures` in a row, refuses for the cool-down, then admits exactly one trial', () => {
    const { breaker, changes, clock } = setup();
    for (let i = 0; i < 3; i++) breaker.failed();
    assert.equal(breaker.state, 'open');
    assert.equal(breaker.admit(true), false);
    clock.advance(999);
    assert.equal(breaker.admit(true), false, 'still cooling down');
    clock.advance(1);
    assert.equal(breaker.admit(true), true, 'the trial');
    assert.equal(breaker.state, 'half-open');
    assert.equal(breaker.admit(true), false, 'one trial at a time');
    breaker.succeeded();
    assert.equal(breaker.state, 'closed');
    assert.equal(breaker.admit(true), true);
    assert.deepEqual(changes, ['open', 'half-open', 'closed']);
  });

  it('a failed trial reopens for twice the cool-down, capped at maxCooldown; a success resets it', () => {
    const { breaker, clock } = setup();
    for (let i = 0; i < 3; i++) breaker.failed();
    const cooldowns: number[] = [];
    for (let round = 0; round < 4; round++) {
      let waited = 0;
      while (!breaker.admit(true)) {
        clock.advance(100);
        waited += 100;
      }
      cooldowns.push(waited);
      breaker.failed();
      assert.equal(breaker.state, 'open');
    }
    assert.deepEqual(cooldowns, [1000, 2000, 4000, 4000]);
    clock.advance(4000);
    assert.equal(breaker.admit(true), true);
    breaker.succeeded();
    for (let i = 0; i < 3; i++) breaker.failed();
    clock.advance(1000);
    assert.equal(breaker.admit(true), true, 'back to the first cool-down after closing');
  });

  it('the store reporting itself down opens a closed breaker at once', () => {
    const { breaker, changes } = setup();
    assert.equal(breaker.admit(false), false);
    assert.equal(breaker.state, 'open');
    assert.deepEqual(changes, ['open']);
  });

  it('opened by the store\'s report, the report of being back admits a trial without waiting', () => {
    const { breaker, clock } = setup();
    assert.equal(breaker.admit(false), false);
    clock.advance(10);
    assert.equal(breaker.admit(false), false);
    assert.equal(breaker.admit(true), true, 'reconnected: trial at once');
    assert.equal(breaker.state, 'half-open');
  });

  it('opened by failures (the client still reports connected, e.g. a frozen server), the cool-down is waited', () => {
    const { breaker, clock } = setup();
    for (let i = 0; i < 3; i++) breaker.failed();
    clock.advance(500);
    assert.equal(breaker.admit(true), false);
  });

  it('after the cool-down a trial goes through even while the store reports down (a pool learns by trying)', () => {
    const { breaker, clock } = setup();
    breaker.admit(false);
    clock.advance(1000);
    assert.equal(breaker.admit(false), true);
  });

  it('a late failure of a call admitted before the breaker opened does not extend the wait', () => {
    const { breaker, clock } = setup();
    for (let i = 0; i < 3; i++) breaker.failed();
    clock.advance(600);
    breaker.failed();
    clock.advance(400);
    assert.equal(breaker.admit(true), true);
  });

  it('a trial that never settles stops blocking after maxCooldown', () => {
    const { breaker, clock } = setup();
    for (let i = 0; i < 3; i++) breaker.failed();
    clock.advance(1000);
    assert.equal(breaker.admit(true), true);
    clock.advance(3999);
    assert.equal(breaker.admit(true), false);
    clock.advance(1);
    assert.equal(breaker.admit(true), true, 'another trial');
  });
});

describe('checkCircuitBreaker', () => {
  it('defaults, false, and partial objects', () => {
    assert.deepEqual(checkCircuitBreaker(undefined), DEFAULT_CIRCUIT_BREAKER);
    assert.equal(checkCircuitBreaker(false), false);
    assert.deepEqual(checkCircuitBreaker({ failures: 2 }), { failures: 2, cooldown: 1000, maxCooldown: 30_000 });
    assert.deepEqual(checkCircuitBreaker({ cooldown: 60_000 }), { failures: 5, cooldown: 60_000, maxCooldown: 60_000 });
  });

  for (const [value, pattern] of [
    [true, /circuitBreaker must be false or an object/],
    ['off', /circuitBreaker must be false or an object/],
    [{ failures: 0 }, /circuitBreaker\.failures must be a whole number/],
    [{ failures: 1.5 }, /circuitBreaker\.failures/],
    [{ cooldown: 0 }, /circuitBreaker\.cooldown must be a positive number/],
    [{ cooldown: -1 }, /circuitBreaker\.cooldown/],
    [{ cooldown: 2 ** 31 }, /circuitBreaker\.cooldown must be at most/],
    [{ cooldown: 5000, maxCooldown: 1000 }, /maxCooldown \(1000\) must be at least circuitBreaker\.cooldown \(5000\)/],
  ] as const) {
    it(`refuses ${JSON.stringify(value)} with a TypeError naming the option`, () => {
      assert.throws(() => checkCircuitBreaker(value), (e: unknown) => e instanceof TypeError && pattern.test(e.message));
    });
  }
});
