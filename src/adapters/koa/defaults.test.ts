// tessera/koa with SessionManager's defaults on a real Koa server: the cookie's name and
// attributes, the session read back, no cookie and no store write for an untouched visitor,
// Vary: Cookie, the app's own cookies beside the session's, and the manager check.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import Koa from 'koa';
import { session } from './index.js';
import { SessionManager } from '../../index.js';
import { MemoryStore } from '../../stores/memory/memory-store.js';
import { listenKoa, type KoaListening } from '../../../test/helpers/koa-apps.js';
import { cookieAttributes, HttpClient } from '../../../test/helpers/http-client.js';
import { TEST_SECRET } from '../../../test/helpers/session-client.js';

describe('tessera/koa defaults', () => {
  const warnings: string[] = [];
  const store = new MemoryStore({ sweepInterval: 0 });
  const manager = new SessionManager({ secret: TEST_SECRET, store, warn: (w) => warnings.push(w) });
  let server: KoaListening;

  before(async () => {
    const app = new Koa({ proxy: true });
    app.use(session(manager));
    app.use(async (ctx) => {
      switch (ctx.path) {
        case '/count':
          ctx.session.koaViews = (ctx.session.koaViews ?? 0) + 1;
          ctx.body = { views: ctx.session.koaViews, id: ctx.session.id };
          return;
        case '/read':
          ctx.body = { views: ctx.session.koaViews ?? 0, isNew: ctx.session.isNew };
          return;
        case '/vary':
          ctx.vary('Accept-Encoding');
          ctx.body = 'ok';
          return;
        case '/app-cookies':
          ctx.session.koaViews = 1;
          ctx.cookies.set('theme', 'dark', { signed: false });
          ctx.append('Set-Cookie', 'lang=en; Path=/');
          ctx.body = 'both';
          return;
        case '/own-cache':
          ctx.session.koaViews = 1;
          ctx.set('Cache-Control', 'private, max-age=60');
          ctx.body = 'cached';
          return;
        default:
          ctx.status = 404;
      }
    });
    server = await listenKoa(app);
  });
  after(() => server.close());

  it('sends sid over plain HTTP: HttpOnly, SameSite=Lax, Path=/, no Secure, no Expires; Cache-Control: no-store', async () => {
    const res = await new HttpClient(server.url).request('/count');
    assert.equal(res.status, 200);
    assert.equal(res.setCookies.length, 1);
    const header = res.setCookies[0] ?? '';
    assert.match(header, /^sid=s%3A[A-Za-z0-9_-]{43}\.[A-Za-z0-9%+/]+;/);
    assert.deepEqual(cookieAttributes(header), new Set(['path=/', 'httponly', 'samesite=lax']));
    assert.equal(res.headers.get('cache-control'), 'no-store');
  });

  it('warns once about plain HTTP', async () => {
    await new HttpClient(server.url).request('/count');
    await new HttpClient(server.url).request('/count');
    assert.equal(warnings.length, 1);
    assert.match(warnings[0] ?? '', /plain HTTP.*__Host-sid/);
  });

  it('sends __Host-sid with Secure behind a TLS proxy (app.proxy + X-Forwarded-Proto), and reads it back', async () => {
    const client = new HttpClient(server.url, { 'x-forwarded-proto': 'https' });
    const res = await client.request('/count');
    const header = res.setCookies[0] ?? '';
    assert.match(header, /^__Host-sid=s%3A/);
    assert.deepEqual(cookieAttributes(header), new Set(['path=/', 'httponly', 'secure', 'samesite=lax']));
    const again = await client.request('/count');
    assert.equal((JSON.parse(again.body) as { views: number }).views, 2);
    const plain = await new HttpClient(server.url).request('/read', { headers: { cookie: client.cookieHeader ?? '' } });
    assert.equal((JSON.parse(plain.body) as { isNew: boolean }).isNew, true, 'a plain request does not read the __Host- cookie');
  });

  it('keeps the session across requests under one ID, and does not resend the cookie', async () => {
    const client = new HttpClient(server.url);
    const first = await client.request('/count');
    const second = await client.request('/count');
    const a = JSON.parse(first.body) as { views: number; id: string };
    const b = JSON.parse(second.body) as { views: number; id: string };
    assert.deepEqual([a.views, b.views], [1, 2]);
    assert.equal(b.id, a.id);
    assert.deepEqual(second.setCookies, []);
  });

  it('sends no cookie and stores nothing for a visitor whose session is untouched', async () => {
    const before = store.size;
    const res = await new HttpClient(server.url).request('/read');
    assert.equal(res.status, 200);
    assert.deepEqual(res.setCookies, []);
    assert.equal(res.headers.get('cache-control'), null);
    assert.equal(store.size, before);
  });

  it('sends Vary: Cookie on every response, merged with the app’s own Vary', async () => {
    assert.equal((await new HttpClient(server.url).request('/read')).headers.get('vary'), 'Cookie');
    assert.equal((await new HttpClient(server.url).request('/count')).headers.get('vary'), 'Cookie');
    assert.equal((await new HttpClient(server.url).request('/nowhere')).headers.get('vary'), 'Cookie');
    const vary = (await new HttpClient(server.url).request('/vary')).headers.get('vary') ?? '';
    assert.deepEqual(vary.split(/\s*,\s*/).sort(), ['Accept-Encoding', 'Cookie']);
  });

  it('appends the session cookie to the app’s own cookies (ctx.cookies.set, ctx.append)', async () => {
    const res = await new HttpClient(server.url).request('/app-cookies');
    assert.equal(res.body, 'both');
    assert.equal(res.setCookies.filter((c) => c.startsWith('sid=')).length, 1);
    assert.ok(res.setCookies.some((c) => c.startsWith('theme=dark')), res.setCookies.join(' | '));
    assert.ok(res.setCookies.includes('lang=en; Path=/'), res.setCookies.join(' | '));
  });

  it('keeps the app’s own Cache-Control', async () => {
    const res = await new HttpClient(server.url).request('/own-cache');
    assert.equal(res.setCookies.length, 1);
    assert.equal(res.headers.get('cache-control'), 'private, max-age=60');
  });
});

describe('session(manager)', () => {
  it('refuses anything but a SessionManager', () => {
    for (const bad of [undefined, null, {}, { secret: TEST_SECRET }]) {
      assert.throws(() => session(bad as unknown as SessionManager), /manager must be a SessionManager/);
    }
  });

  it('refuses an app whose ctx.session koa-session (or another middleware) already defines', async (t) => {
    const app = new Koa();
    app.silent = true;
    Object.defineProperty(app.context, 'session', { get: () => 'theirs' });
    const errors: Error[] = [];
    app.on('error', (e: Error) => errors.push(e));
    app.use(session(new SessionManager({ secret: TEST_SECRET, warn: () => {} })));
    const server = await listenKoa(app);
    t.after(() => server.close());
    const res = await new HttpClient(server.url).request('/');
    assert.equal(res.status, 500);
    assert.match(String(errors[0]?.message), /already defined/);
  });

  it('runs once when mounted twice on one request', async (t) => {
    const manager = new SessionManager({ secret: TEST_SECRET, warn: () => {} });
    let saved = 0;
    manager.on('saved', () => saved++);
    const app = new Koa();
    app.use(session(manager));
    app.use(session(manager));
    app.use((ctx) => {
      ctx.session.koaViews = 1;
      ctx.body = 'once';
    });
    const server = await listenKoa(app);
    t.after(() => server.close());
    const res = await new HttpClient(server.url).request('/');
    assert.equal(res.setCookies.length, 1);
    assert.equal(saved, 1);
  });
});
