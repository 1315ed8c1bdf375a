// session.Store, the base class of express-session stores: an EventEmitter constructor that
// works with `class extends` and `Store.call(this)`, and its regenerate / load / createSession,
// with callbacks or Promises, with stores that call back synchronously.
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { describe, it } from 'node:test';
import session from '../../src/adapters/express-session/index.js';
import { CountingStore, data, eachExpress, SECRET, setCookieFor, idOf, start } from './helpers.js';

const stored = (n: number) => ({ cookie: { originalMaxAge: 60_000, expires: new Date(Date.now() + 30_000).toISOString(), httpOnly: true, path: '/' }, n });

describe('session.Store', () => {
  it('is an EventEmitter constructor callable the old way', () => {
    const store = new session.Store();
    assert.ok(store instanceof EventEmitter);
    const target = Object.create(session.Store.prototype) as InstanceType<typeof session.Store>;
    session.Store.call(target);
    assert.equal(typeof target.on, 'function');
    assert.equal(target.listenerCount('x'), 0);
  });

  it('load() builds a live Session (Date expires, originalMaxAge kept), or nothing', async () => {
    for (const sync of [false, true]) {
      const store = new CountingStore({ sync });
      store.sessions.set('s1', JSON.stringify(stored(1)));
      const loaded = await new Promise<InstanceType<typeof session.Session> | undefined>((resolve, reject) =>
        store.load('s1', (err, s) => (err ? reject(err) : resolve(s))),
      );
      assert.ok(loaded instanceof session.Session);
      assert.equal(loaded.id, 's1');
      assert.ok(loaded.cookie.expires instanceof Date);
      assert.equal(loaded.cookie.originalMaxAge, 60_000);
      assert.equal((loaded as unknown as { n: number }).n, 1);
      assert.equal(await store.load('missing'), undefined, 'a Promise without a callback');
    }
  });

  it('load() reports store errors and records without a cookie', async () => {
    const store = new CountingStore();
    store.failing.add('get');
    await assert.rejects(store.load('x'), /get failed/);
    store.failing.clear();
    store.sessions.set('bad', JSON.stringify({ n: 1 }));
    await assert.rejects(store.load('bad'), /cookie/);
  });
});

eachExpress((express) => {
  it('regenerate(req, cb) on the store gives the request a new session and destroys the old one', async (t) => {
    const store = new CountingStore({ sync: true });
    const app = await start(t, express, { secret: SECRET, store }, (a) => {
      a.get('/write', (req, res) => {
        data(req).n = 1;
        res.send(req.sessionID);
      });
      a.get('/store-regenerate', (req, res, next) => {
        const old = req.sessionID;
        store.regenerate(req, (err) => (err ? next(err) : res.json({ old, now: req.sessionID, n: data(req).n ?? null })));
      });
    });
    const browser = app.client();
    const id = (await browser.request('/write')).body;
    const res = await browser.request('/store-regenerate');
    const body = JSON.parse(res.body) as { old: string; now: string; n: unknown };
    assert.equal(body.old, id);
    assert.notEqual(body.now, id);
    assert.equal(body.n, null);
    assert.equal(store.sessions.has(id), false);
    assert.equal(idOf(setCookieFor(res.setCookies)), body.now);
    assert.ok(store.sessions.has(body.now));
  });
});
