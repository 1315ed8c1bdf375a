/**
 * The store conformance suite: one `node:test` suite that checks every "must" and "should"
 * sentence of the `Store` contract (`tessera` core, `store.ts`) against a real store, so every
 * store - ours and any third party's - is held to the same tests instead of hand-copied ones.
 *
 * @module
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { isTesseraError } from '../core/errors.js';
import type { Store, StoreRecord } from '../core/store.js';
import { userTests } from './conformance-by-user.js';
import { versionTests } from './conformance-versions.js';
import { userEpochTests } from './conformance-user-epoch.js';
import {
  assertRecord,
  assertSameKeys,
  cjkValue,
  LONG_MS,
  mixedValue,
  namespace,
  SHORT_MS,
  type Check,
  type SuiteKit,
} from './conformance-helpers.js';

/** Options of `storeConformance`. */
export interface StoreConformanceOptions {
  /** Skip the whole suite with this reason (e.g. the server is unreachable). Default `false`. */
  skip?: string | false;
  /**
   * Whether `get` reports the exact `expiresAt` last set or touched. Default `true`. Set `false`
   * for stores that enforce expiry but cannot report it (express-session stores behind
   * `tessera/connect`): the suite then also accepts `Number.POSITIVE_INFINITY`.
   */
  supportsExpiryReport?: boolean;
  /**
   * How late, in ms, the store may expire a record (e.g. 1000 for a server that rounds TTLs up to
   * whole seconds). Expiry tests wait this much longer. Default `0`.
   */
  expiryPrecisionMs?: number;
  /**
   * Set `true` for stores whose `touch` rebuilds the record from `record.value` (express-session
   * stores behind `tessera/connect`). By default the suite passes a decoy value to `touch`, which
   * proves the stored value is not rewritten; with `true` it passes the current value, as the core
   * does. Default `false`.
   */
  touchNeedsValue?: boolean;
  /**
   * The store's configured maximum value size in UTF-8 bytes. When given, the suite checks that a
   * value of exactly this size is accepted and one byte more is refused with
   * `ERR_STORE_VALUE_TOO_LARGE` before anything is written. Default: not tested (reported skipped).
   */
  maxValueBytes?: number;
  /** Timeout of each test in ms. Default `30_000`. */
  timeout?: number;
}

const MIB = 1024 * 1024;

/**
 * Registers the conformance suite for a store with `node:test` (`describe`/`it`); call it at the
 * top level of a test file. `makeStore` is called once per test and the suite closes that store
 * after the test, so it must return a store the suite may close (a new instance each time; it may
 * share a server, database or file with the others - every test works under its own random key
 * prefix and user keys, and never lists or counts anything outside them). Expiries are real
 * (`Date.now()`-based): a store with an injected clock must get the system clock here. Keep any
 * background sweep of the store at its default (or longer than a few seconds), or the prune test
 * may find nothing left to count.
 *
 * Not checked, because no test can observe them from outside: "`get` should be one round trip",
 * "`setIfVersion` should be one round trip", "`touch` should be a single command", and "`close` must not close connections the user passed
 * in" (test that in the store's own suite, with the connection it passes in).
 *
 * @param name - The suite's name in the report, e.g. `'MyStore'`.
 * @param makeStore - Creates the store under test (may be async, e.g. to connect first).
 * @param options - See `StoreConformanceOptions`.
 *
 * @example
 * ```ts
 * // test/my-store.test.ts - run with `node --test` (or `node --import tsx --test` for TypeScript)
 * import { storeConformance } from 'tessera/testing';
 * import { MyStore } from '../src/my-store.js';
 *
 * storeConformance('MyStore', () => new MyStore({ url: process.env.MY_STORE_URL }), {
 *   maxValueBytes: 1024 * 1024, // what MyStore is configured to refuse above
 *   skip: process.env.MY_STORE_URL ? false : 'MY_STORE_URL is not set',
 * });
 * ```
 */
export function storeConformance(
  name: string,
  makeStore: () => Store | Promise<Store>,
  options: StoreConformanceOptions = {},
): void {
  const exactExpiry = options.supportsExpiryReport ?? true;
  const waitPastShort = SHORT_MS + 200 + (options.expiryPrecisionMs ?? 0);
  const touchNeedsValue = options.touchNeedsValue ?? false;
  const maxValueBytes = options.maxValueBytes;
  const timeout = options.timeout ?? 30_000;

  const check = (title: string, run: Check): void => {
    it(title, { timeout }, async (t) => {
      const store = await makeStore();
      try {
        await run(store, namespace(), t);
      } finally {
        await store.close?.();
      }
    });
  };
  const record = (value: string, ms: number, userKey?: string): StoreRecord =>
    userKey === undefined ? { value, expiresAt: Date.now() + ms } : { value, expiresAt: Date.now() + ms, userKey };
  const expectRecord = (actual: StoreRecord | undefined, expected: StoreRecord, what: string): void =>
    assertRecord(actual, expected, exactExpiry, what);
  const roundTrip = async (store: Store, key: string, value: string, what: string): Promise<void> => {
    const rec = record(value, LONG_MS);
    await store.set(key, rec);
    expectRecord(await store.get(key), rec, what);
  };

  describe(`store conformance: ${name}`, { skip: options.skip ?? false }, () => {
    describe('get', () => {
      check('resolves to undefined for a missing key', async (store, ns) => {
        assert.equal(await store.get(ns.key('missing')), undefined);
      });
      check('returns the value, expiry and user key as set', async (store, ns) => {
        const rec = record('{"hello":"world"}', LONG_MS, ns.user('a'));
        await store.set(ns.key('a'), rec);
        expectRecord(await store.get(ns.key('a')), rec, 'get after set');
      });
      check('returns a record set without a user key without one', async (store, ns) => {
        const rec = record('v', LONG_MS);
        await store.set(ns.key('a'), rec);
        expectRecord(await store.get(ns.key('a')), rec, 'get after set');
      });
      check('never returns a record after its expiry, even when no sweep or prune has run', async (store, ns) => {
        const rec = record('soon gone', SHORT_MS);
        await store.set(ns.key('a'), rec);
        expectRecord(await store.get(ns.key('a')), rec, 'get before expiry');
        await sleep(waitPastShort);
        assert.equal(await store.get(ns.key('a')), undefined, 'get after expiry');
      });
    });

    describe('set', () => {
      check('replaces value, expiry and user key together', async (store, ns) => {
        await store.set(ns.key('a'), record('first', LONG_MS, ns.user('a')));
        const second = record('second', LONG_MS + 5000);
        await store.set(ns.key('a'), second);
        expectRecord(await store.get(ns.key('a')), second, 'get after overwrite');
      });
      check('lets 50 concurrent sets of different keys not interfere', async (store, ns) => {
        const recs = Array.from({ length: 50 }, (_, i) => record(`value-${i}-${'x'.repeat(i * 20)}`, LONG_MS + i, ns.user(`${i % 3}`)));
        await Promise.all(recs.map((rec, i) => store.set(ns.key(`c${i}`), rec)));
        const got = await Promise.all(recs.map((_, i) => store.get(ns.key(`c${i}`))));
        got.forEach((actual, i) => expectRecord(actual, recs[i]!, `key c${i}`));
      });
      check('round-trips a 1-byte value exactly', async (store, ns) => {
        await roundTrip(store, ns.key('one'), 'x', '1-byte value');
      });
      check('round-trips a short value of mixed scripts, emoji and combining marks exactly', async (store, ns) => {
        await roundTrip(store, ns.key('mixed'), mixedValue(500), 'mixed value');
      });
      check('round-trips a value of exactly 1 MiB of mixed UTF-8 exactly', async (store, ns) => {
        const value = mixedValue(MIB);
        assert.equal(Buffer.byteLength(value), MIB);
        await roundTrip(store, ns.key('mib'), value, '1 MiB value');
      });
      check('accepts keys of every base64url character', async (store, ns) => {
        const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
        await roundTrip(store, ns.key(alphabet), 'b64', 'base64url key');
        await roundTrip(store, ns.key('-_-'), 'dashes', 'key of - and _');
      });
      check('accepts keys of every printable ASCII character', async (store, ns) => {
        let ascii = '';
        for (let c = 0x20; c <= 0x7e; c++) ascii += String.fromCharCode(c);
        await roundTrip(store, ns.key(ascii), 'ascii', 'printable ASCII key');
        await roundTrip(store, `sess:${ns.key('a.b:c')}`, 'dotted', "key with '.' and ':'");
      });
      check('accepts a key of 256 characters', async (store, ns) => {
        await roundTrip(store, ns.key('k'.repeat(256 - ns.prefix.length)), 'long key', '256-character key');
      });
      check('keeps keys that differ only in letter case apart', async (store, ns) => {
        await store.set(ns.key('AbC'), record('upper', LONG_MS));
        await store.set(ns.key('abc'), record('lower', LONG_MS));
        assert.equal((await store.get(ns.key('AbC')))?.value, 'upper');
        assert.equal((await store.get(ns.key('abc')))?.value, 'lower');
      });
      if (maxValueBytes === undefined) {
        it('refuses a value over the configured maximum', { skip: 'no maxValueBytes option given to storeConformance' });
      } else {
        check(`accepts a value of exactly maxValueBytes (${maxValueBytes})`, async (store, ns) => {
          await roundTrip(store, ns.key('max'), cjkValue(maxValueBytes), 'value of maxValueBytes');
        });
        check('refuses a value one byte over maxValueBytes with ERR_STORE_VALUE_TOO_LARGE, writing nothing', async (store, ns) => {
          const kept = record('kept', LONG_MS);
          await store.set(ns.key('old'), kept);
          const big = record(cjkValue(maxValueBytes + 1), LONG_MS);
          for (const key of [ns.key('old'), ns.key('new')]) {
            await assert.rejects(store.set(key, big), (error: unknown) => {
              assert.ok(isTesseraError(error, 'ERR_STORE_VALUE_TOO_LARGE'), `expected ERR_STORE_VALUE_TOO_LARGE, got ${String(error)}`);
              assert.equal((error as { operation?: unknown }).operation, 'set');
              return true;
            });
          }
          expectRecord(await store.get(ns.key('old')), kept, 'existing record after a refused set');
          assert.equal(await store.get(ns.key('new')), undefined, 'new key after a refused set');
        });
      }
    });

    describe('touch', () => {
      check('extends the expiry without rewriting the value', async (store, ns) => {
        const original = record('original value', SHORT_MS, ns.user('a'));
        await store.set(ns.key('a'), original);
        const touched = { ...original, value: touchNeedsValue ? original.value : 'DECOY - must not be stored', expiresAt: Date.now() + LONG_MS };
        await store.touch(ns.key('a'), touched);
        const expected = { ...original, expiresAt: touched.expiresAt };
        expectRecord(await store.get(ns.key('a')), expected, 'get right after touch');
        await sleep(waitPastShort);
        expectRecord(await store.get(ns.key('a')), expected, 'get after the first expiry has passed');
      });
      check('resolves and writes nothing for a missing key', async (store, ns) => {
        await store.touch(ns.key('missing'), record('ghost', LONG_MS));
        assert.equal(await store.get(ns.key('missing')), undefined);
      });
      check('resolves and writes nothing for an expired key', async (store, ns) => {
        await store.set(ns.key('a'), record('expiring', SHORT_MS));
        await sleep(waitPastShort);
        await store.touch(ns.key('a'), record('expiring', LONG_MS));
        assert.equal(await store.get(ns.key('a')), undefined, 'get after touching an expired key');
      });
    });

    describe('delete', () => {
      check('deletes the record, and only it', async (store, ns) => {
        const other = record('other', LONG_MS);
        await store.set(ns.key('a'), record('a', LONG_MS));
        await store.set(ns.key('b'), other);
        await store.delete(ns.key('a'));
        assert.equal(await store.get(ns.key('a')), undefined);
        expectRecord(await store.get(ns.key('b')), other, 'the other key');
      });
      check('resolves for a missing key', async (store, ns) => {
        await store.delete(ns.key('missing'));
        assert.equal(await store.get(ns.key('missing')), undefined);
      });
    });

    userTests({ check, record, waitPastShort });
    versionTests({ check, record, waitPastShort, expectRecord, maxValueBytes });
    userEpochTests({ check });

    describe('prune', () => {
      check('deletes expired records and keeps unexpired ones', async (store, ns, t) => {
        if (store.prune === undefined) return void t.skip('the store has no prune (optional)');
        const kept = record('kept', LONG_MS, ns.user('a'));
        await Promise.all([1, 2, 3].map((i) => store.set(ns.key(`gone${i}`), record('gone', SHORT_MS, ns.user('a')))));
        await store.set(ns.key('kept'), kept);
        await sleep(waitPastShort);
        const count = await store.prune();
        assert.ok(Number.isInteger(count) && count >= 3, `prune must count the 3 expired records it deleted, got ${count}`);
        expectRecord(await store.get(ns.key('kept')), kept, 'unexpired record after prune');
        if (store.listByUser) assertSameKeys(await store.listByUser(ns.user('a')), [ns.key('kept')], 'listByUser after prune');
      });
    });

    describe('isAvailable', () => {
      check('answers true, synchronously, while the store serves calls normally', async (store, ns, t) => {
        if (store.isAvailable === undefined) return void t.skip('the store has no isAvailable (optional)');
        await roundTrip(store, ns.key('available'), 'v', 'a record set before asking');
        const answer: unknown = store.isAvailable();
        assert.equal(answer, true, 'isAvailable() must return the boolean true (not a Promise) while calls succeed');
      });
    });

    describe('close', () => {
      check('resolves when called twice', async (store, _ns, t) => {
        if (store.close === undefined) return void t.skip('the store has no close (optional)');
        await store.close();
        await store.close();
      });
    });
  });
}
