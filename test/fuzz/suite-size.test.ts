// The fuzz suite's budget: at least 100,000 generated cases across its properties (issue 7).
// The per-property shares live in arbitraries.ts (RUNS); this keeps a change there honest.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { RUNS } from './arbitraries.js';

it('generates at least 100,000 cases across the fuzz suite', () => {
  const total = Object.values(RUNS).reduce((sum, runs) => sum + runs, 0);
  assert.ok(total >= 100_000, `only ${total} cases`);
});
