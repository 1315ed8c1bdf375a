// The `secret` option: cookie signing in express-session's format, rotation, Buffers, `[]`
// rejected at construction, and a missing secret reported per request.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import session from '../../src/adapters/express-session/index.js';
import { data, eachExpress, idOf, SECRET, setCookieFor, signed, start } from './helpers.js';

eachExpress((express) => {
  const counter = (app: import('express').Express) =>
    app.get('/', (req, res) => {
      data(req).n = (data(req).n ?? 0) + 1;
      res.send(String(data(req).n));
    });

  it('signs the cookie as s:<id>.<HMAC-SHA256 base64 without padding>, URL-encoded', async (t) => {
    const app = await start(t, express, { secret: SECRET }, counter);
    const res = await app.client().request('/');
    const header = setCookieFor(res.setCookies);
    const id = idOf(header);
    assert.ok(id);
    assert.ok(header?.startsWith(`connect.sid=${signed(id)};`), header);
  });

  it('signs with the first secret and accepts a cookie signed by any of them (rotation)', async (t) => {
    const shared = new session.MemoryStore();
    const before = await start(t, express, { secret: SECRET, store: shared }, counter);
    // `rolling` makes the app re-send the cookie, so its signature can be checked.
    const after = await start(t, express, { secret: ['new secret', SECRET], store: shared, rolling: true }, counter);
    const client = before.client();
    await client.request('/');
    const sid = idOf(`connect.sid=${client.jar.get('connect.sid')}`);
    assert.ok(sid);
    const res = await client.request(`${after.url}/`);
    assert.equal(res.body, '2', 'the session signed with the old secret is loaded');
    assert.ok(setCookieFor(res.setCookies)?.startsWith(`connect.sid=${signed(sid, 'new secret')};`), 'the cookie is re-signed with the first secret');
    assert.equal((await client.request(`${after.url}/`)).body, '3', 'the re-signed cookie is accepted');
  });

  it('accepts Buffer secrets', async (t) => {
    const secret = Buffer.from('0123456789abcdef0123456789abcdef', 'hex');
    const app = await start(t, express, { secret }, counter);
    const client = app.client();
    const res = await client.request('/');
    const id = idOf(setCookieFor(res.setCookies));
    assert.ok(id);
    assert.ok(setCookieFor(res.setCookies)?.startsWith(`connect.sid=${signed(id, secret)};`));
    assert.equal((await client.request('/')).body, '2');
  });

  it('rejects secret: [] at construction', () => {
    assert.throws(() => session({ secret: [] }), { name: 'TypeError', message: 'secret option array must contain one or more strings' });
  });

  it('without a secret, construction succeeds and every request fails with next(err)', async (t) => {
    assert.doesNotThrow(() => session({}));
    const app = await start(t, express, {}, counter);
    const client = app.client();
    for (let i = 0; i < 2; i++) {
      const res = await client.request('/');
      assert.equal(res.status, 500);
      assert.equal(res.body, 'error: secret option required for sessions');
      assert.equal(setCookieFor(res.setCookies), undefined);
    }
  });

  it('a cookie signed with another secret gives a fresh session, not an error', async (t) => {
    const app = await start(t, express, { secret: SECRET }, counter);
    const res = await app.client().request('/', { headers: { cookie: `connect.sid=${signed('someone-else', 'other secret')}` } });
    assert.equal(res.status, 200);
    assert.equal(res.body, '1');
    const id = idOf(setCookieFor(res.setCookies));
    assert.ok(id && id !== 'someone-else');
  });
});
