// req.session: its shape (enumerable data and cookie only), the middleware's "already set" and
// "sessionID replaced" rules, and regenerate / destroy / reload / save / touch with callbacks
// and as Promises.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { Express, NextFunction, Request, Response } from 'express';
import session from '../../src/adapters/express-session/index.js';
import { CountingStore, data, eachExpress, idOf, SECRET, setCookieFor, signed, start } from './helpers.js';

type Handler = (req: Request, res: Response, next: NextFunction) => unknown;

eachExpress((express) => {
  /** An app with `store`, a `/write` route, and `handler` at `/`. */
  const app = async (t: import('node:test').TestContext, handler: Handler, options: Parameters<typeof session>[0] = {}, store = new CountingStore()) => {
    const running = await start(t, express, { secret: SECRET, store, ...options }, (a: Express) => {
      a.get('/write', (req, res) => {
        data(req).n = (data(req).n ?? 0) + 1;
        res.json({ id: req.sessionID, n: data(req).n });
      });
      a.get('/', (req, res, next) => {
        Promise.resolve(handler(req, res, next)).catch(next);
      });
    });
    return { ...running, store };
  };

  it('has only the data and cookie as enumerable properties; id and methods are not', async (t) => {
    const { client } = await app(t, (req, res) => {
      data(req).user = 'ada';
      res.json({
        keys: Object.keys(req.session),
        json: JSON.parse(JSON.stringify(req.session)) as object,
        id: req.session.id === req.sessionID,
        instance: req.session instanceof session.Session,
        methods: ['regenerate', 'destroy', 'reload', 'save', 'touch', 'resetMaxAge'].every((m) => typeof (req.session as unknown as Record<string, unknown>)[m] === 'function'),
      });
    });
    const body = JSON.parse((await client().request('/')).body) as { keys: string[]; json: Record<string, unknown>; id: boolean; instance: boolean; methods: boolean };
    assert.deepEqual(body.keys.sort(), ['cookie', 'user']);
    assert.deepEqual(Object.keys(body.json).sort(), ['cookie', 'user']);
    assert.equal(body.id, true);
    assert.equal(body.instance, true);
    assert.equal(body.methods, true);
  });

  it('keeps stored keys named like methods from clobbering them, and loads createdAt/isNew/userKey as data', async (t) => {
    const store = new CountingStore();
    const id = 'stored-session-id';
    store.sessions.set(id, JSON.stringify({ cookie: { originalMaxAge: null, path: '/', httpOnly: true }, save: 'not a function', id: 'x', createdAt: 7, isNew: 'yes', userKey: 'u' }));
    const { client } = await app(t, (req, res) => {
      data(req).createdAt = (data(req).createdAt as number) + 1;
      res.json({ save: typeof req.session.save, id: req.session.id, createdAt: data(req).createdAt, isNew: data(req).isNew, userKey: data(req).userKey });
    }, {}, store);
    const res = await client().request('/', { headers: { cookie: `connect.sid=${signed(id)}` } });
    assert.deepEqual(JSON.parse(res.body), { save: 'function', id, createdAt: 8, isNew: 'yes', userKey: 'u' });
    assert.equal(store.stored(id)?.createdAt, 8, 'a data key named createdAt is saved');
  });

  it('does nothing when req.session is already set', async (t) => {
    const store = new CountingStore();
    const running = await start(t, express, { secret: SECRET, store }, (a) => a.get('/', (req, res) => res.json(req.session)), {
      before: (a) => a.use((req, _res, next) => {
        (req as unknown as { session: unknown }).session = { preset: true };
        next();
      }),
    });
    const res = await running.client().request('/');
    assert.deepEqual(JSON.parse(res.body), { preset: true });
    assert.equal(setCookieFor(res.setCookies), undefined);
    assert.deepEqual(store.calls, { get: 0, set: 0, touch: 0, destroy: 0 });
  });

  it('saves nothing and sends no cookie when req.sessionID is replaced by a non-string', async (t) => {
    const { client, store } = await app(t, (req, res) => {
      data(req).n = 1;
      (req as unknown as { sessionID: unknown }).sessionID = 42;
      res.send('ok');
    });
    const res = await client().request('/');
    assert.equal(res.status, 200);
    assert.equal(setCookieFor(res.setCookies), undefined);
    assert.equal(store.calls.set, 0);
    assert.equal(store.calls.touch, 0);
  });

  it('destroy(cb): req.session is undefined, the record is gone and no cookie is sent', async (t) => {
    const { client, store } = await app(t, (req, res, next) => {
      const id = req.sessionID;
      req.session.destroy((err) => {
        if (err) return next(err);
        res.json({ session: req.session === undefined ? 'undefined' : 'present', stored: store.sessions.has(id) });
      });
    }, { cookie: { maxAge: 60_000 }, rolling: true });
    const browser = client();
    await browser.request('/write');
    const res = await browser.request('/');
    assert.deepEqual(JSON.parse(res.body), { session: 'undefined', stored: false });
    assert.equal(setCookieFor(res.setCookies), undefined);
  });

  it('regenerate(cb): a new ID and cookie, the old record deleted, the data emptied', async (t) => {
    const { client, store } = await app(t, (req, res, next) => {
      const before = req.sessionID;
      req.session.regenerate((err) => {
        if (err) return next(err);
        res.json({ before, after: req.sessionID, sessionId: req.session.id, n: data(req).n ?? null });
      });
    });
    const browser = client();
    const { id } = JSON.parse((await browser.request('/write')).body) as { id: string };
    const res = await browser.request('/');
    const body = JSON.parse(res.body) as { before: string; after: string; sessionId: string; n: unknown };
    assert.equal(body.before, id);
    assert.notEqual(body.after, id);
    assert.equal(body.sessionId, body.after);
    assert.equal(body.n, null);
    assert.equal(idOf(setCookieFor(res.setCookies)), body.after);
    assert.equal(store.sessions.has(id), false);
    assert.equal(store.sessions.has(body.after), true);
  });

  it('regenerate({ keep: true }, cb) keeps the data under the new ID', async (t) => {
    const { client, store } = await app(t, (req, res, next) => {
      req.session.regenerate({ keep: true }, (err) => (err ? next(err) : res.json({ id: req.sessionID, n: data(req).n })));
    });
    const browser = client();
    const first = JSON.parse((await browser.request('/write')).body) as { id: string };
    const res = JSON.parse((await browser.request('/')).body) as { id: string; n: number };
    assert.notEqual(res.id, first.id);
    assert.equal(res.n, 1);
    assert.equal(store.stored(res.id)?.n, 1);
    assert.equal(store.sessions.has(first.id), false);
  });

  it('reload(cb) re-reads the store; a missing session fails with exactly "failed to load session"', async (t) => {
    const { client, store } = await app(t, (req, res, next) => {
      data(req).n = 100;
      req.session.reload((err) => {
        if (err) return next(err);
        if (req.query.drop === undefined) return res.json({ n: data(req).n });
        store.sessions.delete(req.sessionID);
        req.session.reload((err2) => res.json({ message: (err2 as Error).message }));
      });
    });
    const browser = client();
    await browser.request('/write');
    assert.deepEqual(JSON.parse((await browser.request('/')).body), { n: 1 });
    assert.deepEqual(JSON.parse((await browser.request('/?drop=1')).body), { message: 'failed to load session' });
  });

  it('survives twenty nested reloads (synchronous store callbacks)', async (t) => {
    const { client } = await app(t, (req, res, next) => {
      let depth = 0;
      const again = (err?: unknown): void => {
        if (err) return next(err);
        if (++depth > 20) return void res.json({ depth: depth - 1, n: data(req).n });
        req.session.reload(again);
      };
      again();
    }, {}, new CountingStore({ sync: true }));
    const browser = client();
    await browser.request('/write');
    assert.deepEqual(JSON.parse((await browser.request('/')).body), { depth: 20, n: 1 });
  });

  it('save(cb) means exactly one store.set for the request, also after reload', async (t) => {
    const { client, store } = await app(t, (req, res, next) => {
      req.session.reload((err) => {
        if (err) return next(err);
        data(req).n = 5;
        req.session.save((err2) => (err2 ? next(err2) : res.send('ok')));
      });
    });
    const browser = client();
    await browser.request('/write');
    store.reset();
    await browser.request('/');
    assert.equal(store.calls.set, 1);
    assert.equal(store.stored(idOf(`connect.sid=${browser.jar.get('connect.sid')}`))?.n, 5);
  });

  it('returns Promises from every method called without a callback', async (t) => {
    const { client, store } = await app(t, async (req, res) => {
      data(req).n = 9;
      await req.session.save();
      await req.session.reload();
      const loaded = data(req).n;
      await req.session.regenerate();
      const regenerated = req.sessionID;
      data(req).m = 1;
      await req.session.save();
      const stored = store.sessions.has(regenerated);
      await req.session.destroy();
      res.json({ loaded, stored, gone: !store.sessions.has(regenerated) });
    });
    assert.deepEqual(JSON.parse((await client().request('/')).body), { loaded: 9, stored: true, gone: true });
  });

  it('touch() renews the expiry from originalMaxAge', async (t) => {
    const { client } = await app(t, async (req, res) => {
      const before = req.session.cookie.expires?.getTime() ?? 0;
      await new Promise((resolve) => setTimeout(resolve, 25));
      req.session.touch();
      const after = req.session.cookie.expires?.getTime() ?? 0;
      res.json({ moved: after - before >= 25, left: req.session.cookie.maxAge });
    }, { cookie: { maxAge: 60_000 } });
    const body = JSON.parse((await client().request('/')).body) as { moved: boolean; left: number };
    assert.equal(body.moved, true);
    assert.ok(body.left > 59_000 && body.left <= 60_000);
  });

  it('a fire-and-forget save() whose store fails does not crash the process', async (t) => {
    const unhandled: unknown[] = [];
    const listener = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', listener);
    t.after(() => process.off('unhandledRejection', listener));
    const store = new CountingStore();
    store.failing.add('set');
    const { client } = await app(t, (req, res) => {
      data(req).n = 1;
      void req.session.save();
      res.send('ok');
    }, {}, store);
    const res = await client().request('/');
    assert.equal(res.status, 500, 'the end-of-request save fails too, and says so');
    await new Promise((resolve) => setTimeout(resolve, 10));
    assert.deepEqual(unhandled, []);
  });
});
