/**
 * The conformance tests of the optional revocation epoch methods, `userEpoch` and `raiseUserEpoch`.
 *
 * @module
 */
import assert from 'node:assert/strict';
import { describe } from 'node:test';
import type { SuiteKit } from './conformance-helpers.js';
import type { Store, UserEpochWatcher } from '../core/store.js';

/** A watcher that records what it was given. */
function recorder(): UserEpochWatcher & { raises: Map<string, number>; gaps: number } {
  const raises = new Map<string, number>();
  const out = {
    raises,
    gaps: 0,
    raised(userKey: string, epoch: number) {
      raises.set(userKey, Math.max(raises.get(userKey) ?? 0, epoch));
    },
    interrupted() {
      out.gaps++;
    },
    live() {},
  };
  return out;
}

/** Waits (yielding to I/O, at most 5 s) until `done()`; false on the deadline. */
async function until(done: () => boolean): Promise<boolean> {
  const deadline = Date.now() + 5000;
  while (!done()) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return true;
}

type Watching = Store & Required<Pick<Store, 'watchUserEpochs' | 'raiseUserEpoch'>>;
const watches = (store: Store): store is Watching => typeof store.watchUserEpochs === 'function' && typeof store.raiseUserEpoch === 'function';

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
  describe('watchUserEpochs', () => {
    check('delivers every raise that completes once the watch has resolved, until it is stopped', async (store, ns, t) => {
      if (!watches(store)) return void t.skip('the store has no epoch watch (optional)');
      const first = recorder();
      const stop = await store.watchUserEpochs(first);
      try {
        const epoch = Date.UTC(2030, 0, 1);
        await store.raiseUserEpoch(ns.user('w1'), epoch);
        await store.raiseUserEpoch(ns.user('w2'), epoch + 5);
        assert.ok(await until(() => (first.raises.get(ns.user('w1')) ?? 0) >= epoch && (first.raises.get(ns.user('w2')) ?? 0) >= epoch + 5), 'both raises delivered');
        assert.equal(first.gaps, 0, 'no interruption reported on a healthy store');
      } finally {
        await stop();
      }
      await stop(); // a second call resolves too
      // After the stop: a second watch hears a raise, the stopped one does not.
      const second = recorder();
      const stopSecond = await store.watchUserEpochs(second);
      try {
        await store.raiseUserEpoch(ns.user('w3'), 777);
        assert.ok(await until(() => second.raises.get(ns.user('w3')) === 777), 'the new watch hears the raise');
        await store.raiseUserEpoch(ns.user('w3'), 778);
        assert.ok(await until(() => second.raises.get(ns.user('w3')) === 778));
        assert.equal(first.raises.get(ns.user('w3')), undefined, 'no callback after the stop resolved');
      } finally {
        await stopSecond();
      }
    });
    check('delivers at least the epoch raised to every watch', async (store, ns, t) => {
      if (!watches(store)) return void t.skip('the store has no epoch watch (optional)');
      const a = recorder();
      const b = recorder();
      const stops = await Promise.all([store.watchUserEpochs(a), store.watchUserEpochs(b)]);
      try {
        await store.raiseUserEpoch(ns.user('m'), 2000);
        await store.raiseUserEpoch(ns.user('m'), 1000); // smaller: the epoch stays 2000
        assert.ok(await until(() => a.raises.get(ns.user('m')) === 2000 && b.raises.get(ns.user('m')) === 2000));
      } finally {
        await Promise.all(stops.map((stop) => stop()));
      }
    });
  });
}
