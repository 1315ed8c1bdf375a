// The `cookie` option (and `name`/`key`): defaults, attributes, a function of `req`,
// `secure`/`sameSite` 'auto', the path rule, and unserialisable options.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { Express } from 'express';
import type { ExpressSessionOptions } from '../../src/adapters/express-session/index.js';
import { attribute, data, eachExpress, idOf, SECRET, setCookieFor, start } from './helpers.js';

const https = { 'x-forwarded-proto': 'https' };

eachExpress((express) => {
  const routes = (app: Express) => {
    app.set('trust proxy', true);
    app.get(['/', '/admin', '/admin/page'], (req, res) => {
      res.json({ hasSession: req.session !== undefined, id: req.sessionID });
    });
    app.get('/regenerate', (req, res, next) => {
      req.session.regenerate((err) => (err ? next(err) : res.send(req.sessionID)));
    });
    app.get('/write', (req, res) => {
      data(req).x = 1;
      res.send('ok');
    });
  };
  const run = async (t: import('node:test').TestContext, options: ExpressSessionOptions, path = '/', headers: Record<string, string> = {}) => {
    const app = await start(t, express, { secret: SECRET, ...options }, routes);
    return app.client(headers).request(path);
  };

  it('defaults to connect.sid; Path=/; HttpOnly and no Expires (a browser-session cookie)', async (t) => {
    const res = await run(t, {});
    const header = setCookieFor(res.setCookies);
    assert.ok(header);
    assert.deepEqual(header.split('; ').slice(1), ['Path=/', 'HttpOnly']);
  });

  it('names the cookie with `name`, or the legacy `key`', async (t) => {
    assert.ok(setCookieFor((await run(t, { name: 'sid' })).setCookies, 'sid'));
    assert.ok(setCookieFor((await run(t, { key: 'legacy.sid' })).setCookies, 'legacy.sid'));
    assert.ok(setCookieFor((await run(t, { name: 'wins', key: 'loses' })).setCookies, 'wins'));
  });

  it('sets Expires so that Expires - Date equals maxAge exactly', async (t) => {
    const app = await start(t, express, { secret: SECRET, cookie: { maxAge: 90_000 }, rolling: true }, routes);
    const client = app.client();
    for (let i = 0; i < 5; i++) {
      const res = await client.request('/');
      const expires = Date.parse(attribute(setCookieFor(res.setCookies) ?? '', 'Expires') ?? '');
      assert.equal(expires - Date.parse(res.headers.get('date') ?? ''), 90_000);
    }
  });

  it('passes domain, sameSite, partitioned and priority through, and honours httpOnly: false', async (t) => {
    const res = await run(t, { cookie: { domain: 'example.test', sameSite: 'strict', partitioned: true, priority: 'high', httpOnly: false, secure: true } }, '/', https);
    const header = setCookieFor(res.setCookies) ?? '';
    assert.equal(attribute(header, 'Domain'), 'example.test');
    assert.equal(attribute(header, 'SameSite'), 'Strict');
    assert.equal(attribute(header, 'Partitioned'), '');
    assert.equal(attribute(header, 'Priority'), 'High');
    assert.equal(attribute(header, 'HttpOnly'), undefined);
  });

  it('takes the cookie options from a function of req, also when regenerating', async (t) => {
    const seen: string[] = [];
    const cookie = (req: import('express').Request) => {
      seen.push(req.path);
      return { maxAge: req.query.long === '1' ? 3_600_000 : 60_000 };
    };
    const app = await start(t, express, { secret: SECRET, cookie, rolling: true }, routes);
    const long = await app.client().request('/?long=1');
    const expires = Date.parse(attribute(setCookieFor(long.setCookies) ?? '', 'Expires') ?? '');
    assert.equal(expires - Date.parse(long.headers.get('date') ?? ''), 3_600_000);
    const regenerated = await app.client().request('/regenerate?long=1');
    const after = Date.parse(attribute(setCookieFor(regenerated.setCookies) ?? '', 'Expires') ?? '');
    assert.equal(after - Date.parse(regenerated.headers.get('date') ?? ''), 3_600_000, 'the regenerated cookie uses the request options');
    assert.ok(seen.includes('/'));
  });

  it('sends no cookie at all with secure: true over plain HTTP, but does over HTTPS', async (t) => {
    const plain = await run(t, { cookie: { secure: true } });
    assert.equal(plain.status, 200);
    assert.equal(setCookieFor(plain.setCookies), undefined);
    const secure = await run(t, { cookie: { secure: true } }, '/', https);
    assert.equal(attribute(setCookieFor(secure.setCookies) ?? '', 'Secure'), '');
  });

  it("makes secure: 'auto' Secure on secure requests only", async (t) => {
    assert.equal(attribute(setCookieFor((await run(t, { cookie: { secure: 'auto' } })).setCookies) ?? '', 'Secure'), undefined);
    assert.equal(attribute(setCookieFor((await run(t, { cookie: { secure: 'auto' } }, '/', https)).setCookies) ?? '', 'Secure'), '');
  });

  it("makes sameSite: 'auto' None on secure requests and Lax otherwise", async (t) => {
    const plain = setCookieFor((await run(t, { cookie: { sameSite: 'auto' } })).setCookies) ?? '';
    assert.equal(attribute(plain, 'SameSite'), 'Lax');
    const secure = setCookieFor((await run(t, { cookie: { sameSite: 'auto', secure: 'auto' } }, '/', https)).setCookies) ?? '';
    assert.equal(attribute(secure, 'SameSite'), 'None');
  });

  it('gives no session at all when cookie.path does not prefix the request path', async (t) => {
    const outside = await run(t, { cookie: { path: '/admin' } }, '/');
    assert.deepEqual(JSON.parse(outside.body), { hasSession: false });
    assert.equal(setCookieFor(outside.setCookies), undefined);
    const inside = await run(t, { cookie: { path: '/admin' } }, '/admin/page');
    assert.equal((JSON.parse(inside.body) as { hasSession: boolean }).hasSession, true);
    assert.equal(attribute(setCookieFor(inside.setCookies) ?? '', 'Path'), '/admin');
  });

  it('passes an unserialisable cookie (expires: new Date(NaN)) to next(err)', async (t) => {
    const res = await run(t, { cookie: { expires: new Date(Number.NaN) } }, '/write');
    assert.equal(res.status, 500);
    assert.match(res.body, /^error: option expires is invalid/);
    assert.equal(setCookieFor(res.setCookies), undefined);
  });

  it('uses the ID in the cookie it sends', async (t) => {
    const res = await run(t, {});
    assert.equal(idOf(setCookieFor(res.setCookies)), (JSON.parse(res.body) as { id: string }).id);
  });
});
