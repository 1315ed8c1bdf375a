// The drop-in's `hashStoreKeys` opt-in over real HTTP: off by default (sessions stored by
// express-session stay readable: the key is the session ID, as there), on it stores
// base64url(SHA-256(ID)) in express-session stores too, and a dump of the store rides nothing.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import express from 'express';
import dropIn from '../../src/adapters/express-session/index.js';
import type { ExpressSessionOptions } from '../../src/adapters/express-session/index.js';
import { hashStoreKey } from '../../src/core/keys.js';
import { signId } from '../../src/core/signature.js';
import { listen, type Listening } from '../helpers/express-apps.js';
import { HttpClient } from '../helpers/http-client.js';
import { dropInStoreSetups, type OpenDropInStore } from './keys-drop-in-stores.js';

const SECRET = 'keyboard cat'; // the drop-in keeps express-session's rules: no length check, no warning

async function serve(options: ExpressSessionOptions): Promise<Listening> {
  const app = express();
  app.use(dropIn({ secret: SECRET, resave: false, saveUninitialized: false, ...options }));
  app.get('/login/:user', (req, res) => {
    req.session.expressUser = req.params.user;
    res.json({ id: req.sessionID });
  });
  app.get('/me', (req, res) => {
    res.json({ user: req.session.expressUser ?? null });
  });
  return listen(app);
}

async function login(server: Listening, user: string): Promise<{ client: HttpClient; id: string }> {
  const client = new HttpClient(server.url);
  const { id } = JSON.parse((await client.request(`/login/${user}`)).body) as { id: string };
  return { client, id };
}

async function whoWith(server: Listening, cookie: string): Promise<string | null> {
  const res = await new HttpClient(server.url).request('/me', { headers: { cookie } });
  assert.equal(res.status, 200);
  return (JSON.parse(res.body) as { user: string | null }).user;
}

for (const setup of dropInStoreSetups) {
  describe(`tessera/express-session hashStoreKeys on ${setup.name}`, await setup.skip(), () => {
    let plainStore: OpenDropInStore;
    let hashedStore: OpenDropInStore;
    let plain: Listening;
    let hashed: Listening;
    before(async () => {
      plainStore = await setup.open();
      hashedStore = await setup.open();
      plain = await serve({ store: plainStore.store as ExpressSessionOptions['store'] });
      hashed = await serve({ store: hashedStore.store as ExpressSessionOptions['store'], hashStoreKeys: true });
    });
    after(async () => {
      await Promise.all([plain?.close(), hashed?.close()]);
      await Promise.all([plainStore?.close(), hashedStore?.close()]);
    });

    it('by default stores under the session ID, as express-session does', async () => {
      const { id } = await login(plain, 'erin-dropin');
      assert.deepEqual([...(await plainStore.dump()).keys()], [id]);
    });

    it('with hashStoreKeys: true stores under base64url(SHA-256(ID)), and the dump rides nothing', async () => {
      const { client, id } = await login(hashed, 'frank-dropin');
      const dump = await hashedStore.dump();
      assert.deepEqual([...dump.keys()], [hashStoreKey(id)]);
      assert.ok([...dump.values()].every((v) => !v.includes(id)));
      for (const key of dump.keys()) assert.equal(await whoWith(hashed, `connect.sid=${encodeURIComponent(signId(key, SECRET))}`), null);
      assert.equal(await whoWith(hashed, client.cookieHeader ?? ''), 'frank-dropin');
    });
  });
}

describe('tessera/express-session opt-in options', () => {
  for (const [name, options, pattern] of [
    ['a string hashStoreKeys', { hashStoreKeys: 'true' }, /^hashStoreKeys option must be true or false/],
    ['an empty keyring', { encryption: { keys: [] } }, /^encryption\.keys must be a non-empty array/],
    ['a short key', { encryption: { keys: [{ id: 'k1', key: Buffer.alloc(16) }] } }, /^encryption\.keys\[0\]\.key is 16 bytes/],
  ] as const) {
    it(`throws a TypeError naming the option for ${name}`, () => {
      assert.throws(() => dropIn({ secret: SECRET, ...(options as unknown as ExpressSessionOptions) }), (e: unknown) => e instanceof TypeError && pattern.test(e.message));
    });
  }

  it("keeps express-session's silence about a weak secret", async () => {
    const warnings: Error[] = [];
    const listener = (w: Error): void => void warnings.push(w);
    process.on('warning', listener);
    dropIn({ secret: 'keyboard cat', resave: false, saveUninitialized: false });
    await new Promise((resolve) => setImmediate(resolve));
    process.off('warning', listener);
    assert.deepEqual(warnings.filter((w) => (w as { code?: string }).code === 'TESSERA_WEAK_SECRET'), []);
  });
});
