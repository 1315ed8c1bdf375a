// Fuzz: stored records as they are today (format version 1 JSON): truncated, wrong version,
// odd metadata or cookie fields, garbage, valid JSON of any shape, prototype-pollution keys,
// single characters changed. A record sits under an ID the test issued; loading it must
// either give that session (never another ID), a fresh one, or reject with a TesseraError
// (today an unreadable record is a StoreError: a store fault, as in express-session; the
// encryption slice turns records that fail to decrypt into "no session" plus an event, and
// adds its cases to `recordMutations`). Committing what was loaded resolves or rejects with a
// TesseraError. Nothing else ever escapes, and no prototype is polluted.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { isTesseraError } from '../../src/core/errors.js';
import { SessionManager } from '../../src/index.js';
import { signId } from '../../src/core/signature.js';
import { MemoryStore } from '../../src/stores/memory/memory-store.js';
import { manualClock } from '../helpers/manual-clock.js';
import { recordMutations, RUNS, SECRETS } from './arbitraries.js';

/** How the property treats a record the codec cannot read (the encryption slice may tighten it). */
function acceptableFailure(error: unknown): boolean {
  return isTesseraError(error);
}

describe('fuzz: stored records into loadSession and commitSession', () => {
  it(`yields the issued session, a fresh one, or a TesseraError, and nothing else (${RUNS.storedRecord} cases)`, async () => {
    const clock = manualClock(1_700_000_000_000);
    const store = new MemoryStore({ clock: clock.now });
    const manager = new SessionManager<{ n: number; nested: unknown }>({ secret: SECRETS.current, store, clock: clock.now, warn: () => {} });
    // A real record to mutate, written by the manager itself.
    const { session } = await manager.loadSession({ cookieHeader: undefined, secure: false });
    session.n = 1;
    session.nested = { list: [1, 'two', null], cookie: { fake: true } };
    await manager.commitSession(session, { secure: false, cookieName: 'sid' });
    const id = session.id;
    const key = manager.storeKey(id);
    const valid = await store.get(key);
    assert.ok(valid);
    const cookieHeader = `sid=${encodeURIComponent(signId(id, SECRETS.current))}`;
    const expiries = fc.oneof(fc.constant(valid.expiresAt), fc.integer({ min: -1e13, max: 1e13 }));

    await fc.assert(
      fc.asyncProperty(fc.oneof(...recordMutations), expiries, fc.boolean(), async (mutate, expiresAt, write) => {
        await store.set(key, { value: mutate.apply(valid.value, key), expiresAt });
        let loaded;
        try {
          loaded = await manager.loadSession({ cookieHeader, secure: false });
        } catch (error) {
          assert.ok(acceptableFailure(error), `load threw ${String(error)}`);
          return;
        }
        const s = loaded.session;
        if (!s.isNew) assert.equal(s.id, id, 'a loaded session is the one stored under its own ID');
        else assert.notEqual(s.id, id);
        if (write) s.n = 2;
        try {
          await manager.commitSession(s, { secure: false, cookieName: 'sid' });
        } catch (error) {
          assert.ok(acceptableFailure(error), `commit threw ${String(error)}`);
        }
        assert.equal(({} as Record<string, unknown>).polluted, undefined, 'no prototype pollution');
      }),
      { numRuns: RUNS.storedRecord },
    );
  });
});
