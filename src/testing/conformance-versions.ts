/**
 * The conformance tests of record versions and the optional `setIfVersion` (compare-and-set).
 *
 * @module
 */
import assert from 'node:assert/strict';
import { describe } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { isTesseraError } from '../core/errors.js';
import type { TestContext } from 'node:test';
import type { Store, StoreRecord } from '../core/store.js';
import { assertSameKeys, LONG_MS, SHORT_MS, type Namespace, type SuiteKit } from './conformance-helpers.js';

/** A store known to have `setIfVersion`. */
type VersionedStore = Store & Required<Pick<Store, 'setIfVersion'>>;

/** What the version tests need beyond the kit: the suite's own record assertion. */
export interface VersionKit extends SuiteKit {
  /** Asserts a `get` result against the record set (value, expiry, user key). */
  expectRecord(actual: StoreRecord | undefined, expected: StoreRecord, what: string): void;
  /** The store's `maxValueBytes`, when the suite was given it. */
  maxValueBytes: number | undefined;
}

const isVersion = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

/** The version `get` reports for `key`, asserting there is a record and it has one. */
async function versionOf(store: Store, key: string, what: string): Promise<number> {
  const got = await store.get(key);
  assert.ok(got !== undefined, `${what}: get resolved to undefined, expected a record`);
  assert.ok(isVersion(got.version), `${what}: get must report a non-negative integer version, got ${String(got.version)}`);
  return got.version;
}

/** Registers the version tests; each is reported skipped when the store has no `setIfVersion`. */
export function versionTests({ check, record, waitPastShort, expectRecord, maxValueBytes }: VersionKit): void {
  const cas = (title: string, run: (store: VersionedStore, ns: Namespace, t: TestContext) => Promise<void>): void =>
    check(title, async (store, ns, t) => {
      if (store.setIfVersion === undefined) return void t.skip('the store has no setIfVersion (optional)');
      await run(store as VersionedStore, ns, t);
    });

  describe('setIfVersion', () => {
    cas('creates a missing record with expected null, resolving to the version get then reports', async (store, ns) => {
      const rec = record('created', LONG_MS, ns.user('a'));
      const version = await store.setIfVersion(ns.key('a'), rec, null);
      assert.ok(isVersion(version), `expected a version, got ${String(version)}`);
      expectRecord(await store.get(ns.key('a')), rec, 'get after setIfVersion(null)');
      assert.equal(await versionOf(store, ns.key('a'), 'get after setIfVersion(null)'), version);
    });
    cas('refuses expected null when the record exists, writing nothing', async (store, ns) => {
      const kept = record('kept', LONG_MS);
      await store.set(ns.key('a'), kept);
      assert.equal(await store.setIfVersion(ns.key('a'), record('intruder', LONG_MS), null), false);
      expectRecord(await store.get(ns.key('a')), kept, 'record after a refused setIfVersion(null)');
    });
    cas('creates over an expired record with expected null', async (store, ns) => {
      await store.set(ns.key('a'), record('old', SHORT_MS));
      await sleep(waitPastShort);
      const rec = record('new', LONG_MS);
      assert.ok(isVersion(await store.setIfVersion(ns.key('a'), rec, null)), 'setIfVersion(null) over an expired record');
      expectRecord(await store.get(ns.key('a')), rec, 'get after creating over an expired record');
    });
    cas('replaces value, expiry and user key when the version matches, and moves the version on', async (store, ns) => {
      await store.set(ns.key('a'), record('first', LONG_MS, ns.user('a')));
      const loaded = await versionOf(store, ns.key('a'), 'get after set');
      const next = record('second', LONG_MS + 5000, ns.user('b'));
      const version = await store.setIfVersion(ns.key('a'), next, loaded);
      assert.ok(isVersion(version), `expected a version, got ${String(version)}`);
      assert.notEqual(version, loaded, 'the new version must differ from the one replaced');
      expectRecord(await store.get(ns.key('a')), next, 'get after setIfVersion');
      assert.equal(await versionOf(store, ns.key('a'), 'get after setIfVersion'), version);
      if (store.listByUser) {
        assertSameKeys(await store.listByUser(ns.user('a')), [], 'keys of the previous user');
        assertSameKeys(await store.listByUser(ns.user('b')), [ns.key('a')], 'keys of the new user');
      }
    });
    cas('refuses a stale version, writing nothing', async (store, ns) => {
      await store.set(ns.key('a'), record('first', LONG_MS));
      const loaded = await versionOf(store, ns.key('a'), 'first get');
      const current = record('second', LONG_MS);
      assert.ok(isVersion(await store.setIfVersion(ns.key('a'), current, loaded)));
      assert.equal(await store.setIfVersion(ns.key('a'), record('stale', LONG_MS), loaded), false, 'a second write from the same version');
      expectRecord(await store.get(ns.key('a')), current, 'record after a refused stale write');
    });
    cas('changes the version on every set, so a version read before a set no longer matches', async (store, ns) => {
      await store.set(ns.key('a'), record('first', LONG_MS));
      const loaded = await versionOf(store, ns.key('a'), 'first get');
      const current = record('overwritten', LONG_MS);
      await store.set(ns.key('a'), current);
      assert.notEqual(await versionOf(store, ns.key('a'), 'get after the second set'), loaded);
      assert.equal(await store.setIfVersion(ns.key('a'), record('stale', LONG_MS), loaded), false);
      expectRecord(await store.get(ns.key('a')), current, 'record after a refused stale write');
    });
    cas('keeps the version on touch, so a write from the version read before a touch succeeds', async (store, ns) => {
      const rec = record('v', LONG_MS, ns.user('a'));
      await store.set(ns.key('a'), rec);
      const loaded = await versionOf(store, ns.key('a'), 'get before touch');
      await store.touch(ns.key('a'), { ...rec, expiresAt: Date.now() + LONG_MS + 1000 });
      assert.equal(await versionOf(store, ns.key('a'), 'get after touch'), loaded, 'touch must not change the version');
      const next = record('after touch', LONG_MS, ns.user('a'));
      assert.ok(isVersion(await store.setIfVersion(ns.key('a'), next, loaded)), 'setIfVersion after a touch');
      expectRecord(await store.get(ns.key('a')), next, 'get after setIfVersion');
    });
    cas('never recreates a deleted record: a write from its old version resolves false', async (store, ns) => {
      await store.set(ns.key('a'), record('doomed', LONG_MS, ns.user('a')));
      const loaded = await versionOf(store, ns.key('a'), 'get before delete');
      await store.delete(ns.key('a'));
      assert.equal(await store.setIfVersion(ns.key('a'), record('revived', LONG_MS, ns.user('a')), loaded), false);
      assert.equal(await store.get(ns.key('a')), undefined, 'the deleted record must stay deleted');
      if (store.listByUser) assertSameKeys(await store.listByUser(ns.user('a')), [], 'keys of the user after the refused write');
    });
    cas('never recreates an expired record from its old version', async (store, ns) => {
      await store.set(ns.key('a'), record('expiring', SHORT_MS));
      const loaded = await versionOf(store, ns.key('a'), 'get before expiry');
      await sleep(waitPastShort);
      assert.equal(await store.setIfVersion(ns.key('a'), record('revived', LONG_MS), loaded), false);
      assert.equal(await store.get(ns.key('a')), undefined, 'the expired record must stay gone');
    });
    cas('resolves false for a missing key with a numeric version, creating nothing', async (store, ns) => {
      assert.equal(await store.setIfVersion(ns.key('missing'), record('ghost', LONG_MS), 1), false);
      assert.equal(await store.get(ns.key('missing')), undefined);
    });
    cas('lets exactly one of 20 concurrent writes from the same version win', async (store, ns) => {
      await store.set(ns.key('a'), record('start', LONG_MS));
      const loaded = await versionOf(store, ns.key('a'), 'first get');
      const recs = Array.from({ length: 20 }, (_, i) => record(`writer-${i}`, LONG_MS + i));
      const results = await Promise.all(recs.map((rec) => store.setIfVersion(ns.key('a'), rec, loaded)));
      const winners = results.flatMap((result, i) => (result === false ? [] : [i]));
      assert.equal(winners.length, 1, `exactly one write must win, got ${winners.length}: ${JSON.stringify(results)}`);
      const winner = winners[0]!;
      expectRecord(await store.get(ns.key('a')), recs[winner]!, 'the winning record');
      assert.equal(await versionOf(store, ns.key('a'), 'get after the race'), results[winner]);
    });
    cas('lets exactly one of 20 concurrent creations (expected null) win', async (store, ns) => {
      const recs = Array.from({ length: 20 }, (_, i) => record(`creator-${i}`, LONG_MS + i));
      const results = await Promise.all(recs.map((rec) => store.setIfVersion(ns.key('a'), rec, null)));
      const winners = results.flatMap((result, i) => (result === false ? [] : [i]));
      assert.equal(winners.length, 1, `exactly one creation must win, got ${winners.length}: ${JSON.stringify(results)}`);
      expectRecord(await store.get(ns.key('a')), recs[winners[0]!]!, 'the winning record');
    });
    cas('gives each key its own versions: a write to one key does not change another', async (store, ns) => {
      await store.set(ns.key('a'), record('a', LONG_MS));
      await store.set(ns.key('b'), record('b', LONG_MS));
      const b = await versionOf(store, ns.key('b'), 'get b');
      const a = await versionOf(store, ns.key('a'), 'get a');
      assert.ok(isVersion(await store.setIfVersion(ns.key('a'), record('a2', LONG_MS), a)));
      assert.equal(await versionOf(store, ns.key('b'), 'get b after writing a'), b);
      assert.ok(isVersion(await store.setIfVersion(ns.key('b'), record('b2', LONG_MS), b)), 'b is still at the version read');
    });
    if (maxValueBytes !== undefined) {
      cas('refuses a value one byte over maxValueBytes with ERR_STORE_VALUE_TOO_LARGE, writing nothing', async (store, ns) => {
        const kept = record('kept', LONG_MS);
        await store.set(ns.key('a'), kept);
        const loaded = await versionOf(store, ns.key('a'), 'get');
        const big = record('x'.repeat(maxValueBytes + 1), LONG_MS);
        await assert.rejects(store.setIfVersion(ns.key('a'), big, loaded), (error: unknown) => {
          assert.ok(isTesseraError(error, 'ERR_STORE_VALUE_TOO_LARGE'), `expected ERR_STORE_VALUE_TOO_LARGE, got ${String(error)}`);
          return true;
        });
        expectRecord(await store.get(ns.key('a')), kept, 'record after a refused oversized write');
        assert.equal(await versionOf(store, ns.key('a'), 'get'), loaded, 'version after a refused oversized write');
      });
    }
  });
}
