// Byte-compatible cookies and shared stores: a cookie set by the real express-session is
// accepted by the drop-in (same secret, same store) and the other way round, so an app can
// switch in either direction without logging anybody out.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { Express } from 'express';
import session from '../../src/adapters/express-session/index.js';
import { data, eachExpress, idOf, realExpressSession, SECRET, setCookieFor, start } from './helpers.js';

const real = realExpressSession();

eachExpress((express) => {
  const routes = (app: Express) => {
    app.get('/visit', (req, res) => {
      data(req).views = (data(req).views ?? 0) + 1;
      res.json({ id: req.sessionID, views: data(req).views });
    });
  };
  const options = { secret: SECRET, resave: false, saveUninitialized: false, rolling: true, cookie: { maxAge: 60_000 } };

  it('accepts a cookie and session made by express-session, and vice versa', async (t) => {
    const store = new real.MemoryStore();
    const theirs = await start(t, express, undefined, routes, { mount: (app) => app.use(real({ ...options, store })) });
    const ours = await start(t, express, { ...options, store: store as never }, routes);
    const browser = theirs.client();

    const first = await browser.request('/visit');
    const theirCookie = setCookieFor(first.setCookies);
    const id = (JSON.parse(first.body) as { id: string }).id;
    assert.equal(idOf(theirCookie), id);

    const second = await browser.request(`${ours.url}/visit`);
    assert.deepEqual(JSON.parse(second.body), { id, views: 2 }, 'the drop-in loads the express-session session');
    const ourCookie = setCookieFor(second.setCookies);
    // Same id, same secret: the cookie value is the same bytes (only Expires moved on).
    assert.equal(ourCookie?.split(';')[0], theirCookie?.split(';')[0]);

    const third = await browser.request('/visit');
    assert.deepEqual(JSON.parse(third.body), { id, views: 3 }, 'express-session loads what the drop-in saved');
  });

  it('produces the same Set-Cookie attributes as express-session for the same options', async (t) => {
    const cookie = { maxAge: 60_000, sameSite: 'strict' as const, domain: 'example.test', path: '/', httpOnly: true };
    const theirs = await start(t, express, undefined, routes, { mount: (app) => app.use(real({ secret: SECRET, cookie, resave: true, saveUninitialized: true })) });
    const ours = await start(t, express, { secret: SECRET, cookie }, routes);
    const attributes = (header: string | undefined) => header?.split('; ').slice(1).map((a) => a.split('=')[0]);
    const a = setCookieFor((await theirs.client().request('/visit')).setCookies);
    const b = setCookieFor((await ours.client().request('/visit')).setCookies);
    assert.deepEqual(attributes(b), attributes(a));
  });

  it('reads sessions of a drop-in app from session.MemoryStore through store.load like express-session', async (t) => {
    const store = new session.MemoryStore();
    const ours = await start(t, express, { secret: SECRET, store }, routes);
    const res = await ours.client().request('/visit');
    const { id } = JSON.parse(res.body) as { id: string };
    const loaded = await store.load(id);
    assert.equal((loaded as unknown as Record<string, unknown>).views, 1);
    assert.equal(loaded?.id, id);
  });
});
