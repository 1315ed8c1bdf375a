// Fuzz: option values into new SessionManager(...). Every option, one at a time and several
// at once, gets values of every JS type (NaN, infinities, -0, BigInt, symbols, functions,
// duration-like strings, nested objects, tricky text). A bad value is a TypeError whose
// message names the option; nothing else is ever thrown, and a manager that was built works.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { SessionManager, type SessionManagerOptions } from '../../src/index.js';
import { optionValues, RUNS, SECRETS } from './arbitraries.js';

const TOP = ['secret', 'store', 'name', 'cookie', 'lifetime', 'idleTimeout', 'touchAfter', 'saveUninitialized', 'rolling', 'genid', 'storeTimeout', 'clock', 'warn'] as const;
const COOKIE = ['maxAge', 'expires', 'httpOnly', 'secure', 'sameSite', 'domain', 'path', 'partitioned', 'priority'] as const;
const LIFETIME = ['idle', 'absolute', 'renew', 'grace'] as const;
/** Durations as people write them, right and wrong. */
const durations = fc.oneof(
  fc.constantFrom('aal1', 'aal2', 'aal3', 'AAL2', false, '1h30m', '15 m', '0s', '500ms', '10m', '1.5h', '-5m', '1e3s'),
  fc.tuple(fc.integer({ min: 0, max: 10_000 }), fc.constantFrom('ms', 's', 'm', 'h', 'd', 'w', '')).map(([n, unit]) => `${n}${unit}`),
);

type Setting = { option: string; value: unknown };

const setting: fc.Arbitrary<Setting> = fc.oneof(
  fc.tuple(fc.constantFrom(...TOP), optionValues).map(([option, value]) => ({ option, value })),
  fc.tuple(fc.constantFrom(...COOKIE), optionValues).map(([option, value]) => ({ option: `cookie.${option}`, value })),
  fc.tuple(fc.constantFrom(...LIFETIME), fc.oneof(optionValues, durations)).map(([option, value]) => ({ option: `lifetime.${option}`, value })),
  durations.map((value) => ({ option: 'lifetime', value })),
);

function build(settings: Setting[]): SessionManagerOptions {
  const options: Record<string, unknown> = { secret: SECRETS.current, warn: () => {} };
  for (const { option, value } of settings) {
    const [top, field] = option.split('.') as [string, string | undefined];
    if (field === undefined) {
      options[option] = value;
      continue;
    }
    const nested = typeof options[top] === 'object' && options[top] !== null ? (options[top] as Record<string, unknown>) : {};
    nested[field] = value;
    options[top] = nested;
  }
  return options as unknown as SessionManagerOptions;
}

describe('fuzz: option values', () => {
  // A value that passes but misbehaves later (a timer Node clamps to 1 ms) shows as a warning.
  const warnings: string[] = [];
  const onWarning = (warning: Error) => warnings.push(`${warning.name}: ${warning.message}`);
  before(() => process.on('warning', onWarning));
  after(() => process.off('warning', onWarning));

  it(`a bad option is a TypeError naming it, never another exception (${RUNS.options} cases)`, async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(setting, { minLength: 1, maxLength: 3 }), async (settings) => {
        let manager: SessionManager;
        try {
          manager = new SessionManager(build(settings));
        } catch (error) {
          assert.ok(error instanceof TypeError, `not a TypeError: ${String(error)}`);
          const named = settings.some(({ option }) => error.message.includes(option) || (option.includes('.') && error.message.includes(option.split('.')[0] as string)));
          assert.ok(named, `"${error.message}" names none of ${settings.map((s) => s.option).join(', ')}`);
          return;
        }
        // Built: the option values were acceptable, and the manager serves a request. (A genid
        // or clock of the wrong shape only shows when called; those two are checked as functions.)
        const touchesFunctions = settings.some(({ option }) => option === 'genid' || option === 'clock' || option === 'store');
        if (touchesFunctions) return;
        const secure = false;
        const { session, cookieName } = await manager.loadSession({ cookieHeader: undefined, secure });
        (session as unknown as { n: number }).n = 1;
        await manager.commitSession(session, { secure, cookieName });
      }),
      { numRuns: RUNS.options },
    );
    // Warnings are emitted on the next tick.
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(warnings, []);
  });
});

describe('option values the fuzz found', () => {
  const make = (options: Record<string, unknown>) => () => new SessionManager({ secret: SECRETS.current, warn: () => {}, ...options } as unknown as SessionManagerOptions);
  it('a BigInt or a symbol still gets the TypeError naming the option (JSON.stringify threw its own)', () => {
    assert.throws(make({ cookie: { sameSite: 0n } }), /^TypeError: cookie\.sameSite/);
    assert.throws(make({ rolling: 1n }), /^TypeError: rolling/);
    assert.throws(make({ name: 10n }), /^TypeError: name/);
    assert.throws(make({ cookie: { priority: Symbol('p') } }), /^TypeError: cookie\.priority/);
  });
  it('a cookie.maxAge whose Expires no Date can hold, and a storeTimeout setTimeout would clamp to 1 ms', () => {
    assert.throws(make({ cookie: { maxAge: 8638203839729318 } }), /^TypeError: cookie\.maxAge must be at most/);
    assert.throws(make({ storeTimeout: 2 ** 31 }), /^TypeError: storeTimeout must be at most 2147483647/);
    assert.throws(make({ idleTimeout: 1e15 }), /^TypeError: idleTimeout must be at most/);
    make({ storeTimeout: 2 ** 31 - 1, cookie: { maxAge: 400 * 86_400_000 } })();
  });
  it("a cookie.path the Set-Cookie could not carry (non-ASCII)", () => {
    assert.throws(make({ cookie: { path: '/\u{1F36A}' } }), /^TypeError: cookie\.path must be printable ASCII/);
  });
});
