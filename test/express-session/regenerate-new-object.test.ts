// `regenerate` gives `req.session` a new object, as express-session does: the old object keeps
// its data and ID (passport's `keepSessionInfo` copies it across), the new one has a new ID, no
// data and a cookie. The old object is finished: nothing saves it again, over the new session
// or under its old ID. `regenerate({ keep: true })` (Tessera's) changes the ID in place.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { Express, Request } from 'express';
import session from '../../src/adapters/express-session/index.js';
import { asRealExpressSessionStore, CountingStore, data, eachExpress, idOf, realExpressSession, SECRET, setCookieFor, start } from './helpers.js';

const routes = (app: Express) => {
  app.get('/write', (req, res) => {
    data(req).cart = ['apple'];
    data(req).returnTo = '/checkout';
    res.send(req.sessionID);
  });
  app.get('/regenerate', (req: Request, res, next) => {
    const prev = req.session;
    const prevId = req.sessionID;
    req.session.regenerate((err) => {
      if (err) return next(err);
      res.json({
        sameObject: req.session === prev,
        prevData: { cart: (prev as unknown as Record<string, unknown>).cart, returnTo: (prev as unknown as Record<string, unknown>).returnTo },
        prevId: prev.id === prevId,
        newId: req.sessionID !== prevId && req.session.id === req.sessionID,
        newKeys: Object.keys(req.session),
        hasCookie: typeof req.session.cookie === 'object',
      });
    });
  });
};

eachExpress((express) => {
  it('after regenerate, req.session is a new object; the old keeps its data and ID (as express-session)', async (t) => {
    const real = realExpressSession();
    const theirStore = asRealExpressSessionStore(new CountingStore());
    const ourStore = new CountingStore();
    const theirs = await start(t, express, undefined, routes, { mount: (app) => app.use(real({ secret: SECRET, store: theirStore })) });
    const ours = await start(t, express, undefined, routes, { mount: (app) => app.use(session({ secret: SECRET, store: ourStore })) });
    const results = [];
    for (const [app, store] of [[theirs, theirStore], [ours, ourStore]] as const) {
      const client = app.client();
      const oldId = (await client.request('/write')).body;
      const res = await client.request('/regenerate');
      const newId = idOf(setCookieFor(res.setCookies));
      results.push({ body: JSON.parse(res.body) as unknown, cookie: newId !== undefined && newId !== oldId, oldGone: !store.sessions.has(oldId), newStored: store.sessions.has(newId ?? '') });
    }
    assert.deepEqual(results[0], {
      body: { sameObject: false, prevData: { cart: ['apple'], returnTo: '/checkout' }, prevId: true, newId: true, newKeys: ['cookie'], hasCookie: true },
      cookie: true,
      oldGone: true,
      newStored: true,
    });
    assert.deepEqual(results[1], results[0]);
  });

  it('the old object is not saved again: not over the new session, not under its old ID', async (t) => {
    const store = new CountingStore();
    const app = await start(t, express, { secret: SECRET, store }, (a) => {
      routes(a);
      a.get('/regenerate-then-touch-old', (req, res) => {
        const prev = req.session;
        req.session.regenerate((err) => {
          if (err) throw err;
          data(req).fresh = true;
          (prev as unknown as Record<string, unknown>).stale = 'written to the old object';
          prev.save((saveErr) => res.json({ saveFailed: saveErr instanceof Error }));
        });
      });
    });
    const client = app.client();
    const oldId = (await client.request('/write')).body;
    const res = await client.request('/regenerate-then-touch-old');
    assert.deepEqual(JSON.parse(res.body), { saveFailed: true });
    const newId = idOf(setCookieFor(res.setCookies));
    assert.ok(newId !== undefined && newId !== oldId);
    assert.equal(store.sessions.has(oldId), false, 'the old ID must stay deleted');
    const stored = store.stored(newId);
    assert.equal(stored?.fresh, true);
    assert.equal(stored?.stale, undefined);
    assert.equal(stored?.cart, undefined);
  });

  it('regenerate({ keep: true }) keeps the object and its data under a new ID', async (t) => {
    const store = new CountingStore();
    const app = await start(t, express, { secret: SECRET, store }, (a) => {
      routes(a);
      a.get('/keep', (req, res, next) => {
        const prev = req.session;
        const prevId = req.sessionID;
        req.session.regenerate({ keep: true }, (err) => (err ? next(err) : res.json({ same: req.session === prev, cart: data(req).cart, changed: req.sessionID !== prevId })));
      });
    });
    const client = app.client();
    const oldId = (await client.request('/write')).body;
    const res = await client.request('/keep');
    assert.deepEqual(JSON.parse(res.body), { same: true, cart: ['apple'], changed: true });
    assert.equal(store.sessions.has(oldId), false);
    assert.deepEqual(store.stored(idOf(setCookieFor(res.setCookies)))?.cart, ['apple']);
  });

  it('unset: "destroy" after regenerate deletes the new session’s record, as express-session', async (t) => {
    const store = new CountingStore();
    const app = await start(t, express, { secret: SECRET, store, unset: 'destroy' }, (a) => {
      routes(a);
      a.get('/regenerate-save-unset', (req, res, next) => {
        req.session.regenerate((err) => {
          if (err) return next(err);
          data(req).x = 1;
          req.session.save((saveErr) => {
            if (saveErr) return next(saveErr);
            const id = req.sessionID;
            (req as unknown as { session: unknown }).session = null;
            res.send(id);
          });
        });
      });
    });
    const client = app.client();
    await client.request('/write');
    const newId = (await client.request('/regenerate-save-unset')).body;
    assert.equal(store.sessions.has(newId), false);
  });
});
