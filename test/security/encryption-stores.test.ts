// Encryption at rest over real HTTP with a cookie jar, on every store: the stored value is an
// AES-256-GCM envelope with no readable data, key rotation re-encrypts a record on its next
// write (never on a read-only request), and a record that fails to open - sealed by a key no
// longer held, tampered, truncated, moved under another session's key, or planted as plaintext -
// is a fresh session, a 200 and an `invalidRecord` event, never a 500.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import express from 'express';
import type { InvalidRecordInfo } from '../../src/core/engine.js';
import { hashStoreKey } from '../../src/core/keys.js';
import { SessionManager, type SessionManagerOptions } from '../../src/index.js';
import { session } from '../../src/adapters/express/index.js';
import { listen, type Listening } from '../helpers/express-apps.js';
import { HttpClient } from '../helpers/http-client.js';
import { manualClock } from '../helpers/manual-clock.js';
import { storeSetups, type OpenStore } from './keys-store-setups.js';

declare module '../../src/core/session.js' {
  interface SessionData {
    encryptionNote: string;
  }
}

const SECRET = 'Qm4t9Zr2Lx7Wc1Vb8Np3Hs6Jd0Fk5GyT7u'; // a test-only random-looking secret
const K1 = { id: 'k1', key: randomBytes(32) };
const K2 = { id: 'k2', key: randomBytes(32).toString('base64') };
const NOTE = 'the-plaintext-note-nobody-may-read';

interface Server extends Listening {
  events: InvalidRecordInfo[];
}

/** A native app: `/login/:user` signs in with a note, `/note/:text` changes the note, `/me` reads. */
async function serve(options: SessionManagerOptions): Promise<Server> {
  const manager = new SessionManager(options);
  const events: InvalidRecordInfo[] = [];
  manager.on('invalidRecord', (info) => events.push(info));
  const app = express();
  app.use(session(manager));
  app.get('/login/:user', (req, res) => {
    req.session.expressUser = req.params.user;
    req.session.encryptionNote = NOTE;
    req.session.userKey = req.params.user;
    res.json({ ok: true });
  });
  app.get('/note/:text', (req, res) => {
    req.session.encryptionNote = req.params.text;
    res.json({ ok: true });
  });
  app.get('/me', (req, res) => {
    res.json({ user: req.session.expressUser ?? null });
  });
  return Object.assign(await listen(app), { events });
}

function storeKeyOf(client: HttpClient): string {
  const value = decodeURIComponent(client.jar.get('sid') ?? '');
  return hashStoreKey(value.slice(2, value.lastIndexOf('.')));
}

async function who(server: Listening, client: HttpClient): Promise<string | null> {
  const res = await client.request('/me');
  assert.equal(res.status, 200, res.body);
  return (JSON.parse(res.body) as { user: string | null }).user;
}

for (const setup of storeSetups) {
  describe(`encryption at rest on ${setup.name}`, await setup.skip(), () => {
    const clock = manualClock();
    let opened: OpenStore;
    /** Keys [k1]; [k2, k1] (rotating); [k2] (k1 retired). */
    let onK1: Server;
    let rotating: Server;
    let onK2: Server;

    before(async () => {
      opened = await setup.open(clock.now);
      const base = { secret: SECRET, store: opened.store, name: 'sid', clock: clock.now, warn: () => {} };
      onK1 = await serve({ ...base, encryption: { keys: [K1] } });
      rotating = await serve({ ...base, encryption: { keys: [K2, K1] } });
      onK2 = await serve({ ...base, encryption: { keys: [K2] } });
    });
    after(async () => {
      await Promise.all([onK1?.close(), rotating?.close(), onK2?.close()]);
      await opened?.close();
    });

    /** The raw stored text of the client's record, as a dump of the store shows it. */
    const rawOf = async (client: HttpClient): Promise<string> => {
      const raw = (await opened.dump()).get(storeKeyOf(client));
      assert.ok(raw !== undefined, 'the record is in the store');
      return raw;
    };
    /** A client on `base` whose cookie is `from`'s (the same browser, another server). */
    const sameBrowser = (base: Listening, from: HttpClient): HttpClient => {
      const client = new HttpClient(base.url);
      for (const [name, value] of from.jar) client.jar.set(name, value);
      return client;
    };
    const events = (): InvalidRecordInfo[] => [onK1, rotating, onK2].flatMap((s) => s.events.splice(0));

    it('stores an AES-256-GCM envelope with no readable data, and reads it back', async () => {
      const client = new HttpClient(onK1.url);
      await client.request('/login/alice-enc');
      const raw = await rawOf(client);
      assert.match(raw, /enc1\.k1\.[A-Za-z0-9_-]{40,}/);
      assert.ok(!raw.includes(NOTE) && !raw.includes('expressUser'), `no session data in the clear: ${raw}`);
      assert.equal(await who(onK1, client), 'alice-enc');
      assert.deepEqual(events(), []);
    });

    it('re-encrypts with the new first key on the next write, not on a read-only request', async () => {
      const k1Browser = new HttpClient(onK1.url);
      await k1Browser.request('/login/bob-enc');
      const browser = sameBrowser(rotating, k1Browser);
      const before = await rawOf(browser);
      assert.equal(await who(rotating, browser), 'bob-enc', 'the rotating keyring reads the k1 record');
      assert.equal(await rawOf(browser), before, 'a read-only request rewrites nothing');
      await browser.request('/note/changed');
      assert.match(await rawOf(browser), /enc1\.k2\./, 'the write sealed it with k2');
      assert.equal(await who(onK2, sameBrowser(onK2, browser)), 'bob-enc', 'k1 can now be retired');
      assert.equal(await who(onK1, sameBrowser(onK1, browser)), null, 'a keyring without k2 cannot open it');
      assert.deepEqual(events(), [{ key: storeKeyOf(browser), reason: 'unknown-key' }]);
    });

    it('gives a fresh session and an event, never a 500, for a record moved under another session\'s key', async () => {
      const alice = new HttpClient(onK1.url);
      const mallory = new HttpClient(onK1.url);
      await alice.request('/login/alice-moved');
      await mallory.request('/login/mallory-moved');
      const aliceRecord = await opened.store.get(storeKeyOf(alice));
      assert.ok(aliceRecord !== undefined);
      const malloryKey = storeKeyOf(mallory);
      await opened.store.set(malloryKey, { value: aliceRecord.value, expiresAt: clock.now() + 3_600_000 });
      assert.equal(await who(onK1, mallory), null, 'alice\'s record does not open under mallory\'s key');
      assert.deepEqual(events(), [{ key: malloryKey, reason: 'authentication-failed' }]);
      assert.equal(mallory.jar.has('sid'), false, 'the cookie that leads nowhere is deleted');
      assert.equal(await who(onK1, alice), 'alice-moved');
    });

    for (const [name, tamper, reason] of [
      ['a flipped ciphertext character', (v: string) => `${v.slice(0, -30)}${v.at(-30) === 'A' ? 'B' : 'A'}${v.slice(-29)}`, 'authentication-failed'],
      ['a truncated record', (v: string) => v.slice(0, 20), 'truncated'],
      ['a plaintext record planted in the store', () => '{"cookie":{"originalMaxAge":null},"expressUser":"mallory"}', 'not-encrypted'],
      ['a record of a future format', (v: string) => `enc9${v.slice(4)}`, 'unsupported-version'],
    ] as const) {
      it(`gives a fresh session and an event, never a 500, for ${name}`, async () => {
        const client = new HttpClient(onK1.url);
        await client.request('/login/carol-enc');
        const key = storeKeyOf(client);
        const record = await opened.store.get(key);
        assert.ok(record !== undefined);
        await opened.store.set(key, { value: tamper(record.value), expiresAt: clock.now() + 3_600_000 });
        assert.equal(await who(onK1, client), null);
        assert.deepEqual(events(), [{ key, reason }]);
      });
    }
  });
}
