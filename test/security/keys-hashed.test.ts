// Hashed store keys over real HTTP with a cookie jar, on every store: the store holds
// base64url(SHA-256(session ID)) and never the ID, the per-user index holds the same hashed
// keys, and a full dump of the store (read by someone who even has the signing secret) yields
// no cookie that loads a session. A control run with `hashStoreKeys: false` shows the same
// attack working, so the test can fail.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import express from 'express';
import { hashStoreKey } from '../../src/core/keys.js';
import { SessionManager } from '../../src/index.js';
import { signId } from '../../src/core/signature.js';
import { session } from '../../src/adapters/express/index.js';
import { listen, type Listening } from '../helpers/express-apps.js';
import { HttpClient } from '../helpers/http-client.js';
import { manualClock } from '../helpers/manual-clock.js';
import { storeSetups, type OpenStore } from './keys-store-setups.js';

const SECRET = 'n6V0m3qQ2rTz8yXb4kLp7sWd1fHg5jCe9aUo'; // a test-only random-looking secret

/** A native app on `store`: `/login/:user` signs in (data + user key), `/me` says who is signed in. */
async function serve(manager: SessionManager): Promise<Listening> {
  const app = express();
  app.use(session(manager));
  app.get('/login/:user', (req, res) => {
    req.session.expressUser = req.params.user;
    req.session.userKey = req.params.user;
    res.json({ ok: true });
  });
  app.get('/me', (req, res) => {
    res.json({ user: req.session.expressUser ?? null });
  });
  return listen(app);
}

/** The session ID inside the jar's signed `sid` cookie. */
function sessionIdOf(client: HttpClient): string {
  const value = decodeURIComponent(client.jar.get('sid') ?? '');
  assert.match(value, /^s:.+\..+$/);
  return value.slice(2, value.lastIndexOf('.'));
}

/** Who `/me` says is signed in when the request carries exactly this `Cookie` header. */
async function whoWith(url: string, cookie: string): Promise<string | null> {
  const res = await new HttpClient(url).request('/me', { headers: { cookie } });
  assert.equal(res.status, 200);
  return (JSON.parse(res.body) as { user: string | null }).user;
}

for (const setup of storeSetups) {
  describe(`hashed store keys on ${setup.name}`, await setup.skip(), () => {
    const clock = manualClock();
    let opened: OpenStore;
    let hashed: Listening;
    let plain: Listening;

    before(async () => {
      opened = await setup.open(clock.now);
      const options = { secret: SECRET, store: opened.store, name: 'sid', clock: clock.now, warn: () => {} };
      hashed = await serve(new SessionManager(options));
      plain = await serve(new SessionManager({ ...options, hashStoreKeys: false }));
    });
    after(async () => {
      await hashed?.close();
      await plain?.close();
      await opened?.close();
    });

    it('stores the session under base64url(SHA-256(ID)); the ID appears nowhere in the store', async () => {
      const client = new HttpClient(hashed.url);
      await client.request('/login/alice-keys');
      const id = sessionIdOf(client);
      const dump = await opened.dump();
      assert.ok(dump.has(hashStoreKey(id)), 'the record is under the hashed key');
      for (const [key, value] of dump) {
        assert.ok(!key.includes(id) && !value.includes(id), `no stored key or value carries the session ID (${key})`);
      }
      assert.equal(await opened.store.get(id), undefined);
      assert.equal((JSON.parse((await client.request('/me')).body) as { user: string }).user, 'alice-keys');
    });

    it('keeps hashed keys in the per-user index: listByUser gives them, deleteByUser ends the session', async (t) => {
      const { store } = opened;
      if (store.listByUser === undefined || store.deleteByUser === undefined) return void t.skip('no per-user index in this store');
      const phone = new HttpClient(hashed.url);
      const laptop = new HttpClient(hashed.url);
      await phone.request('/login/bob-keys');
      await laptop.request('/login/bob-keys');
      const keys = (await store.listByUser('bob-keys')).sort();
      assert.deepEqual(keys, [hashStoreKey(sessionIdOf(phone)), hashStoreKey(sessionIdOf(laptop))].sort());
      assert.equal(await store.deleteByUser('bob-keys'), 2);
      assert.equal(await whoWith(hashed.url, phone.cookieHeader ?? ''), null);
      assert.equal(await whoWith(hashed.url, laptop.cookieHeader ?? ''), null);
    });

    it('gives a dump of the store no cookie that loads a session, even signed with the secret', async () => {
      const client = new HttpClient(hashed.url);
      await client.request('/login/carol-keys');
      const dump = await opened.dump();
      assert.ok(dump.size > 0);
      for (const key of dump.keys()) {
        assert.equal(await whoWith(hashed.url, `sid=${encodeURIComponent(signId(key, SECRET))}`), null, `a cookie made of ${key}`);
      }
      assert.equal(await whoWith(hashed.url, client.cookieHeader ?? ''), 'carol-keys', 'the real cookie still works');
    });

    it('control: with hashStoreKeys: false the same dump does ride the session', async () => {
      const client = new HttpClient(plain.url);
      await client.request('/login/dave-keys');
      const id = sessionIdOf(client);
      assert.ok((await opened.dump()).has(id), 'the raw ID is the key');
      assert.equal(await whoWith(plain.url, `sid=${encodeURIComponent(signId(id, SECRET))}`), 'dave-keys');
    });
  });
}
