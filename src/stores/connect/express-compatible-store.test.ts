import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, it } from 'node:test';
import express from 'express';
import session from 'express-session';
import request from 'supertest';
import { isTesseraError } from '../../core/errors.js';
import type { Store, StoreRecord } from '../../core/store.js';
import { MemoryStore } from '../memory/index.js';
import { toExpressSessionStore, type ExpressCompatibleStore, type ExpressCompatibleStoreOptions } from './index.js';

const SECRET = 'compat secret';
const HOUR = 3_600_000;

/** An app on the real express-session middleware with a Tessera store behind it. */
function appWith(store: ExpressCompatibleStore, cookie: session.CookieOptions = { maxAge: HOUR }): express.Express {
  const app = express();
  app.use(session({ store, secret: SECRET, resave: false, saveUninitialized: false, cookie }));
  type Data = { views?: number };
  app.get('/visit', (req, res) => {
    const data = req.session as unknown as Data;
    data.views = (data.views ?? 0) + 1;
    res.json({ sid: req.sessionID, views: data.views });
  });
  app.get('/peek', (req, res) => res.json({ sid: req.sessionID, views: (req.session as unknown as Data).views ?? null }));
  app.get('/regenerate', (req, res, next) => req.session.regenerate((err) => (err ? next(err) : res.json({ sid: req.sessionID }))));
  app.get('/destroy', (req, res, next) => req.session.destroy((err) => (err ? next(err) : res.json({ ok: true }))));
  app.get('/reload', (req, res, next) =>
    req.session.reload((err) => (err ? next(err) : res.json({ views: (req.session as unknown as Data).views ?? null }))),
  );
  return app;
}

/** express-session's signed cookie for `sid`: "s:" + sid + "." + base64 HMAC-SHA256, unpadded. */
function signedCookie(sid: string): string {
  const signature = createHmac('sha256', SECRET).update(sid).digest('base64').replace(/=+$/, '');
  return `connect.sid=${encodeURIComponent(`s:${sid}.${signature}`)}`;
}

/** A native store with only the Store contract (no all/clear), over Tessera's MemoryStore. */
function contractOnly(inner: Store): Store {
  return {
    get: (k) => inner.get(k),
    set: (k, r) => inner.set(k, r),
    touch: (k, r) => inner.touch(k, r),
    delete: (k) => inner.delete(k),
  };
}

const call = <T>(run: (cb: (error?: unknown, result?: T) => void) => void): Promise<T | undefined> =>
  new Promise((resolve, reject) => run((error, result) => (error ? reject(error) : resolve(result))));

describe('toExpressSessionStore with the real express-session middleware', () => {
  it('keeps a session across requests, stored as express-session JSON with the cookie expiry', async () => {
    const native = new MemoryStore();
    const agent = request.agent(appWith(toExpressSessionStore(native)));
    const first = await agent.get('/visit').expect(200);
    assert.match(String(first.headers['set-cookie']), /connect\.sid=s%3A/);
    const { body } = await agent.get('/visit').expect(200);
    assert.deepEqual(body, { sid: first.body.sid, views: 2 });

    const record = await native.get(body.sid);
    assert.ok(record !== undefined);
    const stored = JSON.parse(record.value);
    assert.equal(stored.views, 2);
    assert.equal(typeof stored.cookie.expires, 'string');
    assert.equal(record.expiresAt, Date.parse(stored.cookie.expires));
    assert.ok(Math.abs(record.expiresAt - (Date.now() + HOUR)) < 5000);
  });

  it('touches an unchanged session, moving its expiry without rewriting it', async () => {
    const native = new MemoryStore();
    const agent = request.agent(appWith(toExpressSessionStore(native)));
    const { body } = await agent.get('/visit').expect(200);
    const before = await native.get(body.sid);
    await new Promise((r) => setTimeout(r, 5));
    await agent.get('/peek').expect(200, { sid: body.sid, views: 1 });
    const after = await native.get(body.sid);
    assert.ok(before && after && after.expiresAt > before.expiresAt, 'expiry moved forward');
    assert.equal(after.value, before.value, 'value untouched');
  });

  it('regenerates, destroys and reloads through the store', async () => {
    const native = new MemoryStore();
    const agent = request.agent(appWith(toExpressSessionStore(native)));
    const { body: visited } = await agent.get('/visit').expect(200);
    await agent.get('/reload').expect(200, { views: 1 });
    const { body: regenerated } = await agent.get('/regenerate').expect(200);
    assert.notEqual(regenerated.sid, visited.sid);
    assert.equal(await native.get(visited.sid), undefined, 'the old session is gone');
    const { body } = await agent.get('/visit').expect(200);
    assert.deepEqual(body, { sid: regenerated.sid, views: 1 });
    await agent.get('/destroy').expect(200);
    assert.equal(await native.get(regenerated.sid), undefined);
  });

  it('serves a session Tessera wrote, keeping its metadata when express-session saves it', async () => {
    const native = new MemoryStore();
    const sid = 'written-by-tessera';
    const expires = new Date(Date.now() + HOUR);
    const value = JSON.stringify({
      cookie: { originalMaxAge: HOUR, expires: expires.toISOString(), httpOnly: true, path: '/' },
      views: 9,
      __tessera: { v: 1, createdAt: 1 },
    });
    await native.set(sid, { value, expiresAt: expires.getTime() });
    const { body } = await request(appWith(toExpressSessionStore(native))).get('/visit').set('Cookie', signedCookie(sid)).expect(200);
    assert.deepEqual(body, { sid, views: 10 });
    const stored = JSON.parse((await native.get(sid))?.value ?? '{}');
    assert.deepEqual([stored.views, stored.__tessera], [10, { v: 1, createdAt: 1 }]);
  });

  it('starts a new session when the stored record has expired', async () => {
    const native = new MemoryStore();
    await native.set('old', { value: JSON.stringify({ cookie: { expires: null }, views: 5 }), expiresAt: Date.now() + 30 });
    await new Promise((r) => setTimeout(r, 40));
    const { body } = await request(appWith(toExpressSessionStore(native))).get('/visit').set('Cookie', signedCookie('old')).expect(200);
    assert.equal(body.views, 1);
    assert.notEqual(body.sid, 'old');
  });
});

describe('toExpressSessionStore', () => {
  const sess = (expires: Date | string | null, data: Record<string, unknown> = {}): session.SessionData =>
    ({ cookie: { originalMaxAge: HOUR, expires, httpOnly: true, path: '/' }, ...data }) as unknown as session.SessionData;

  it('throws a TypeError naming what is wrong', () => {
    const native = new MemoryStore();
    assert.throws(() => toExpressSessionStore({} as Store), /no get\(\) method/);
    for (const [name, options] of [
      ['defaultTtl', { defaultTtl: 0 }],
      ['timeout', { timeout: Number.NaN }],
      ['clock', { clock: 5 }],
      ['userKey', { userKey: 'id' }],
    ] as const) {
      assert.throws(() => toExpressSessionStore(native, options as unknown as ExpressCompatibleStoreOptions), new RegExp(`\`${name}\``));
    }
  });

  it('stores JSON.stringify(session) until cookie.expires, or now + defaultTtl without one', async () => {
    const now = 1_900_000_000_000;
    const native = new MemoryStore({ clock: () => now });
    const store = toExpressSessionStore(native, { clock: () => now, defaultTtl: 1000 });
    const expires = new Date(now + 5000);
    await call<void>((cb) => store.set('dated', sess(expires, { a: 1 }), cb));
    assert.deepEqual(await native.get('dated'), { value: JSON.stringify(sess(expires, { a: 1 })), expiresAt: now + 5000, version: 1 });
    await call<void>((cb) => store.set('string-dated', sess(expires.toISOString()), cb));
    assert.equal((await native.get('string-dated'))?.expiresAt, now + 5000);
    await call<void>((cb) => store.set('browser-session', sess(null), cb));
    assert.equal((await native.get('browser-session'))?.expiresAt, now + 1000);
  });

  it('reads a session back with cookie.expires as a string, and null for missing or unreadable records', async () => {
    const native = new MemoryStore();
    const store = toExpressSessionStore(native);
    const expires = new Date(Date.now() + HOUR);
    await call<void>((cb) => store.set('s', sess(expires, { cart: ['x'] }), cb));
    assert.deepEqual(await call((cb) => store.get('s', cb)), JSON.parse(JSON.stringify(sess(expires, { cart: ['x'] }))));
    assert.equal(await call((cb) => store.get('missing', cb)), null);
    for (const value of ['not json', '{"no":"cookie"}', '[1]', 'null']) {
      await native.set('odd', { value, expiresAt: Date.now() + HOUR });
      assert.equal(await call((cb) => store.get('odd', cb)), null, value);
    }
  });

  it('load builds an express-session Session with a live Cookie, keeping originalMaxAge', async () => {
    const store = toExpressSessionStore(new MemoryStore());
    const expires = new Date(Date.now() + 600_000);
    await call<void>((cb) => store.set('s', sess(expires, { views: 3 }), cb));
    const loaded = (await call<session.SessionData>((cb) => store.load('s', cb))) as unknown as session.Session & { views: number };
    assert.ok(loaded instanceof session.Session);
    assert.ok(loaded.cookie instanceof session.Cookie);
    assert.equal(loaded.id, 's');
    assert.equal(loaded.views, 3);
    assert.ok(loaded.cookie.expires instanceof Date && loaded.cookie.expires.getTime() === expires.getTime());
    assert.equal(loaded.cookie.originalMaxAge, HOUR, 'the lifetime, not the time left');
    assert.equal(await call((cb) => store.load('missing', cb)), undefined);
  });

  it('gives express-session all/length/clear when the native store can enumerate, and not otherwise', async () => {
    const native = new MemoryStore();
    const store = toExpressSessionStore(native);
    await call<void>((cb) => store.set('a', sess(new Date(Date.now() + HOUR), { n: 1 }), cb));
    await call<void>((cb) => store.set('b', sess(new Date(Date.now() + HOUR), { n: 2 }), cb));
    const all = await call<Record<string, { n: number }>>((cb) => store.all?.(cb as never));
    assert.deepEqual(Object.keys(all ?? {}).sort(), ['a', 'b']);
    assert.equal(all?.b?.n, 2);
    assert.equal(await call<number>((cb) => store.length?.(cb)), 2);
    await call<void>((cb) => store.clear?.(cb));
    assert.equal(await call<number>((cb) => store.length?.(cb)), 0);

    const plain = toExpressSessionStore(contractOnly(native));
    assert.equal(typeof plain.all, 'undefined');
    assert.equal(typeof plain.length, 'undefined');
    assert.equal(typeof plain.clear, 'undefined');
  });

  it('sets the record user key from the userKey option, for listByUser/deleteByUser', async () => {
    const native = new MemoryStore();
    const store = toExpressSessionStore(native, { userKey: (s) => (s as unknown as { userId?: string }).userId });
    await call<void>((cb) => store.set('s1', sess(new Date(Date.now() + HOUR), { userId: 'ann' }), cb));
    await call<void>((cb) => store.set('s2', sess(new Date(Date.now() + HOUR)), cb));
    assert.deepEqual(await native.listByUser('ann'), ['s1']);
    assert.equal((await native.get('s2'))?.userKey, undefined);
  });

  it('reports native failures and timeouts to the callback as StoreErrors', async () => {
    const boom = new Error('disk full');
    const failing: Store = {
      get: () => Promise.reject(boom),
      set: () => Promise.reject(boom),
      touch: () => Promise.reject(boom),
      delete: () => new Promise<void>(() => undefined),
    };
    const store = toExpressSessionStore(failing, { timeout: 50 });
    const keepAlive = setInterval(() => undefined, 1000); // the deadline timer is unref'd
    try {
      const expect = (operation: string, code: 'ERR_STORE_FAILED' | 'ERR_STORE_TIMEOUT') => (error: unknown) => {
        assert.ok(isTesseraError(error, code), String(error));
        assert.equal((error as { operation?: string }).operation, operation);
        return true;
      };
      await assert.rejects(call((cb) => store.get('k', cb)), expect('get', 'ERR_STORE_FAILED'));
      await assert.rejects(call((cb) => store.set('k', sess(null), cb)), expect('set', 'ERR_STORE_FAILED'));
      await assert.rejects(call((cb) => store.touch('k', sess(null), cb)), expect('touch', 'ERR_STORE_FAILED'));
      await assert.rejects(call((cb) => store.destroy('k', cb)), expect('delete', 'ERR_STORE_TIMEOUT'));
    } finally {
      clearInterval(keepAlive);
    }
  });

  it('records what the native store receives on touch: the current JSON and the new expiry', async () => {
    const touches: Array<[string, StoreRecord]> = [];
    const inner = new MemoryStore();
    const store = toExpressSessionStore({ ...contractOnly(inner), touch: async (k, r) => void touches.push([k, r]) });
    const expires = new Date(Date.now() + 777_000);
    await call<void>((cb) => store.touch('t', sess(expires, { x: 1 }), cb));
    assert.deepEqual(touches, [['t', { value: JSON.stringify(sess(expires, { x: 1 })), expiresAt: expires.getTime() }]]);
  });
});
