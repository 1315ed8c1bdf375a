// Fuzz: the Cookie header, straight into SessionManager.loadSession (no HTTP, for speed).
// Headers are truncated, oversized, non-ASCII, carry our name several times (genuine values in
// several encodings, broken ones, values signed with a retired secret, lookalike and case-variant
// names, %-escapes). Properties: loadSession never rejects; the session it yields is exactly
// the oracle's (the first live one among the verified values sent under our exact name), so no
// input yields a session the test did not issue; commit never throws for what was loaded.
// And the header reader agrees with the `cookie` package on the first value of every name.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { parse } from 'cookie';
import fc from 'fast-check';
import { cookieValues } from '../../src/core/cookie-header.js';
import { SessionManager } from '../../src/index.js';
import { MemoryStore } from '../../src/stores/memory/memory-store.js';
import { cookieHeaders, expectedSession, RUNS, SECRETS, trickyText, type World } from './arbitraries.js';

for (const secure of [false, true]) {
  describe(`fuzz: Cookie header into loadSession (${secure ? 'HTTPS, __Host-sid' : 'HTTP, sid'})`, () => {
    const manager = new SessionManager<{ owner: string }>({ secret: [SECRETS.current, SECRETS.previous], store: new MemoryStore(), warn: () => {} });
    const name = manager.cookieName(secure);
    const live = new Map<string, string>();
    const world: World = { name, live, dead: ['destroyed-session-id', 'never-issued-id', 'other'] };

    before(async () => {
      // Issue real sessions through the manager, and destroy one of them.
      for (let i = 0; i < 4; i++) {
        const { session } = await manager.loadSession({ cookieHeader: undefined, secure });
        session.owner = `owner-${i}`;
        await manager.commitSession(session, { secure, cookieName: name });
        live.set(session.id, session.owner);
      }
    });

    it(`loads exactly the oracle's session, never another (${RUNS.cookieHeader / 2} cases)`, async () => {
      await fc.assert(
        fc.asyncProperty(fc.constant(null).chain(() => cookieHeaders(world)), async (generated) => {
          const { session, cookieName } = await manager.loadSession({ cookieHeader: generated.header, secure });
          assert.equal(cookieName, name);
          const expected = expectedSession(generated, world);
          if (expected === undefined) {
            assert.equal(session.isNew, true);
            assert.ok(!live.has(session.id) && !world.dead.includes(session.id), 'a fresh session under a new ID');
            assert.equal(session.owner, undefined);
          } else {
            assert.equal(session.id, expected);
            assert.equal(session.isNew, false);
            assert.equal(session.owner, live.get(expected));
          }
          // Nothing the request did: commit decides quietly (no write for an untouched session).
          const result = await manager.commitSession(session, { secure, cookieName });
          assert.equal(result.stored, 'none');
        }),
        { numRuns: RUNS.cookieHeader / 2 },
      );
    });
  });
}

describe('fuzz: the header reader against the cookie package', () => {
  it(`reads the same first value for every name, and every value of it (${RUNS.cookieValuesParity} cases)`, () => {
    const header = fc.oneof(trickyText(60), fc.string({ unit: 'binary', maxLength: 80 }), fc.array(fc.tuple(trickyText(6), trickyText(10)), { maxLength: 8 }).map((pairs) => pairs.map(([n, v]) => `${n}=${v}`).join(';')));
    fc.assert(
      fc.property(header, fc.oneof(fc.constantFrom('sid', 's', '__Host-sid', ''), trickyText(4)), (text, probe) => {
        const parsed = parse(text);
        // Every name the cookie package found: our first value is its value.
        for (const key of Object.keys(parsed)) assert.equal(cookieValues(text, key)[0], parsed[key], `name ${JSON.stringify(key)}`);
        // Any other name: absent from both.
        if (!(probe in parsed)) assert.deepEqual(cookieValues(text, probe), []);
        // Every value: as many as the naive split finds (bounded by the reader's cap).
        // (The cookie package reads nothing from a header shorter than `a=`.)
        const naive = (text.length < 2 ? [] : text.split(';')).filter((segment) => {
          const eq = segment.indexOf('=');
          return eq !== -1 && segment.slice(0, eq).replace(/^[ \t]+|[ \t]+$/g, '') === probe;
        });
        assert.equal(cookieValues(text, probe).length, Math.min(naive.length, 32));
      }),
      { numRuns: RUNS.cookieValuesParity },
    );
  });
});
