// Fuzzing the cache cookie (fast-check): whatever a client puts in it beside a real session
// cookie, loading never throws and always yields the real session; a value is used without a
// store read only when the header carries the issued copy (byte for byte, once decoded).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { SessionManager } from '../../src/index.js';
import { generateSecret } from '../../src/index.js';
import { MemoryStore } from '../../src/stores/memory/index.js';
import { manualClock } from '../helpers/manual-clock.js';
import { TEST_SECRET } from '../helpers/session-client.js';
import { counted, type Counted } from './cookie-cache-setups.js';

const RUNS = 3000;

/** The envelope's bytes as a client cannot change them without changing the value's meaning. */
function decoded(value: string): string {
  const [version, keyId, payload] = value.split('.');
  return `${version}.${keyId}.${Buffer.from(payload ?? '', 'base64url').toString('hex')}.${value.split('.').length}`;
}

/** The value the `Cookie` header carries for the name (up to a `;`, trimmed, percent-decoded when it decodes). */
function carried(value: string): string {
  const raw = (value.split(';', 1)[0] ?? '').trim();
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

describe('cookie cache: fuzzed copies', () => {
  const clock = manualClock();
  const store = new MemoryStore({ clock: clock.now, sweepInterval: 0 });
  const c: Counted = counted(store);
  const manager = new SessionManager({ secret: TEST_SECRET, store: c.store, clock: clock.now, warn: () => {}, encryption: { keys: [{ id: 'k1', key: generateSecret() }] }, cookieCache: true });
  let sid = '';
  let real = '';

  before(async () => {
    const { session, cookieName } = await manager.loadSession({ cookieHeader: undefined, secure: false });
    await session.login('ann');
    const result = await manager.commitSession(session, { secure: false, cookieName });
    const lines = [result.setCookie!, ...(result.extraSetCookies ?? [])];
    sid = lines[0]!.split(';', 1)[0]!;
    real = lines[1]!.split(';', 1)[0]!.slice('sid-cache='.length);
    assert.match(real, /^enc1\.k1\./);
  });
  after(async () => {
    await manager.close();
    await store.close();
  });

  const mutated = fc.oneof(
    fc.string({ maxLength: 300 }),
    fc.string({ unit: 'binary', maxLength: 100 }),
    fc.tuple(fc.nat(), fc.string({ minLength: 1, maxLength: 3 })).map(([at, s]) => {
      const i = at % real.length;
      return real.slice(0, i) + s + real.slice(i + 1);
    }),
    fc.nat().map((n) => real.slice(0, n % real.length)),
    fc.string({ maxLength: 40 }).map((s) => real + s),
    fc.uint8Array({ maxLength: 400 }).map((bytes) => `enc1.k1.${Buffer.from(bytes).toString('base64url')}`),
    fc.constantFrom('enc1.k2.' + real.slice(8), 'enc9.k1.' + real.slice(8), real.replaceAll('.', ''), encodeURIComponent(real), ''),
  );

  it(`never throws, always the real session, and only the issued copy is used without a store read (${RUNS} cases)`, async () => {
    await fc.assert(
      fc.asyncProperty(mutated, async (value) => {
        c.reads.get = 0;
        const { session } = await manager.loadSession({ cookieHeader: `${sid}; sid-cache=${value}`, secure: false });
        assert.equal(session.userKey, 'ann');
        // Used without a store read only when what the header carries is the issued copy.
        if (c.reads.get === 0) assert.equal(decoded(carried(value)), decoded(real), `used: ${JSON.stringify(value.slice(0, 60))}`);
        else assert.equal(c.reads.get, 1);
      }),
      { numRuns: RUNS },
    );
    // Control: the issued copy itself is used (the property can fail).
    c.reads.get = 0;
    await manager.loadSession({ cookieHeader: `${sid}; sid-cache=${real}`, secure: false });
    assert.equal(c.reads.get, 0);
  });
});
