// A flood of cookieless visitors against the drop-in with express-session's defaults
// (`resave: true`, `saveUninitialized: true`, so every visitor gets a stored session) and a
// bounded `session.MemoryStore`: more new visitors than `maxSessions` must not log anyone out.
// Sessions nothing was written to are evicted first; a logged-in session only when nothing else
// is left. And the store is bounded by bytes as well as by count.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { Express } from 'express';
import session from '../../src/adapters/express-session/index.js';
import { data, eachExpress, start } from './helpers.js';

const SECRET = 'keyboard cat';
const USERS = 20;
const MAX_SESSIONS = 200;
/** More cookieless requests than the store holds sessions. */
const FLOOD = MAX_SESSIONS + 60;

const routes = (app: Express) => {
  app.get('/', (req, res) => res.send(`hello ${String(data(req).user ?? 'stranger')}`));
  app.post('/login/:name', (req, res) => {
    data(req).user = req.params.name;
    res.send('ok');
  });
  // The way passport >= 0.6 logs in: a new session, then the user written to it.
  app.post('/login-regenerate/:name', (req, res, next) => {
    req.session.regenerate((err) => {
      if (err) return next(err);
      data(req).user = req.params.name;
      res.send('ok');
    });
  });
  app.get('/blob/:n', (req, res) => {
    data(req).blob = 'x'.repeat(Number(req.params.n));
    res.send('ok');
  });
};

/** A subclass overriding `get`: the middleware then calls the store's own methods, express-session's way. */
class SubclassedStore extends session.MemoryStore {
  override get(sid: string, callback?: any): any {
    return super.get(sid, callback);
  }
}

const stores = {
  'session.MemoryStore': () => new session.MemoryStore({ maxSessions: MAX_SESSIONS, sweepInterval: 0 }),
  'a subclass of session.MemoryStore (called through its methods)': () => new SubclassedStore({ maxSessions: MAX_SESSIONS, sweepInterval: 0 }),
};

eachExpress((express) => {
  for (const [kind, makeStore] of Object.entries(stores)) {
    it(`${kind}: ${FLOOD} cookieless requests do not evict ${USERS} logged-in sessions (maxSessions ${MAX_SESSIONS})`, async (t) => {
      const store = makeStore();
      const app = await start(t, express, { secret: SECRET, store }, routes);
      const users = Array.from({ length: USERS }, (_, i) => ({ name: `user${i}`, client: app.client() }));
      for (const [i, { name, client }] of users.entries()) {
        assert.equal((await client.request('/')).body, 'hello stranger');
        const how = i % 2 === 0 ? 'login' : 'login-regenerate';
        assert.equal((await client.request(`/${how}/${name}`, { method: 'POST' })).body, 'ok');
        assert.equal((await client.request('/')).body, `hello ${name}`);
      }
      // The flood: every request without a cookie, so each one is a new stored session.
      for (let batch = 0; batch < FLOOD / 10; batch++) {
        await Promise.all(
          Array.from({ length: 10 }, async () => {
            const res = await fetch(`${app.url}/`);
            assert.equal(res.status, 200);
            assert.equal(res.headers.getSetCookie().length, 1, 'each flood request got a session of its own');
            await res.arrayBuffer();
          }),
        );
      }
      assert.ok((await store.length()) <= MAX_SESSIONS, `store length ${await store.length()}`);
      for (const { name, client } of users) assert.equal((await client.request('/')).body, `hello ${name}`, `${name} is still logged in`);
    });
  }

  it('a logged-in session is evicted only when nothing else is left', async (t) => {
    const store = new session.MemoryStore({ maxSessions: 3, sweepInterval: 0 });
    const app = await start(t, express, { secret: SECRET, store }, routes);
    const clients = [app.client(), app.client(), app.client(), app.client()];
    for (const [i, client] of clients.entries()) await client.request(`/login/u${i}`, { method: 'POST' });
    // Four logged-in sessions in a store of three: the least recently used one went.
    assert.equal((await clients[0]!.request('/')).body, 'hello stranger');
    assert.equal((await clients[3]!.request('/')).body, 'hello u3');
  });

  it('session.MemoryStore({ maxBytes }) bounds the bytes held, and rejects a bad maxBytes with a TypeError', async (t) => {
    assert.throws(() => new session.MemoryStore({ maxBytes: -1 }), (e: unknown) => e instanceof TypeError && e.message.includes('maxBytes'));
    const store = new session.MemoryStore({ maxBytes: 64 * 1024, sweepInterval: 0 });
    const app = await start(t, express, { secret: SECRET, store }, routes);
    const user = app.client();
    await user.request('/login/alice', { method: 'POST' });
    for (let i = 0; i < 100; i++) {
      assert.equal((await app.client().request('/blob/2000')).body, 'ok');
    }
    const all = await store.all();
    const bytes = Object.entries(all).reduce((sum, [sid, sess]) => sum + sid.length + Buffer.byteLength(JSON.stringify(sess)), 0);
    assert.ok(bytes <= 64 * 1024, `${bytes} bytes held`);
    assert.ok(Object.keys(all).length >= 20, `${Object.keys(all).length} sessions kept`);
  });
});
