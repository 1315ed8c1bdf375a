// The `rolling` option, and when an existing session's cookie is re-sent without it.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { Express } from 'express';
import { attribute, data, eachExpress, SECRET, setCookieFor, start } from './helpers.js';

const routes = (app: Express) => {
  app.get('/noop', (_req, res) => res.send('ok'));
  app.get('/write', (req, res) => {
    data(req).n = (data(req).n ?? 0) + 1;
    res.send('ok');
  });
  app.get('/maxage', (req, res) => {
    req.session.cookie.maxAge = 5000;
    res.send('ok');
  });
  app.get('/epoch', (req, res) => {
    req.session.cookie.expires = new Date(0);
    res.send('ok');
  });
  app.get('/original', (req, res) => res.json(req.session.cookie.originalMaxAge));
};

eachExpress((express) => {
  it('rolling: true re-sends the cookie on every response, renewing Expires', async (t) => {
    const app = await start(t, express, { secret: SECRET, rolling: true, cookie: { maxAge: 60_000 } }, routes);
    const browser = app.client();
    await browser.request('/write');
    const res = await browser.request('/noop');
    const header = setCookieFor(res.setCookies) ?? '';
    assert.equal(Date.parse(attribute(header, 'Expires') ?? '') - Date.parse(res.headers.get('date') ?? ''), 60_000);
  });

  it('without rolling, re-sends the cookie only if it has an expiry and the data changed', async (t) => {
    const expiring = await start(t, express, { secret: SECRET, cookie: { maxAge: 60_000 } }, routes);
    const a = expiring.client();
    await a.request('/write');
    assert.equal(setCookieFor((await a.request('/noop')).setCookies), undefined);
    assert.ok(setCookieFor((await a.request('/write')).setCookies));
    const browserSession = await start(t, express, { secret: SECRET }, routes);
    const b = browserSession.client();
    await b.request('/write');
    assert.equal(setCookieFor((await b.request('/write')).setCookies), undefined, 'a browser-session cookie is not re-sent for a change');
  });

  it('setting cookie.maxAge on a loaded session moves Expires; expires = new Date(0) sets it absolutely', async (t) => {
    const app = await start(t, express, { secret: SECRET, rolling: true, cookie: { maxAge: 60_000 } }, routes);
    const browser = app.client();
    await browser.request('/write');
    const moved = await browser.request('/maxage');
    const expires = Date.parse(attribute(setCookieFor(moved.setCookies) ?? '', 'Expires') ?? '');
    assert.equal(expires - Date.parse(moved.headers.get('date') ?? ''), 5000);
    const epoch = await browser.request('/epoch');
    assert.equal(attribute(setCookieFor(epoch.setCookies) ?? '', 'Expires'), 'Thu, 01 Jan 1970 00:00:00 GMT');
  });

  it('keeps cookie.originalMaxAge at the configured value on every request (stores returning expires as a string)', async (t) => {
    const app = await start(t, express, { secret: SECRET, cookie: { maxAge: 60_000 } }, routes);
    const browser = app.client();
    await browser.request('/write');
    for (let i = 0; i < 3; i++) assert.equal((await browser.request('/original')).body, '60000');
  });
});
