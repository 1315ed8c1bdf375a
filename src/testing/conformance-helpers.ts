/**
 * Building blocks of the store conformance suite: unique key namespaces, values of an exact
 * UTF-8 size, and assertions whose failure messages stay short even for 1 MiB values.
 *
 * @module
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { TestContext } from 'node:test';
import type { Store, StoreRecord } from '../core/store.js';

/** A short real expiry (ms): long enough to read the record back first, short enough to wait out. */
export const SHORT_MS = 600;
/** An expiry (ms) no test outlives. */
export const LONG_MS = 60_000;

/** The body of one conformance test, given a fresh store, a fresh namespace and the test context. */
export type Check = (store: Store, ns: Namespace, t: TestContext) => Promise<void>;

/** What the suite hands to the files that register its groups of tests. */
export interface SuiteKit {
  /** Registers a test that gets its own store (closed afterwards) and namespace. */
  check(title: string, run: Check): void;
  /** A record expiring `ms` from now. */
  record(value: string, ms: number, userKey?: string): StoreRecord;
  /** How long to wait for a `SHORT_MS` record to be certainly expired. */
  waitPastShort: number;
}

/** Keys and user keys of one test, under a random prefix so tests sharing a server never collide. */
export interface Namespace {
  /** The namespace's prefix: base64url characters ending in `_` (10 characters). */
  readonly prefix: string;
  /** A session key in this namespace. */
  key(suffix: string): string;
  /** A user key in this namespace. */
  user(suffix: string): string;
}

/** A fresh namespace with a random prefix. */
export function namespace(): Namespace {
  // 'tc' + 8 base64url characters + '_': short, so a 256-character key still fits.
  const prefix = `tc${randomBytes(6).toString('base64url')}_`;
  return {
    prefix,
    key: (suffix) => `${prefix}${suffix}`,
    user: (suffix) => `${prefix}user-${suffix}`,
  };
}

/**
 * One repetition unit of mixed UTF-8: ASCII, characters that SQL and JSON treat specially,
 * 2-byte (é), 3-byte (CJK, Hangul) and 4-byte (emoji) characters, a combining mark (e + U+0301)
 * and a zero-width-joiner emoji sequence, so a store that normalises, transcodes or counts
 * characters instead of bytes is caught.
 */
const MIXED = 'Tessera "q" \'s\' \\ % _ <&> é e\u0301 日本語 한국어 😀 👩\u200D💻 \n\t';
const MIXED_BYTES = Buffer.byteLength(MIXED);

/** A string of exactly `bytes` UTF-8 bytes of mixed scripts (see `MIXED`); the tail is ASCII. */
export function mixedValue(bytes: number): string {
  const whole = Math.floor(bytes / MIXED_BYTES);
  const tail = bytes - whole * MIXED_BYTES;
  return MIXED.repeat(whole) + 'abcdefghijklmnopqrstuvwxyz'.repeat(Math.ceil(tail / 26)).slice(0, tail);
}

/**
 * A string of exactly `bytes` UTF-8 bytes, mostly 3-byte CJK: about a third as many UTF-16 units
 * as bytes, so a size check on `string.length` instead of bytes lets it through.
 */
export function cjkValue(bytes: number): string {
  const whole = Math.floor(bytes / 3);
  return '語'.repeat(whole) + 'x'.repeat(bytes - whole * 3);
}

/** Asserts two strings are identical, reporting lengths and the first difference, not the strings. */
export function assertSameString(actual: string, expected: string, what: string): void {
  if (actual === expected) return;
  let i = 0;
  while (i < actual.length && i < expected.length && actual[i] === expected[i]) i++;
  const around = (s: string): string => JSON.stringify(s.slice(Math.max(0, i - 8), i + 8));
  assert.fail(
    `${what}: expected ${expected.length} UTF-16 units, got ${actual.length}; first difference at ` +
      `index ${i}: expected ${around(expected)}, got ${around(actual)}`,
  );
}

/**
 * Asserts `get` returned `expected`: value byte-for-byte, user key, and the expiry exactly - or,
 * for a store that cannot report expiry (`exactExpiry` false), either exactly or as +Infinity.
 */
export function assertRecord(
  actual: StoreRecord | undefined,
  expected: StoreRecord,
  exactExpiry: boolean,
  what: string,
): void {
  assert.ok(actual !== undefined, `${what}: get resolved to undefined, expected a record`);
  assert.equal(typeof actual.value, 'string', `${what}: value must be a string`);
  assertSameString(actual.value, expected.value, `${what}: value`);
  assert.equal(actual.userKey, expected.userKey, `${what}: userKey`);
  if (exactExpiry || actual.expiresAt !== Number.POSITIVE_INFINITY) {
    assert.equal(actual.expiresAt, expected.expiresAt, `${what}: expiresAt`);
  }
}

/** Asserts `keys` holds exactly `expected`, in any order. */
export function assertSameKeys(keys: readonly string[], expected: readonly string[], what: string): void {
  assert.ok(Array.isArray(keys), `${what}: expected an array of keys`);
  assert.deepEqual([...keys].sort(), [...expected].sort(), what);
}
