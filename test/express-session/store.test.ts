// The `store` option: express-session stores (ES classes and old-style util.inherits ones with
// synchronous callbacks, express-session's own MemoryStore), Tessera stores used directly,
// store errors, ENOENT, records without a cookie, and 'disconnect'/'connect'.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { inherits } from 'node:util';
import type { Express } from 'express';
import session, { type SessionObject } from '../../src/adapters/express-session/index.js';
import { MemoryStore as NativeMemoryStore } from '../../src/stores/memory/index.js';
import type { Store as NativeStore, StoreRecord } from '../../src/core/store.js';
import { CountingStore, data, eachExpress, realExpressSession, SECRET, setCookieFor, signed, start } from './helpers.js';

const routes = (app: Express) => {
  app.get('/write', (req, res) => {
    data(req).n = (data(req).n ?? 0) + 1;
    res.json({ id: req.sessionID, n: data(req).n });
  });
  app.get('/read', (req, res) => res.json({ id: req.sessionID ?? null, n: data(req)?.n ?? null, has: req.session !== undefined }));
  app.get('/destroy', (req, res, next) => req.session.destroy((err) => (err ? next(err) : res.send('ok'))));
};

/** An old-style express-session store: a function constructor, util.inherits, synchronous callbacks. */
interface OldStyleStore extends InstanceType<typeof session.Store> {
  map: Map<string, string>;
}
function OldStyleStore(this: OldStyleStore): void {
  session.Store.call(this);
  this.map = new Map();
}
inherits(OldStyleStore, session.Store);
Object.assign(OldStyleStore.prototype as object, {
  get(this: OldStyleStore, sid: string, cb: (err: unknown, s?: SessionObject) => void) {
    const json = this.map.get(sid);
    cb(null, json === undefined ? undefined : (JSON.parse(json) as SessionObject));
  },
  set(this: OldStyleStore, sid: string, sess: SessionObject, cb?: (err?: unknown) => void) {
    this.map.set(sid, JSON.stringify(sess));
    cb?.();
  },
  destroy(this: OldStyleStore, sid: string, cb?: (err?: unknown) => void) {
    this.map.delete(sid);
    cb?.();
  },
});
const newOldStyleStore = () => new (OldStyleStore as unknown as new () => OldStyleStore)();

/** A Tessera store that counts its calls (over the native MemoryStore). */
class CountingNativeStore implements NativeStore {
  readonly inner = new NativeMemoryStore();
  readonly calls = { get: 0, set: 0, touch: 0, delete: 0 };
  get(key: string) {
    this.calls.get++;
    return this.inner.get(key);
  }
  set(key: string, record: StoreRecord) {
    this.calls.set++;
    return this.inner.set(key, record);
  }
  touch(key: string, record: StoreRecord) {
    this.calls.touch++;
    return this.inner.touch(key, record);
  }
  delete(key: string) {
    this.calls.delete++;
    return this.inner.delete(key);
  }
}

eachExpress((express) => {
  const visitTwice = async (t: import('node:test').TestContext, store: object, options = {}) => {
    const app = await start(t, express, { secret: SECRET, store: store as never, ...options }, routes);
    const browser = app.client();
    const first = JSON.parse((await browser.request('/write')).body) as { id: string; n: number };
    const second = JSON.parse((await browser.request('/write')).body) as { id: string; n: number };
    return { first, second, app, browser };
  };

  it('works with an old-style store (Store.call + util.inherits) answering synchronously', async (t) => {
    const store = newOldStyleStore();
    assert.ok(store instanceof session.Store);
    const { first, second } = await visitTwice(t, store);
    assert.deepEqual(second, { id: first.id, n: 2 });
    assert.equal((JSON.parse(store.map.get(first.id) ?? '{}') as { n: number }).n, 2);
  });

  it('works with an ES class store and with the real express-session MemoryStore', async (t) => {
    const counting = await visitTwice(t, new CountingStore());
    assert.equal(counting.second.n, 2);
    const real = await visitTwice(t, new (realExpressSession().MemoryStore)());
    assert.deepEqual(real.second, { id: real.first.id, n: 2 });
  });

  it('uses a Tessera store directly, and throttles touches of unchanged sessions (touchAfter 60 s)', async (t) => {
    const store = new CountingNativeStore();
    const { first, browser } = await visitTwice(t, store, { resave: false, cookie: { maxAge: 3_600_000 } });
    assert.ok(await store.inner.get(first.id), 'the record is in the native store under the session ID');
    await browser.request('/read');
    await browser.request('/read');
    assert.equal(store.calls.touch, 0, 'a fresh expiry is not rewritten');
  });

  it('calls store.touch on every unchanged request for an express-session store (resave: false)', async (t) => {
    const store = new CountingStore();
    const { browser } = await visitTwice(t, store, { resave: false });
    store.reset();
    await browser.request('/read');
    await browser.request('/read');
    assert.deepEqual(store.calls, { get: 2, set: 0, touch: 2, destroy: 0 });
  });

  it('passes get errors to next(err), but reads ENOENT as "no session"', async (t) => {
    const store = new CountingStore();
    const app = await start(t, express, { secret: SECRET, store }, routes);
    const browser = app.client();
    await browser.request('/write');
    store.failing.add('get');
    const failed = await browser.request('/read');
    assert.equal(failed.status, 500);
    assert.equal(failed.body, 'error: get failed');
    store.failing.clear();
    store.get = (_sid, cb) => setImmediate(() => cb(Object.assign(new Error('no such file'), { code: 'ENOENT' })));
    const fresh = await browser.request('/read');
    assert.equal(fresh.status, 200);
    assert.equal((JSON.parse(fresh.body) as { n: unknown }).n, null);
  });

  it('treats a stored session without a cookie as a store fault', async (t) => {
    const store = new CountingStore();
    store.sessions.set('no-cookie', JSON.stringify({ n: 1 }));
    const app = await start(t, express, { secret: SECRET, store }, routes);
    const res = await app.client().request('/read', { headers: { cookie: `connect.sid=${signed('no-cookie')}` } });
    assert.equal(res.status, 500);
    assert.match(res.body, /cookie/);
  });

  it('passes set, touch and destroy errors to next(err)', async (t) => {
    const store = new CountingStore();
    const app = await start(t, express, { secret: SECRET, store, resave: false }, routes);
    const browser = app.client();
    await browser.request('/write');
    store.failing.add('set');
    assert.deepEqual([(await browser.request('/write')).status, (await browser.request('/write')).body], [500, 'error: set failed']);
    store.failing.clear();
    store.failing.add('touch');
    assert.deepEqual([(await browser.request('/read')).status, (await browser.request('/read')).body], [500, 'error: touch failed']);
    store.failing.clear();
    store.failing.add('destroy');
    assert.deepEqual([(await browser.request('/destroy')).status, (await browser.request('/destroy')).body], [500, 'error: destroy failed']);
  });

  it("switches sessions off while the store is 'disconnect'ed, and on again at 'connect'", async (t) => {
    const store = new CountingStore();
    const app = await start(t, express, { secret: SECRET, store }, routes);
    const browser = app.client();
    await browser.request('/write');
    store.emit('disconnect');
    const off = await browser.request('/read');
    assert.deepEqual(JSON.parse(off.body), { id: null, n: null, has: false });
    assert.equal(setCookieFor(off.setCookies), undefined);
    store.emit('connect');
    assert.equal((JSON.parse((await browser.request('/read')).body) as { n: number }).n, 1);
  });

  it('rejects a store without the store methods at construction', () => {
    assert.throws(() => session({ secret: SECRET, store: {} as never }), TypeError);
  });

  it('exposes the store as req.sessionStore', async (t) => {
    const store = new CountingStore();
    const app = await start(t, express, { secret: SECRET, store }, (a) => a.get('/', (req, res) => res.json(req.sessionStore === store)));
    assert.equal((await app.client().request('/')).body, 'true');
  });
});
