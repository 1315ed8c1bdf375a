// Fuzz: stored records with encryption at rest on (AES-256-GCM, the store key as AAD). Two
// properties over a manager whose keyring holds k2 (encrypts) and k1:
//
// 1. The envelope itself tampered with: a bit flipped anywhere in IV, ciphertext or tag, the
//    payload truncated or extended, the key id or the version prefix changed, a base64url
//    character replaced, another session's sealed record moved under this key, a record sealed
//    under a key id the keyring has with other bytes, or under a retired id, or plaintext
//    planted. The oracle (computed with Buffer, not with Tessera's envelope code) is "same
//    version, same key id, same payload bytes": only then is the issued session loaded;
//    anything else is a fresh session and exactly one `invalidRecord` event. Never a throw.
// 2. The plaintext broken (every mutation of stored-record.test.ts) and then sealed properly,
//    with the right key and AAD: whoever holds the key writes garbage. Loading gives the issued
//    session, a fresh one, or a TesseraError (an unreadable record that authenticates is a
//    store fault), and nothing else; no prototype is polluted.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { envelopeParts, formatEnvelope, sealEnvelope } from '../../src/core/envelope.js';
import { isTesseraError } from '../../src/core/errors.js';
import { createKeyring } from '../../src/core/keyring.js';
import { SessionManager } from '../../src/index.js';
import { signId } from '../../src/core/signature.js';
import { MemoryStore } from '../../src/stores/memory/memory-store.js';
import { manualClock } from '../helpers/manual-clock.js';
import { recordMutations, RUNS, SECRETS, trickyText } from './arbitraries.js';

const K2 = randomBytes(32);
const K1 = randomBytes(32);
const keys = [{ id: 'k2', key: K2 }, { id: 'k1', key: K1 }];

async function world() {
  const clock = manualClock(1_700_000_000_000);
  const store = new MemoryStore({ clock: clock.now });
  const manager = new SessionManager<{ n: number; owner: string }>({ secret: SECRETS.current, store, clock: clock.now, warn: () => {}, encryption: { keys } });
  const issue = async (owner: string) => {
    const { session } = await manager.loadSession({ cookieHeader: undefined, secure: false });
    session.n = 1;
    session.owner = owner;
    await manager.commitSession(session, { secure: false, cookieName: 'sid' });
    const key = manager.storeKey(session.id);
    const record = await store.get(key);
    assert.ok(record);
    return { id: session.id, key, record, cookieHeader: `sid=${encodeURIComponent(signId(session.id, SECRETS.current))}` };
  };
  const target = await issue('target');
  const other = await issue('other');
  const events: string[] = [];
  manager.on('invalidRecord', (info) => events.push(info.reason));
  return { clock, store, manager, target, other, events };
}

/** The (version, key id, payload bytes) of an envelope, by plain splitting: the oracle's view. */
function fields(value: string): string | undefined {
  const match = /^(enc\d+)\.([^.]*)\.([A-Za-z0-9_-]*)$/.exec(value);
  if (!match || match[3]!.length % 4 === 1) return undefined;
  return `${match[1]}|${match[2]}|${Buffer.from(match[3]!, 'base64url').toString('hex')}`;
}

interface Tamper {
  label: string;
  apply(value: string, ctx: { otherValue: string; key: string; plaintext: string }): string;
}
const tamper = (label: string, apply: Tamper['apply']): Tamper => ({ label, apply });

function withPayload(value: string, change: (payload: Buffer) => Buffer): string {
  const parts = envelopeParts(value);
  assert.ok(typeof parts === 'object');
  return formatEnvelope({ ...parts, payload: change(Buffer.from(parts.payload)) });
}

const foreign = createKeyring({ keys: [{ id: 'k2', key: randomBytes(32) }] });
const retired = createKeyring({ keys: [{ id: 'k0', key: randomBytes(32) }] });

const tampers: Array<fc.Arbitrary<Tamper>> = [
  fc.tuple(fc.nat(), fc.integer({ min: 0, max: 7 })).map(([i, bit]) =>
    tamper(`bit ${bit} of byte ${i}`, (v) =>
      withPayload(v, (p) => {
        p[i % p.length]! ^= 1 << bit;
        return p;
      }),
    ),
  ),
  fc.nat().map((n) => tamper(`payload truncated to ${n}`, (v) => withPayload(v, (p) => p.subarray(0, n % p.length)))),
  fc.uint8Array({ minLength: 1, maxLength: 32 }).map((extra) => tamper(`payload + ${extra.length} bytes`, (v) => withPayload(v, (p) => Buffer.concat([p, extra])))),
  fc.oneof(fc.constantFrom('k1', 'k0', 'K2', 'k2 ', '', 'k2.k2'), trickyText(8)).map((id) => tamper(`key id ${JSON.stringify(id)}`, (v) => v.replace(/^enc1\.k2\./, `enc1.${id}.`))),
  fc.constantFrom('enc0.', 'enc2.', 'enc01.', 'ENC1.', 'enc1..', 'enc.', 'enc11.').map((prefix) => tamper(`prefix ${prefix}`, (v) => v.replace(/^enc1\./, prefix))),
  fc.tuple(fc.nat(), fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_=+/.% '.split(''))).map(([i, c]) =>
    tamper(`character ${i} -> ${JSON.stringify(c)}`, (v) => {
      const at = 'enc1.k2.'.length + (i % (v.length - 'enc1.k2.'.length));
      return v.slice(0, at) + c + v.slice(at + 1);
    }),
  ),
  fc.constant(tamper("another session's sealed record (wrong AAD)", (_v, ctx) => ctx.otherValue)),
  fc.constant(tamper('sealed with other bytes under the same key id', (_v, ctx) => sealEnvelope(ctx.plaintext, ctx.key, foreign))),
  fc.constant(tamper('sealed under a retired key id', (_v, ctx) => sealEnvelope(ctx.plaintext, ctx.key, retired))),
  fc.constant(tamper('plaintext planted', (_v, ctx) => ctx.plaintext)),
  fc.constant(tamper('untouched', (v) => v)),
];

describe('fuzz: encrypted stored records into loadSession', () => {
  it(`loads the issued session only for its own envelope; anything else is a fresh session and one invalidRecord event (${RUNS.encryptedEnvelope} cases)`, async () => {
    const w = await world();
    const keyring = createKeyring({ keys });
    // The target's plaintext, recovered once through the keyring (for the re-sealing tampers).
    const { openEnvelope } = await import('../../src/core/envelope.js');
    const opened = openEnvelope(w.target.record.value, w.target.key, keyring);
    assert.ok(opened.ok);
    const ctx = { otherValue: w.other.record.value, key: w.target.key, plaintext: opened.plaintext };
    const original = fields(w.target.record.value);
    await fc.assert(
      fc.asyncProperty(fc.oneof(...tampers), async (t) => {
        const value = t.apply(w.target.record.value, ctx);
        await w.store.set(w.target.key, { value, expiresAt: w.target.record.expiresAt });
        w.events.length = 0;
        const { session } = await w.manager.loadSession({ cookieHeader: w.target.cookieHeader, secure: false });
        if (fields(value) === original) {
          assert.equal(session.isNew, false, `${t.label}: the genuine envelope must load`);
          assert.equal(session.id, w.target.id);
          assert.equal(session.owner, 'target');
          assert.equal(w.events.length, 0);
        } else {
          assert.equal(session.isNew, true, `${t.label}: a tampered envelope must not load`);
          assert.notEqual(session.id, w.target.id);
          assert.equal(session.owner, undefined, 'no data of any stored session');
          assert.equal(w.events.length, 1, `${t.label}: one invalidRecord event`);
        }
      }),
      { numRuns: RUNS.encryptedEnvelope },
    );
  });

  it(`a broken plaintext sealed with the right key: the issued session, a fresh one, or a TesseraError (${RUNS.encryptedPlaintext} cases)`, async () => {
    const w = await world();
    const keyring = createKeyring({ keys });
    const { openEnvelope } = await import('../../src/core/envelope.js');
    const opened = openEnvelope(w.target.record.value, w.target.key, keyring);
    assert.ok(opened.ok);
    await fc.assert(
      fc.asyncProperty(fc.oneof(...recordMutations), fc.boolean(), async (mutate, write) => {
        const value = sealEnvelope(mutate.apply(opened.plaintext, w.target.key), w.target.key, keyring);
        await w.store.set(w.target.key, { value, expiresAt: w.target.record.expiresAt });
        let loaded;
        try {
          loaded = await w.manager.loadSession({ cookieHeader: w.target.cookieHeader, secure: false });
        } catch (error) {
          assert.ok(isTesseraError(error), `load threw ${String(error)}`);
          return;
        }
        const s = loaded.session;
        if (!s.isNew) assert.equal(s.id, w.target.id, 'a loaded session is the one stored under its own ID');
        else assert.notEqual(s.id, w.target.id);
        if (write) s.n = 2;
        try {
          await w.manager.commitSession(s, { secure: false, cookieName: 'sid' });
        } catch (error) {
          assert.ok(isTesseraError(error), `commit threw ${String(error)}`);
        }
        assert.equal(({} as Record<string, unknown>).polluted, undefined, 'no prototype pollution');
      }),
      { numRuns: RUNS.encryptedPlaintext },
    );
  });
});
