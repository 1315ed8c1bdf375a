// Cookie path matching (RFC 6265 §5.1.4): with `cookie.path: '/admin'`, `/admin`, `/admin/` and
// `/admin/x` get a session and a cookie; `/administrator` (a string prefix, not a path match)
// gets neither, and a cookie the client sends there is not even looked up in the store.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { Express } from 'express';
import { CountingStore, eachExpress, SECRET, setCookieFor, start } from './helpers.js';

eachExpress((express) => {
  const routes = (app: Express) => {
    app.get(['/admin', '/admin/', '/admin/x', '/administrator', '/admin-x'], (req, res) => {
      res.json({ hasSession: req.session !== undefined });
    });
  };

  for (const path of ['/admin', '/admin/', '/admin/x']) {
    it(`cookie.path '/admin' matches ${path}: a session and a cookie`, async (t) => {
      const app = await start(t, express, { secret: SECRET, cookie: { path: '/admin' } }, routes);
      const res = await app.client().request(path);
      assert.deepEqual(JSON.parse(res.body), { hasSession: true });
      assert.match(setCookieFor(res.setCookies) ?? '', /Path=\/admin(;|$)/);
    });
  }

  for (const path of ['/administrator', '/admin-x']) {
    it(`cookie.path '/admin' does not match ${path}: no session, no cookie, no store call`, async (t) => {
      const store = new CountingStore();
      const app = await start(t, express, { secret: SECRET, store, cookie: { path: '/admin' } }, routes);
      const client = app.client();
      await client.request('/admin'); // the client now holds a cookie for the session
      store.reset();
      const res = await client.request(path, { headers: { cookie: client.cookieHeader ?? '' } });
      assert.deepEqual(JSON.parse(res.body), { hasSession: false });
      assert.equal(setCookieFor(res.setCookies), undefined);
      assert.deepEqual(store.calls, { get: 0, set: 0, touch: 0, destroy: 0 });
    });
  }

  it('a cookie function’s path is matched the same way', async (t) => {
    const app = await start(t, express, { secret: SECRET, cookie: () => ({ path: '/admin' }) }, routes);
    assert.deepEqual(JSON.parse((await app.client().request('/admin/x')).body), { hasSession: true });
    assert.deepEqual(JSON.parse((await app.client().request('/administrator')).body), { hasSession: false });
  });
});
