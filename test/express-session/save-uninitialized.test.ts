// The `saveUninitialized` option: whether a new session nothing was written to is stored and
// given a cookie (default true).
import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { Express } from 'express';
import { CountingStore, data, eachExpress, SECRET, setCookieFor, start } from './helpers.js';

const routes = (app: Express) => {
  app.get('/noop', (_req, res) => res.send('ok'));
  app.get('/write', (req, res) => {
    data(req).n = 1;
    res.send('ok');
  });
  app.get('/nested', (req, res) => {
    data(req).prefs = { cookie: { consent: true } };
    res.send('ok');
  });
};

eachExpress((express) => {
  it('defaults to true: an untouched new session is stored and gets a cookie', async (t) => {
    const store = new CountingStore();
    const app = await start(t, express, { secret: SECRET, store }, routes);
    const res = await app.client().request('/noop');
    assert.ok(setCookieFor(res.setCookies));
    assert.equal(store.calls.set, 1);
  });

  it('false: an untouched new session is neither saved, touched nor given a cookie, even with rolling', async (t) => {
    const store = new CountingStore();
    const app = await start(t, express, { secret: SECRET, store, saveUninitialized: false, rolling: true, resave: false }, routes);
    const res = await app.client().request('/noop');
    assert.equal(setCookieFor(res.setCookies), undefined);
    assert.deepEqual(store.calls, { get: 0, set: 0, touch: 0, destroy: 0 });
  });

  it('false: a new session that was written to is stored and gets a cookie', async (t) => {
    const store = new CountingStore();
    const app = await start(t, express, { secret: SECRET, store, saveUninitialized: false }, routes);
    const res = await app.client().request('/write');
    assert.ok(setCookieFor(res.setCookies));
    assert.equal(store.calls.set, 1);
  });

  it('false: data holding a nested key named cookie still counts as a change', async (t) => {
    const store = new CountingStore();
    const app = await start(t, express, { secret: SECRET, store, saveUninitialized: false }, routes);
    const res = await app.client().request('/nested');
    assert.ok(setCookieFor(res.setCookies));
    assert.equal(store.calls.set, 1);
  });
});
