/**
 * The conformance tests of the optional revocation epoch methods, `userEpoch` and `raiseUserEpoch`.
 *
 * @module
 */
import assert from 'node:assert/strict';
import { describe } from 'node:test';
import type { SuiteKit } from './conformance-helpers.js';

/** Registers the epoch tests; each is reported skipped, with the reason, when the store lacks the methods. */
export function userEpochTests({ check }: Pick<SuiteKit, 'check'>): void {
  describe('userEpoch / raiseUserEpoch', () => {
    check('resolves to 0 for an unknown user, then to the largest epoch raised', async (store, ns, t) => {
      if (store.userEpoch === undefined || store.raiseUserEpoch === undefined) return void t.skip('the store has no revocation epoch (optional)');
      const epoch = Date.UTC(2030, 0, 1);
      assert.equal(await store.userEpoch(ns.user('a')), 0);
      await store.raiseUserEpoch(ns.user('a'), epoch);
      assert.equal(await store.userEpoch(ns.user('a')), epoch);
      await store.raiseUserEpoch(ns.user('a'), epoch - 1000);
      assert.equal(await store.userEpoch(ns.user('a')), epoch, 'a smaller epoch leaves the larger one');
      assert.equal(await store.userEpoch(ns.user('b')), 0, "another user's epoch is untouched");
    });
    check('keeps the largest of concurrent raises', async (store, ns, t) => {
      if (store.userEpoch === undefined || store.raiseUserEpoch === undefined) return void t.skip('the store has no revocation epoch (optional)');
      const base = Date.UTC(2030, 0, 1);
      const raise = store.raiseUserEpoch.bind(store);
      await Promise.all(Array.from({ length: 20 }, (_, i) => raise(ns.user('c'), base + ((i * 7) % 20))));
      assert.equal(await store.userEpoch(ns.user('c')), base + 19);
    });
    check('survives deleteByUser', async (store, ns, t) => {
      if (store.userEpoch === undefined || store.raiseUserEpoch === undefined || store.deleteByUser === undefined) return void t.skip('the store has no revocation epoch (optional)');
      await store.raiseUserEpoch(ns.user('d'), 12345);
      await store.deleteByUser(ns.user('d'));
      assert.equal(await store.userEpoch(ns.user('d')), 12345);
    });
  });
}
