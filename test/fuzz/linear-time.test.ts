// Time per input grows at most linearly with its size: the header reader, the engine's cookie
// reading (HMACs included) and signature checks, on adversarial shapes (separators without '=',
// many values of our name, '%' escapes that fail to decode, one huge value) and on random
// fast-check units repeated. Robust on a loaded 2-core machine: each timing is the best of
// several rounds of at least 15 ms, and the bound for 16x the input is 64x the time, where a
// quadratic reader would take 256x.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { cookieValues } from '../../src/core/cookie-header.js';
import { SessionManager } from '../../src/index.js';
import { unsignId } from '../../src/core/signature.js';
import { SECRETS, sign, trickyText } from './arbitraries.js';

const GROWTH = 16;
const BOUND = GROWTH * 4;

/** Best time per call of `run(input)`, in ns, over several rounds of at least 15 ms each. */
function bestTime(run: (input: string) => unknown, input: string): number {
  let best = Number.POSITIVE_INFINITY;
  for (let round = 0; round < 5; round++) {
    let calls = 0;
    const start = process.hrtime.bigint();
    let elapsed = 0n;
    do {
      for (let i = 0; i < 8; i++) run(input);
      calls += 8;
      elapsed = process.hrtime.bigint() - start;
    } while (elapsed < 15_000_000n);
    best = Math.min(best, Number(elapsed) / calls);
  }
  return best;
}

/** `unit` repeated to about `size` characters. */
function grow(unit: string, size: number, prefix = ''): string {
  return prefix + unit.repeat(Math.ceil(size / Math.max(unit.length, 1))).slice(0, size);
}

function assertLinear(label: string, run: (input: string) => unknown, small: string, large: string): void {
  const ratio = bestTime(run, large) / bestTime(run, small);
  if (process.env.SHOW_RATIOS) console.log(label, ratio.toFixed(1));
  assert.ok(ratio < BOUND, `${label}: ${GROWTH}x the input took ${ratio.toFixed(1)}x the time (bound ${BOUND}x)`);
}

const shapes: Array<[string, string, string]> = [
  ['segments without =', 'a;', ''],
  ['only =', '=', ''],
  ['only ;', ';', ''],
  ['blanks', ' \t', ''],
  ['our name, many times', 'sid=x; ', ''],
  ['escapes that fail to decode', '%E0%A4%A', 'sid='],
  ['one huge value', 'a', 'sid=s%3A'],
  ['names without values', 'sid;', ''],
];

describe('time grows at most linearly with input size', () => {
  it('cookieValues, adversarial shapes (1 KiB vs 16 KiB, the longest header the engine reads)', () => {
    for (const [label, unit, prefix] of shapes) {
      assertLinear(label, (h) => cookieValues(h, 'sid'), grow(unit, 1024, prefix), grow(unit, 16 * 1024, prefix));
    }
  });

  it('cookieValues, random units repeated', () => {
    for (const unit of fc.sample(trickyText(10).filter((u) => u.length > 0), { numRuns: 12, seed: 7 })) {
      assertLinear(JSON.stringify(unit), (h) => cookieValues(h, 'sid'), grow(unit, 1024), grow(unit, 16 * 1024));
    }
  });

  it('SessionManager reading a header (1 KiB vs 16 KiB, the longest it reads), HMACs included', () => {
    const manager = new SessionManager({ secret: [SECRETS.current, SECRETS.previous], warn: () => {} });
    const forged = `sid=${encodeURIComponent(`s:x.${'A'.repeat(43)}`)}; `;
    const genuine = `sid=${encodeURIComponent(sign('some-id', SECRETS.previous))}; `;
    for (const [label, unit] of [['forged values of our name', forged], ['genuine values of our name', genuine], ['others', 'a=b; ']] as const) {
      assertLinear(label, (h) => manager.readCookieCandidates(h, 'sid'), grow(unit, 1024), grow(unit, 16 * 1024));
    }
  });

  it('unsignId (256 vs 4096 characters)', () => {
    const secrets = [SECRETS.current, SECRETS.previous];
    const value = (size: number) => `s:${'i'.repeat(size - 46)}.${'A'.repeat(43)}`;
    assertLinear('long ID, forged MAC', (v) => unsignId(v, secrets), value(256), value(4096));
    assertLinear('dots everywhere', (v) => unsignId(v, secrets), grow('.', 256, 's:'), grow('.', 4096, 's:'));
  });
});
