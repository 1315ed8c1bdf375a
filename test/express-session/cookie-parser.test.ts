// Interop with cookie-parser: the session ID may come from req.signedCookies or a signed value
// in req.cookies; unsigned or forged values there are rejected; req.secret supplies the secret.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { it } from 'node:test';
import type { Express, RequestHandler } from 'express';
import { data, eachExpress, idOf, SECRET, setCookieFor, signed, start } from './helpers.js';

const require = createRequire(import.meta.url);
const cookieParser = require('cookie-parser') as (secret?: string | string[]) => RequestHandler;

/** Leaves the ID only where cookie-parser put it, as when a proxy strips the raw header. */
const dropCookieHeader: RequestHandler = (req, _res, next) => {
  delete req.headers.cookie;
  next();
};

eachExpress((express) => {
  const routes = (app: Express) => {
    app.get('/', (req, res) => {
      data(req).n = (data(req).n ?? 0) + 1;
      res.json({ id: req.sessionID, n: data(req).n });
    });
  };
  const body = (text: string) => JSON.parse(text) as { id: string; n: number };

  it('reads the ID from req.signedCookies', async (t) => {
    const app = await start(t, express, { secret: SECRET }, routes, { before: (a) => a.use(cookieParser(SECRET), dropCookieHeader) });
    const client = app.client();
    const first = body((await client.request('/')).body);
    const second = body((await client.request('/')).body);
    assert.deepEqual(second, { id: first.id, n: 2 });
  });

  it('reads a signed value from req.cookies and rejects unsigned or forged ones', async (t) => {
    // cookie-parser without a secret leaves signed values in req.cookies as they are.
    const app = await start(t, express, { secret: SECRET }, routes, { before: (a) => a.use(cookieParser(), dropCookieHeader) });
    const client = app.client();
    const { id } = body((await client.request('/')).body);
    const again = body((await client.request('/')).body);
    assert.deepEqual(again, { id, n: 2 });
    const unsigned = body((await app.client().request('/', { headers: { cookie: `connect.sid=${id}` } })).body);
    assert.notEqual(unsigned.id, id);
    assert.equal(unsigned.n, 1);
    const forged = body((await app.client().request('/', { headers: { cookie: `connect.sid=${signed(id, 'wrong secret')}` } })).body);
    assert.notEqual(forged.id, id);
    assert.equal(forged.n, 1);
  });

  it("uses cookie-parser's req.secret when the secret option is missing", async (t) => {
    const app = await start(t, express, {}, routes, { before: (a) => a.use(cookieParser('parser secret')) });
    const client = app.client();
    const res = await client.request('/');
    assert.equal(res.status, 200);
    const header = setCookieFor(res.setCookies);
    const id = idOf(header);
    assert.ok(id && header?.startsWith(`connect.sid=${signed(id, 'parser secret')};`));
    assert.equal(body((await client.request('/')).body).n, 2);
  });
});
