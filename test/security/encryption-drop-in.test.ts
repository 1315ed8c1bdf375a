// The drop-in's `encryption` opt-in over real HTTP, on express-session stores (the values they
// keep are objects: the envelope travels inside one): nothing readable at rest, rotation
// re-encrypts on the next write but not on a read-only request (whose touch the drop-in still
// sends, as express-session), and a tampered record is a fresh session with a 200.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import express from 'express';
import dropIn from '../../src/adapters/express-session/index.js';
import type { ExpressSessionOptions } from '../../src/adapters/express-session/index.js';
import type { EncryptionKey } from '../../src/core/keyring.js';
import { listen, type Listening } from '../helpers/express-apps.js';
import { HttpClient } from '../helpers/http-client.js';
import { dropInStoreSetups, type OpenDropInStore } from './keys-drop-in-stores.js';

const SECRET = 'keyboard cat';
const K1: EncryptionKey = { id: 'k1', key: randomBytes(32) };
const K2: EncryptionKey = { id: 'k2', key: randomBytes(32) };
const NOTE = 'drop-in-note-nobody-may-read';

async function serve(store: object, keys: EncryptionKey[]): Promise<Listening> {
  const app = express();
  app.use(dropIn({ secret: SECRET, resave: false, saveUninitialized: false, store: store as ExpressSessionOptions['store'], hashStoreKeys: true, encryption: { keys } }));
  app.get('/login/:user', (req, res) => {
    req.session.expressUser = req.params.user;
    (req.session as unknown as Record<string, unknown>).note = NOTE;
    res.json({ ok: true });
  });
  app.get('/note/:text', (req, res) => {
    (req.session as unknown as Record<string, unknown>).note = req.params.text;
    res.json({ ok: true });
  });
  app.get('/me', (req, res) => {
    res.json({ user: req.session.expressUser ?? null });
  });
  return listen(app);
}

async function who(client: HttpClient): Promise<string | null> {
  const res = await client.request('/me');
  assert.equal(res.status, 200, res.body);
  return (JSON.parse(res.body) as { user: string | null }).user;
}

for (const setup of dropInStoreSetups) {
  describe(`tessera/express-session encryption on ${setup.name}`, await setup.skip(), () => {
    let opened: OpenDropInStore;
    let onK1: Listening;
    let rotating: Listening;
    before(async () => {
      opened = await setup.open();
      onK1 = await serve(opened.store, [K1]);
      rotating = await serve(opened.store, [K2, K1]);
    });
    after(async () => {
      await Promise.all([onK1?.close(), rotating?.close()]);
      await opened?.close();
    });
    const only = async (): Promise<[string, string]> => {
      const entries = [...(await opened.dump())];
      assert.equal(entries.length, 1, 'one stored session');
      return entries[0] as [string, string];
    };

    it('stores nothing readable, reads it back, and re-encrypts on the next write only', async () => {
      const client = new HttpClient(onK1.url);
      await client.request('/login/gina-dropin');
      const [, sealed] = await only();
      assert.match(sealed, /enc1\.k1\./);
      assert.ok(!sealed.includes(NOTE) && !sealed.includes('gina-dropin'), sealed);
      assert.equal(await who(client), 'gina-dropin');

      const browser = new HttpClient(rotating.url);
      for (const [name, value] of client.jar) browser.jar.set(name, value);
      assert.equal(await who(browser), 'gina-dropin', 'the rotating keyring reads the k1 record');
      assert.match((await only())[1], /enc1\.k1\./, 'a read-only request does not re-encrypt');
      await browser.request('/note/changed');
      assert.match((await only())[1], /enc1\.k2\./);
      assert.equal(await who(browser), 'gina-dropin');
    });

    it('answers 200 with a fresh session for a tampered record', async () => {
      const client = new HttpClient(onK1.url);
      await client.request('/login/hugo-dropin');
      const entries = [...(await opened.dump())].filter(([, v]) => v.includes('enc1.k1.'));
      assert.ok(entries.length > 0);
      for (const [key] of entries) await opened.tamper(key, (v) => `${v.slice(0, -5)}${v.at(-5) === 'A' ? 'B' : 'A'}${v.slice(-4)}`);
      assert.equal(await who(client), null);
    });
  });
}
