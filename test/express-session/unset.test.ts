// The `unset` option: what `req.session = null` does to the stored session.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { Express, Request } from 'express';
import session from '../../src/adapters/express-session/index.js';
import { CountingStore, data, eachExpress, idOf, SECRET, setCookieFor, start } from './helpers.js';

const routes = (app: Express) => {
  app.get('/write', (req, res) => {
    data(req).n = 1;
    res.send(req.sessionID);
  });
  app.get('/unset', (req: Request, res) => {
    (req as unknown as { session: unknown }).session = null;
    res.send('ok');
  });
  app.get('/delete', (req: Request, res) => {
    delete (req as unknown as { session?: unknown }).session;
    res.send('ok');
  });
};

eachExpress((express) => {
  it("unset: 'destroy' deletes the stored session when req.session is set to null or deleted", async (t) => {
    for (const path of ['/unset', '/delete']) {
      const store = new CountingStore();
      const app = await start(t, express, { secret: SECRET, store, unset: 'destroy' }, routes);
      const browser = app.client();
      const id = (await browser.request('/write')).body;
      const res = await browser.request(path);
      assert.equal(store.sessions.has(id), false, path);
      assert.equal(setCookieFor(res.setCookies), undefined);
    }
  });

  it("unset: 'destroy' gives a brand-new session no cookie", async (t) => {
    const store = new CountingStore();
    const app = await start(t, express, { secret: SECRET, store, unset: 'destroy' }, routes);
    const res = await app.client().request('/unset');
    assert.equal(setCookieFor(res.setCookies), undefined);
    assert.equal(store.sessions.size, 0);
  });

  it("unset: 'keep' (the default) leaves the stored session alone", async (t) => {
    const store = new CountingStore();
    const app = await start(t, express, { secret: SECRET, store }, routes);
    const browser = app.client();
    const first = await browser.request('/write');
    const id = idOf(setCookieFor(first.setCookies));
    store.reset();
    const res = await browser.request('/unset');
    assert.equal(setCookieFor(res.setCookies), undefined);
    assert.deepEqual(store.calls, { get: 1, set: 0, touch: 0, destroy: 0 });
    assert.equal(store.stored(id)?.n, 1);
  });

  it('rejects another unset value at construction', () => {
    assert.throws(() => session({ secret: SECRET, unset: 'drop' as never }), { name: 'TypeError', message: 'unset option must be "destroy" or "keep"' });
  });
});
