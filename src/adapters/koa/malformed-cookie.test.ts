// A forged, malformed, oversized or duplicated cookie means "no session" through Koa: a fresh
// session and a 200, never a 5xx, and never a session under an ID the client chose. A cookie
// of the session's name that led nowhere is deleted; a header without the name gets nothing.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import Koa from 'koa';
import { session } from './index.js';
import { SessionManager } from '../../index.js';
import { listenKoa, type KoaListening } from '../../../test/helpers/koa-apps.js';
import { HttpClient } from '../../../test/helpers/http-client.js';
import { GOOD_ID, hostileCookieCases } from '../../../test/helpers/hostile-cookies.js';
import { TEST_SECRET } from '../../../test/helpers/session-client.js';


describe('tessera/koa malformed cookies', () => {
  const manager = new SessionManager({ secret: TEST_SECRET, warn: () => {} });
  const errors: unknown[] = [];
  let server: KoaListening;

  before(async () => {
    const app = new Koa();
    app.on('error', (error: unknown) => errors.push(error));
    app.use(session(manager));
    app.use((ctx) => {
      if (ctx.path === '/login') {
        ctx.session.koaNote = 'alice';
        ctx.body = { id: ctx.session.id };
        return;
      }
      ctx.body = { isNew: ctx.session.isNew, id: ctx.session.id, note: ctx.session.koaNote ?? null };
    });
    server = await listenKoa(app);
  });
  after(() => {
    assert.deepEqual(errors, [], 'no error reached Koa');
    return server.close();
  });

  const cases = hostileCookieCases();

  for (const [label, cookie, sent = true] of cases) {
    it(`${label}: a fresh session, 200`, async () => {
      const res = await new HttpClient(server.url).request('/me', { headers: { cookie } });
      assert.equal(res.status, 200);
      const body = JSON.parse(res.body) as { isNew: boolean; id: string; note: string | null };
      assert.equal(body.isNew, true);
      assert.equal(body.note, null);
      assert.notEqual(body.id, GOOD_ID, 'the server never adopts an ID the client sent');
      if (sent) {
        assert.deepEqual(res.setCookies, ['sid=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; SameSite=Lax'], 'the dead cookie is deleted');
      } else {
        assert.deepEqual(res.setCookies, [], 'an untouched fresh session sends nothing');
      }
    });
  }

  it('a tampered copy of a real cookie gets nothing of its session; the real one still works', async () => {
    const client = new HttpClient(server.url);
    await client.request('/login');
    const real = client.jar.get('sid') ?? '';
    const tampered = real.slice(0, -2) + (real.endsWith('AA') ? 'BB' : 'AA');
    const res = await new HttpClient(server.url).request('/me', { headers: { cookie: `sid=${tampered}` } });
    assert.equal(res.status, 200);
    assert.equal((JSON.parse(res.body) as { note: string | null }).note, null);
    assert.equal((JSON.parse((await client.request('/me')).body) as { note: string | null }).note, 'alice');
  });

  it('a genuine cookie next to junk, or after a forged one of the same name, still works', async () => {
    const client = new HttpClient(server.url);
    await client.request('/login');
    const real = client.jar.get('sid') ?? '';
    for (const cookie of [`junk=%%%; sid=${real}; other="x`, `sid=${GOOD_ID}; sid=${real}`]) {
      const res = await client.request('/me', { headers: { cookie } });
      assert.equal((JSON.parse(res.body) as { note: string | null }).note, 'alice', cookie.slice(0, 40));
    }
  });
});
