// Ending and renewing sessions through Koa: `ctx.session = null` (koa-session's way) and
// `ctx.session.destroy()` delete the record and clear the cookie with Clear-Site-Data; login and
// regenerate give a new ID and kill the old one.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import Koa from 'koa';
import { session } from './index.js';
import { SessionManager } from '../../index.js';
import { MemoryStore } from '../../stores/memory/memory-store.js';
import { listenKoa, type KoaListening } from '../../../test/helpers/koa-apps.js';
import { HttpClient } from '../../../test/helpers/http-client.js';
import { TEST_SECRET } from '../../../test/helpers/session-client.js';

describe('tessera/koa destroy and regenerate', () => {
  const store = new MemoryStore({ sweepInterval: 0 });
  const manager = new SessionManager({ secret: TEST_SECRET, store, warn: () => {} });
  let server: KoaListening;

  before(async () => {
    const app = new Koa();
    app.silent = true;
    app.use(session(manager));
    app.use(async (ctx) => {
      switch (ctx.path) {
        case '/count':
          ctx.session.koaViews = (ctx.session.koaViews ?? 0) + 1;
          ctx.body = { views: ctx.session.koaViews, id: ctx.session.id };
          return;
        case '/null':
          ctx.session = null;
          ctx.body = 'bye';
          return;
        case '/null-then-write':
          ctx.session = null;
          ctx.session.koaViews = 99; // on a destroyed session: not saved
          ctx.redirect('/count');
          return;
        case '/destroy':
          await ctx.session.destroy();
          ctx.redirect('/');
          return;
        case '/assign-object':
          (ctx as unknown as { session: object }).session = { koaViews: 5 };
          ctx.body = 'replaced';
          return;
        case '/login':
          await ctx.session.login('u1', { keep: true });
          ctx.body = { id: ctx.session.id, views: ctx.session.koaViews ?? 0 };
          return;
        case '/regenerate':
          await ctx.session.regenerate();
          ctx.session.koaNote = 'fresh';
          ctx.body = { id: ctx.session.id };
          return;
        default:
          ctx.body = { views: ctx.session.koaViews ?? 0, id: ctx.session.isNew ? null : ctx.session.id };
      }
    });
    server = await listenKoa(app);
  });
  after(() => server.close());

  const body = <T>(text: string): T => JSON.parse(text) as T;

  for (const path of ['/null', '/destroy', '/null-then-write']) {
    it(`${path}: deletes the record, clears the cookie (Clear-Site-Data, no-store), next request starts afresh`, async () => {
      const client = new HttpClient(server.url);
      await client.request('/count');
      const oldCookie = client.cookieHeader ?? '';
      assert.ok(client.jar.has('sid'));
      const sizeBefore = store.size;
      const res = await client.request(path);
      assert.equal(res.setCookies.length, 1);
      assert.match(res.setCookies[0] ?? '', /^sid=;.*Expires=Thu, 01 Jan 1970/);
      assert.equal(res.headers.get('clear-site-data'), '"cookies"');
      assert.equal(res.headers.get('cache-control'), 'no-store');
      assert.equal(store.size, sizeBefore - 1, 'the record is gone');
      assert.equal(client.jar.has('sid'), false, 'the browser dropped the cookie');
      const after = body<{ views: number; id: string | null }>((await client.request('/')).body);
      assert.deepEqual(after, { views: 0, id: null });
      // The old cookie replayed by hand leads nowhere.
      const replay = await new HttpClient(server.url).request('/', { headers: { cookie: oldCookie } });
      assert.deepEqual(body(replay.body), { views: 0, id: null });
    });
  }

  it('ctx.session = null for a visitor without a session sends nothing', async () => {
    const res = await new HttpClient(server.url).request('/null');
    assert.equal(res.status, 200);
    assert.deepEqual(res.setCookies, []);
  });

  it('assigning anything but null to ctx.session is a TypeError (500 through Koa), the session untouched', async () => {
    const client = new HttpClient(server.url);
    await client.request('/count');
    const res = await client.request('/assign-object');
    assert.equal(res.status, 500);
    assert.equal(body<{ views: number }>((await client.request('/')).body).views, 1);
  });

  it('login: a new ID with the data kept, the old ID dead', async () => {
    const client = new HttpClient(server.url);
    const before = body<{ id: string }>((await client.request('/count')).body);
    const oldCookie = client.cookieHeader ?? '';
    const login = await client.request('/login');
    const after = body<{ id: string; views: number }>(login.body);
    assert.notEqual(after.id, before.id);
    assert.equal(after.views, 1);
    assert.equal(login.setCookies.length, 1);
    assert.deepEqual(body((await client.request('/')).body), { views: 1, id: after.id });
    const old = await new HttpClient(server.url).request('/', { headers: { cookie: oldCookie } });
    assert.deepEqual(body(old.body), { views: 0, id: null }, 'the old ID reaches nothing');
  });

  it('regenerate: a new, empty session under a new ID', async () => {
    const client = new HttpClient(server.url);
    const before = body<{ id: string }>((await client.request('/count')).body);
    const regen = body<{ id: string }>((await client.request('/regenerate')).body);
    assert.notEqual(regen.id, before.id);
    assert.deepEqual(body((await client.request('/')).body), { views: 0, id: regen.id });
  });
});
