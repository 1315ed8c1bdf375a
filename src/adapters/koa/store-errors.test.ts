// A store that fails or hangs reaches Koa's own error handling as a StoreError (status 503),
// never a 200 whose session was silently lost and never a hang: on load, on the commit after
// the chain, on the commit of a response written to ctx.res by hand, on a destroy; and a
// failure while saving a change made during a streamed body cuts that response off, as Koa
// does when a body stream fails.
import assert from 'node:assert/strict';
import { ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import Koa from 'koa';
import { session } from './index.js';
import { SessionManager } from '../../index.js';
import { isTesseraError, type StoreError } from '../../core/errors.js';
import { ControlledStore, listenKoa, type KoaListening } from '../../../test/helpers/koa-apps.js';
import { HttpClient } from '../../../test/helpers/http-client.js';
import { TEST_SECRET } from '../../../test/helpers/session-client.js';

const STORE_TIMEOUT = 200;

function routes(store: ControlledStore): Koa.Middleware {
  return async (ctx) => {
    switch (ctx.path) {
      case '/read':
        ctx.body = { views: ctx.session.koaViews ?? 0 };
        return;
      case '/redirect':
        ctx.session.koaViews = 1;
        ctx.redirect('/next');
        return;
      case '/json':
        ctx.session.koaViews = 1;
        ctx.body = { appResponse: true };
        return;
      case '/stream':
        ctx.session.koaViews = 1;
        ctx.body = Readable.from(['app-streamed']);
        return;
      case '/res-end':
        ctx.session.koaViews = 1;
        ctx.status = 200;
        ctx.res.end('app-by-hand');
        return;
      case '/respond-false':
        ctx.session.koaViews = 1;
        ctx.respond = false;
        ctx.res.writeHead(200, { Location: '/elsewhere' });
        ctx.res.write('app-partial ');
        ctx.res.end('body');
        return;
      case '/logout':
        ctx.session = null;
        ctx.body = 'app-bye';
        return;
      case '/late-failure':
        ctx.session.koaViews = (ctx.session.koaViews ?? 0) + 1;
        ctx.body = Readable.from(
          (async function* () {
            yield 'first ';
            store.failing.add('set');
            ctx.session.koaNote = 'lost';
            yield 'last';
          })(),
        );
        return;
      default:
        ctx.status = 404;
    }
  };
}

for (const handler of ['default', 'app'] as const) {
  describe(`tessera/koa store failures, ${handler} error handler`, () => {
    const store = new ControlledStore();
    // No circuit breaker: each failure here is its own (the breaker has tests of its own).
    const manager = new SessionManager({ secret: TEST_SECRET, store, storeTimeout: STORE_TIMEOUT, circuitBreaker: false, warn: () => {} });
    const emitted: unknown[] = [];
    const caught: StoreError[] = [];
    let server: KoaListening;

    before(async () => {
      const app = new Koa();
      app.silent = true;
      app.on('error', (error: unknown) => emitted.push(error));
      if (handler === 'app') {
        app.use(async (ctx, next) => {
          try {
            await next();
          } catch (error) {
            if (!isTesseraError(error)) throw error;
            caught.push(error as StoreError);
            ctx.status = (error as StoreError).status;
            ctx.body = { code: (error as StoreError).code, operation: (error as StoreError).operation };
          }
        });
      }
      app.use(session(manager));
      app.use(routes(store));
      server = await listenKoa(app);
    });
    after(() => server.close());

    const expectError = (res: { status: number; body: string }, code: string, operation: string): void => {
      assert.equal(res.status, 503);
      if (handler === 'app') assert.deepEqual(JSON.parse(res.body), { code, operation });
      else {
        assert.equal(res.body, 'Service Unavailable');
        const last = emitted.at(-1) as StoreError;
        assert.equal(last.code, code);
        assert.equal(last.operation, operation);
      }
    };

    for (const path of ['/redirect', '/json', '/stream', '/res-end', '/respond-false']) {
      it(`${path}: a failed store write answers 503, not the app's response, and sets no session cookie`, async () => {
        store.failing.add('set');
        try {
          const res = await new HttpClient(server.url).request(path);
          expectError(res, 'ERR_STORE_FAILED', 'set');
          assert.ok(!res.setCookies.some((c) => c.startsWith('sid=')), 'no cookie for an unsaved session');
          assert.doesNotMatch(res.body, /appResponse|app-partial|app-streamed|app-by-hand|Redirecting/);
          // Koa's default handler drops every header; a catching middleware answers with the
          // headers the app set through ctx (Koa's rule), but never with those of a response the
          // app wrote to ctx.res by hand (the hold dropped it).
          if (handler === 'default' || path === '/respond-false') assert.equal(res.headers.get('location'), null, "the dropped response's Location is not sent");
        } finally {
          store.failing.delete('set');
        }
      });
    }

    it('a failed store read answers 503, and all is well once the store is', async () => {
      const client = new HttpClient(server.url);
      await client.request('/json');
      store.failing.add('get');
      try {
        expectError(await client.request('/read'), 'ERR_STORE_FAILED', 'get');
      } finally {
        store.failing.delete('get');
      }
      assert.equal((JSON.parse((await client.request('/read')).body) as { views: number }).views, 1);
    });

    it('a failed delete at ctx.session = null answers 503, the session still there', async () => {
      const client = new HttpClient(server.url);
      await client.request('/json');
      store.failing.add('delete');
      try {
        const res = await client.request('/logout');
        expectError(res, 'ERR_STORE_FAILED', 'delete');
        assert.deepEqual(res.setCookies, []);
      } finally {
        store.failing.delete('delete');
      }
      assert.equal((JSON.parse((await client.request('/read')).body) as { views: number }).views, 1);
    });

    for (const op of ['get', 'set'] as const) {
      it(`a store that never answers a ${op} gives 503 within storeTimeout, no hang`, async () => {
        const client = new HttpClient(server.url);
        if (op === 'get') await client.request('/json');
        store.hanging.add(op);
        try {
          const started = performance.now();
          const res = await client.request(op === 'get' ? '/read' : '/json');
          expectError(res, 'ERR_STORE_TIMEOUT', op);
          assert.ok(performance.now() - started < STORE_TIMEOUT + 2000, 'answered soon after the timeout');
        } finally {
          store.hanging.delete(op);
        }
      });
    }

    it('a failed save of a change made while the body streams cuts the response off and is emitted', async () => {
      const client = new HttpClient(server.url);
      await client.request('/json');
      emitted.length = 0;
      try {
        const outcome = await client.request('/late-failure').then(
          (res) => res.body,
          (error: unknown) => error,
        );
        assert.notEqual(outcome, 'first last', 'the response did not end as if all was saved');
        assert.equal((emitted[0] as StoreError | undefined)?.operation, 'set');
      } finally {
        store.failing.delete('set');
      }
      assert.equal((JSON.parse((await client.request('/read')).body) as { views: number }).views, 2, 'the commit before the body was saved');
    });

    it('keeps serving after failures', async () => {
      const res = await new HttpClient(server.url).request('/json');
      assert.equal(res.status, 200);
      assert.equal(res.setCookies.length, 1);
      if (handler === 'app') assert.ok(caught.length > 0 && caught.every((e) => isTesseraError(e)));
    });
  });
}

// Node's own writeHead, taken before any session middleware ran (as a library loaded earlier
// might keep it): calling it goes around the response hold.
const nodeWriteHead = ServerResponse.prototype.writeHead;

describe('tessera/koa when the session cannot reach the response', () => {
  for (const [label, route] of [
    ['the head was sent around the hold', (ctx: Koa.Context) => {
      ctx.respond = false;
      nodeWriteHead.call(ctx.res, 200);
      ctx.res.end('sent around');
    }],
    ['the store failed after a held writeHead, the body still to come', (ctx: Koa.Context) => {
      ctx.respond = false;
      ctx.res.writeHead(200, { 'Content-Type': 'text/plain' });
      setTimeout(() => ctx.res.end('later'), 20);
    }],
  ] as const) {
    it(`${label}: the error reaches Koa, the response is cut off, no hang`, async (t) => {
      const store = new ControlledStore();
      if (label.startsWith('the store failed')) store.failing.add('set');
      const manager = new SessionManager({ secret: TEST_SECRET, store, circuitBreaker: false, warn: () => {} });
      const app = new Koa();
      app.silent = true;
      const emitted: Array<{ code?: string }> = [];
      app.on('error', (error: { code?: string }) => emitted.push(error));
      app.use(session(manager));
      app.use((ctx) => {
        ctx.session.koaViews = 1;
        route(ctx);
      });
      const server = await listenKoa(app);
      t.after(() => server.close());
      const outcome = await new HttpClient(server.url).request('/').then(
        (res) => res,
        (error: unknown) => error,
      );
      assert.ok(outcome instanceof Error, 'the client sees the response cut off');
      const code = label.startsWith('the store failed') ? 'ERR_STORE_FAILED' : 'ERR_HEADERS_SENT';
      assert.deepEqual(emitted.map((e) => e.code), [code]);
    });
  }
});
