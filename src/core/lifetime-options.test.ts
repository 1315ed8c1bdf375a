// The `lifetime` option: defaults, NIST presets, durations, explicit opt-outs, the deprecated
// idleTimeout alias, and a TypeError naming the field for each bad value; in the native API and
// (opt-in) in the drop-in.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { resolveOptions } from '../adapters/express-session/options.js';
import { SessionManager, type SessionManagerOptions } from '../index.js';
import { LIFETIME_PRESETS, resolveLifetime } from './lifetime-options.js';
import { TEST_SECRET } from '../../test/helpers/session-client.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

function configOf(options: Partial<SessionManagerOptions>) {
  return new SessionManager({ secret: TEST_SECRET, warn: () => {}, ...options }).config;
}

function throwsNaming(run: () => unknown, pattern: RegExp): void {
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof TypeError, `not a TypeError: ${String(error)}`);
    assert.match(error.message, pattern);
    return true;
  });
}

describe('lifetime option: values', () => {
  it('defaults to 30 min idle, 12 h absolute, no renewal, a 30 s grace window', () => {
    assert.deepEqual(resolveLifetime(undefined), { idle: 30 * MIN, absolute: 12 * HOUR, renew: undefined, grace: 30_000 });
    const config = configOf({});
    assert.equal(config.idleTimeout, 30 * MIN);
    assert.equal(config.absoluteTimeout, 12 * HOUR);
    assert.equal(config.renewAfter, undefined);
  });

  it('has the NIST SP 800-63B-4 presets', () => {
    assert.deepEqual(resolveLifetime('aal1'), { idle: undefined, absolute: 30 * DAY, renew: undefined, grace: 30_000 });
    assert.deepEqual(resolveLifetime('aal2'), { idle: HOUR, absolute: DAY, renew: undefined, grace: 30_000 });
    assert.deepEqual(resolveLifetime('aal3'), { idle: 15 * MIN, absolute: 12 * HOUR, renew: undefined, grace: 30_000 });
    assert.deepEqual(resolveLifetime({ ...LIFETIME_PRESETS.aal2, renew: '15m' }).renew, 15 * MIN);
    assert.ok(Object.isFrozen(LIFETIME_PRESETS.aal2));
  });

  it('takes milliseconds and strings, a left-out limit taking its default', () => {
    assert.deepEqual(resolveLifetime({ idle: 5000, absolute: '8h', renew: '15m', grace: '5s' }), { idle: 5000, absolute: 8 * HOUR, renew: 15 * MIN, grace: 5000 });
    assert.deepEqual(resolveLifetime({ absolute: '1d' }), { idle: 30 * MIN, absolute: DAY, renew: undefined, grace: 30_000 });
    assert.equal(resolveLifetime({ grace: 0, renew: '1m' }).grace, 0);
  });

  it('turns a limit off only when told: false', () => {
    assert.deepEqual(resolveLifetime({ idle: false, absolute: false }), { idle: undefined, absolute: undefined, renew: undefined, grace: 30_000 });
    const none = configOf({ lifetime: { idle: false, absolute: false } });
    assert.equal(none.idleTimeout, undefined);
    assert.equal(none.absoluteTimeout, undefined);
    assert.equal(none.fallbackTtl, DAY, 'a browser-session cookie\'s record then lives a day after the last request');
    assert.equal(configOf({ lifetime: 'aal1' }).fallbackTtl, 30 * DAY, 'without idle, a record lives to its absolute limit');
  });

  it('keeps idleTimeout as a deprecated alias of lifetime.idle, not beside lifetime', () => {
    const config = configOf({ idleTimeout: 5000 });
    assert.equal(config.idleTimeout, 5000);
    assert.equal(config.absoluteTimeout, 12 * HOUR);
    throwsNaming(() => configOf({ idleTimeout: 5000, lifetime: { idle: '1m' } }), /^idleTimeout is the deprecated name of lifetime\.idle: set only lifetime/);
    throwsNaming(() => configOf({ idleTimeout: 0 }), /^idleTimeout must be a positive duration/);
  });
});

describe('lifetime option: bad values are TypeErrors naming the field', () => {
  for (const [lifetime, pattern] of [
    ['aal4', /^lifetime must be 'aal1', 'aal2', 'aal3' or an object/],
    [false, /^lifetime must be .*\{ idle: false, absolute: false \}/],
    [null, /^lifetime must be/],
    [['30m'], /^lifetime must be/],
    [{ idle: '15 minutes' }, /^lifetime\.idle must be a positive duration/],
    [{ idle: 0 }, /^lifetime\.idle must be a positive duration/],
    [{ absolute: -1 }, /^lifetime\.absolute must be a positive duration/],
    [{ absolute: '1h30m' }, /^lifetime\.absolute must be a positive duration/],
    [{ renew: true }, /^lifetime\.renew must be a positive duration/],
    [{ renew: '12h' }, /^lifetime\.renew \(43200000 ms\) must be shorter than lifetime\.absolute/],
    [{ grace: false }, /^lifetime\.grace must be a duration \(0 for no window\), not false/],
    [{ grace: '11m' }, /^lifetime\.grace must be at most 600000 ms/],
    [{ idel: '15m' }, /^lifetime\.idel is not an option: use idle, absolute, renew or grace/],
  ] as const) {
    it(`refuses lifetime: ${JSON.stringify(lifetime)}`, () => {
      throwsNaming(() => configOf({ lifetime: lifetime as never }), pattern);
    });
  }
});

describe('lifetime option in the drop-in (opt-in)', () => {
  it('is off by default: express-session behaviour', () => {
    assert.equal(resolveOptions({}).lifetime, undefined);
  });
  it('takes the same values, with the same defaults for a left-out limit', () => {
    assert.deepEqual(resolveOptions({ lifetime: 'aal3' }).lifetime, resolveLifetime('aal3'));
    assert.deepEqual(resolveOptions({ lifetime: { renew: '10m' } }).lifetime, { idle: 30 * MIN, absolute: 12 * HOUR, renew: 10 * MIN, grace: 30_000 });
  });
  it('refuses bad values with a TypeError naming the field', () => {
    throwsNaming(() => resolveOptions({ lifetime: { absolute: '12 hours' as never } }), /^lifetime\.absolute must be a positive duration/);
    throwsNaming(() => resolveOptions({ clock: 5 as never }), /^clock option must be a function/);
  });
});
