// The store write and Set-Cookie are committed before the response's head, however the app
// answers: Koa bodies (string, JSON, Buffer, stream), ctx.redirect, an empty status, and
// responses written to ctx.res by hand (with or without ctx.respond = false, during the chain
// or after it). A held store write proves not a byte arrives before the write has finished.
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { setTimeout as delay } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import Koa from 'koa';
import { session } from './index.js';
import { SessionManager } from '../../index.js';
import { ControlledStore, listenKoa, type KoaListening } from '../../../test/helpers/koa-apps.js';
import { HttpClient } from '../../../test/helpers/http-client.js';
import { TEST_SECRET } from '../../../test/helpers/session-client.js';

type Route = (ctx: Koa.Context) => unknown;

const routes: Record<string, Route> = {
  '/redirect': (ctx) => ctx.redirect('/next'),
  '/string': (ctx) => (ctx.body = 'hello'),
  '/json': (ctx) => (ctx.body = { ok: true }),
  '/buffer': (ctx) => (ctx.body = Buffer.from('bytes')),
  '/stream': (ctx) => {
    ctx.type = 'text/plain';
    ctx.body = Readable.from(['x', 'y', 'z']);
  },
  '/no-content': (ctx) => (ctx.status = 204),
  '/app-cookie': (ctx) => {
    ctx.cookies.set('theme', 'light', { signed: false });
    ctx.body = 'both';
  },
  // Written to ctx.res by hand, without telling Koa (it then finds the response ended). Koa's
  // status starts at 404 until a body or status is set, so these routes set one.
  '/res-end': (ctx) => {
    ctx.status = 200;
    ctx.res.end('by hand');
  },
  '/respond-false': (ctx) => {
    ctx.respond = false;
    ctx.res.writeHead(201, { 'Set-Cookie': 'raw=1; Path=/', 'Content-Type': 'text/plain' });
    ctx.res.end('made');
  },
  '/respond-false-chunks': (ctx) => {
    ctx.respond = false;
    ctx.status = 200;
    ctx.res.setHeader('Content-Type', 'text/plain');
    ctx.res.write('a');
    ctx.res.write('b');
    ctx.res.end('c');
  },
  // The response is written after the middleware chain has returned.
  '/respond-false-later': (ctx) => {
    ctx.respond = false;
    ctx.status = 200;
    setImmediate(() => ctx.res.end('later'));
  },
  '/flush': (ctx) => {
    ctx.respond = false;
    ctx.status = 200;
    ctx.res.flushHeaders();
    ctx.res.end('flushed');
  },
};

const cases: Array<{ path: string; status: number; body: string; cookies: string[] }> = [
  { path: '/redirect', status: 302, body: 'Redirecting to /next.', cookies: [] },
  { path: '/string', status: 200, body: 'hello', cookies: [] },
  { path: '/json', status: 200, body: '{"ok":true}', cookies: [] },
  { path: '/buffer', status: 200, body: 'bytes', cookies: [] },
  { path: '/stream', status: 200, body: 'xyz', cookies: [] },
  { path: '/no-content', status: 204, body: '', cookies: [] },
  { path: '/app-cookie', status: 200, body: 'both', cookies: ['theme=light; path=/; httponly'] },
  { path: '/res-end', status: 200, body: 'by hand', cookies: [] },
  { path: '/respond-false', status: 201, body: 'made', cookies: ['raw=1; Path=/'] },
  { path: '/respond-false-chunks', status: 200, body: 'abc', cookies: [] },
  { path: '/respond-false-later', status: 200, body: 'later', cookies: [] },
  { path: '/flush', status: 200, body: 'flushed', cookies: [] },
];

describe('tessera/koa commits before the response head', () => {
  const store = new ControlledStore();
  const manager = new SessionManager({ secret: TEST_SECRET, store, warn: () => {} });
  let server: KoaListening;
  let latency = 0;

  before(async () => {
    const app = new Koa();
    app.use(session(manager));
    app.use(async (ctx, next) => {
      if (ctx.path === '/login') {
        await ctx.session.login('alice');
        ctx.session.koaNote = 'signed in';
        if (latency > 0) await delay(latency); // a store slower than the client's follow-up
        ctx.redirect('/me');
        return;
      }
      if (ctx.path === '/me') {
        ctx.body = { user: ctx.session.userKey ?? null, note: ctx.session.koaNote ?? null };
        return;
      }
      if (ctx.path === '/late-change') {
        ctx.session.koaViews = 1;
        ctx.type = 'text/plain';
        // Changes the session while Koa streams the body, after the middleware committed.
        ctx.body = Readable.from(
          (async function* () {
            yield 'first ';
            ctx.session.koaNote = 'changed while streaming';
            yield 'last';
          })(),
        );
        return;
      }
      const route = routes[ctx.path];
      if (route === undefined) return next();
      ctx.session.koaViews = 1;
      route(ctx);
    });
    server = await listenKoa(app);
  });
  after(() => server.close());

  for (const { path, status, body, cookies } of cases) {
    it(`${path}: no response until the store write is done, then exactly one session cookie`, async () => {
      store.log.length = 0;
      const started = store.hold();
      const client = new HttpClient(server.url);
      const pending = client.request(path).then((res) => {
        store.log.push('client:response');
        return res;
      });
      await started;
      await delay(50);
      assert.deepEqual(store.log, ['set:start'], 'the response head waited for the store');
      store.release();
      const res = await pending;
      assert.deepEqual(store.log, ['set:start', 'set:done', 'client:response']);
      assert.equal(res.status, status);
      assert.equal(res.body, body);
      assert.equal(res.setCookies.filter((c) => c.startsWith('sid=')).length, 1, 'exactly one session cookie');
      assert.deepEqual(
        res.setCookies.filter((c) => !c.startsWith('sid=')),
        cookies,
        "the app's own cookies arrive beside it",
      );
      assert.equal(res.headers.get('vary'), 'Cookie');
    });
  }

  it('redirect then follow at once: the next request reads the session', async () => {
    latency = 30;
    try {
      for (let i = 0; i < 3; i++) {
        const client = new HttpClient(server.url);
        const res = await client.request('/login');
        assert.equal(res.status, 302);
        const follow = await client.request(res.headers.get('location') ?? '');
        assert.deepEqual(JSON.parse(follow.body), { user: 'alice', note: 'signed in' });
      }
    } finally {
      latency = 0;
    }
  });

  it('saves a change made while the body streams, before the response ends', async () => {
    const client = new HttpClient(server.url);
    const res = await client.request('/late-change');
    assert.equal(res.body, 'first last');
    assert.equal(res.setCookies.length, 1);
    const me = await client.request('/me');
    assert.deepEqual(JSON.parse(me.body), { user: null, note: 'changed while streaming' });
  });
});
