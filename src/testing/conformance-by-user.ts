/**
 * The conformance tests of the optional per-user methods, `listByUser` and `deleteByUser`.
 *
 * @module
 */
import assert from 'node:assert/strict';
import { describe } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { assertSameKeys, LONG_MS, SHORT_MS, type SuiteKit } from './conformance-helpers.js';

/** Registers the per-user tests; each is reported skipped, with the reason, when the store lacks the method. */
export function userTests({ check, record, waitPastShort }: SuiteKit): void {
  describe('listByUser', () => {
    check("lists every unexpired key of the user and no other user's", async (store, ns, t) => {
      if (store.listByUser === undefined) return void t.skip('the store has no listByUser (optional)');
      const mine = [1, 2, 3].map((i) => ns.key(`mine${i}`));
      await Promise.all(mine.map((key) => store.set(key, record('m', LONG_MS, ns.user('a')))));
      await store.set(ns.key('theirs'), record('t', LONG_MS, ns.user('b')));
      await store.set(ns.key('nobody'), record('n', LONG_MS));
      assertSameKeys(await store.listByUser(ns.user('a')), mine, 'keys of user a');
      assertSameKeys(await store.listByUser(ns.user('b')), [ns.key('theirs')], 'keys of user b');
    });
    check('drops keys that were deleted or re-set with another user key or none', async (store, ns, t) => {
      if (store.listByUser === undefined) return void t.skip('the store has no listByUser (optional)');
      const [a, b, c, d] = [1, 2, 3, 4].map((i) => ns.key(`k${i}`)) as [string, string, string, string];
      for (const key of [a, b, c, d]) await store.set(key, record('v', LONG_MS, ns.user('a')));
      await store.delete(a);
      await store.set(b, record('v', LONG_MS, ns.user('b')));
      await store.set(c, record('v', LONG_MS));
      assertSameKeys(await store.listByUser(ns.user('a')), [d], 'keys of user a');
      assertSameKeys(await store.listByUser(ns.user('b')), [b], 'keys of user b');
    });
    check('drops expired keys', async (store, ns, t) => {
      if (store.listByUser === undefined) return void t.skip('the store has no listByUser (optional)');
      await store.set(ns.key('short'), record('v', SHORT_MS, ns.user('a')));
      await store.set(ns.key('long'), record('v', LONG_MS, ns.user('a')));
      assertSameKeys(await store.listByUser(ns.user('a')), [ns.key('short'), ns.key('long')], 'before expiry');
      await sleep(waitPastShort);
      assertSameKeys(await store.listByUser(ns.user('a')), [ns.key('long')], 'after expiry');
    });
    check('resolves to an empty array for an unknown user', async (store, ns, t) => {
      if (store.listByUser === undefined) return void t.skip('the store has no listByUser (optional)');
      assertSameKeys(await store.listByUser(ns.user('nobody')), [], 'keys of an unknown user');
    });
  });

  describe('deleteByUser', () => {
    check('deletes every record of the user, resolves to the count, and leaves other users alone', async (store, ns, t) => {
      if (store.deleteByUser === undefined) return void t.skip('the store has no deleteByUser (optional)');
      const mine = [1, 2, 3].map((i) => ns.key(`mine${i}`));
      await Promise.all(mine.map((key) => store.set(key, record('m', LONG_MS, ns.user('a')))));
      const theirs = record('t', LONG_MS, ns.user('b'));
      await store.set(ns.key('theirs'), theirs);
      assert.equal(await store.deleteByUser(ns.user('a')), 3);
      for (const key of mine) assert.equal(await store.get(key), undefined, `${key} after deleteByUser`);
      assert.equal((await store.get(ns.key('theirs')))?.value, theirs.value, "another user's record");
      if (store.listByUser) assertSameKeys(await store.listByUser(ns.user('a')), [], 'listByUser after deleteByUser');
    });
    check('resolves to 0 for an unknown user', async (store, ns, t) => {
      if (store.deleteByUser === undefined) return void t.skip('the store has no deleteByUser (optional)');
      assert.equal(await store.deleteByUser(ns.user('nobody')), 0);
    });
  });
}
