// Durations in options: milliseconds or one number with one unit; anything else a TypeError
// that names the option's path.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseDuration } from './duration.js';

describe('parseDuration', () => {
  for (const [input, ms] of [
    [0, 0],
    [1500, 1500],
    [1500.4, 1500],
    ['500ms', 500],
    ['30s', 30_000],
    ['15m', 900_000],
    ['12h', 43_200_000],
    ['30d', 2_592_000_000],
    ['1.5h', 5_400_000],
    ['0s', 0],
  ] as const) {
    it(`reads ${JSON.stringify(input)} as ${ms} ms`, () => {
      assert.equal(parseDuration(input, 'lifetime.idle'), ms);
    });
  }

  for (const bad of [-1, Number.NaN, Number.POSITIVE_INFINITY, '', '15', 'm', '15 m', '15M', '1h30m', '2w', '-5m', ' 15m', '15m ', '1e3ms', '0x10s', null, true, {}, [], 10n, () => 1]) {
    it(`refuses ${typeof bad === 'string' ? JSON.stringify(bad) : typeof bad === 'bigint' ? '10n' : String(bad)} with a TypeError naming the option`, () => {
      assert.throws(() => parseDuration(bad, 'lifetime.idle'), (error: unknown) => {
        assert.ok(error instanceof TypeError);
        assert.match(error.message, /^lifetime\.idle must be a non-negative duration: milliseconds, or a string such as '30s'/);
        return true;
      });
    });
  }

  it('refuses zero when asked to', () => {
    assert.throws(() => parseDuration('0m', 'lifetime.absolute', { allowZero: false }), /^TypeError: lifetime\.absolute must be a positive duration/);
    assert.throws(() => parseDuration(0, 'lifetime.absolute', { allowZero: false }), /positive duration/);
  });

  it('refuses a duration over the maximum', () => {
    assert.throws(() => parseDuration('100000000d', 'lifetime.absolute'), /^TypeError: lifetime\.absolute must be at most 100000000000000 ms/);
    assert.equal(parseDuration('1000d', 'x', { max: 1000 * 86_400_000 }), 86_400_000_000);
  });
});
