// on-headers (what response-time, morgan and compression build on) next to the session
// middleware, Express 5 and 4, side by side with express-session 1.19 (and the native
// `tessera/express`): a listener registered before and one after the session middleware each
// run exactly once, just before the head goes out; the headers they set arrive; a listener
// registered before the session middleware sees the session cookie — with a synchronous and an
// asynchronous store, on `res.send`, `res.redirect`, a streamed `res.write` and `res.end()`.
// on-headers runs the latest listener first and express-session sets its cookie in its own
// listener, so under express-session a listener registered *after* the session middleware
// runs before the cookie is set (and cannot remove it). The response hold keeps that order: an
// implicit head gets the session cookie when Node's `writeHead` reaches the hold's layer.
import { createRequire } from 'node:module';
import { it } from 'node:test';
import type { NextFunction, Request, Response } from 'express';
import { asRealExpressSessionStore, CountingStore } from '../express-session/helpers.js';
import type { HttpResult } from '../helpers/http-client.js';
import { data, eachExpress, implementations, nativeImplementation, SECRET, sideBySide, type AppBuilder, type RunningApp } from './helpers.js';

const require = createRequire(import.meta.url);
const onHeaders = require('on-headers') as (res: Response, listener: (this: Response) => void) => void;

function headersApp(store: 'memory' | 'async callback store', strip = false): AppBuilder {
  return (app, impl) => {
    let own: CountingStore | undefined;
    if (store !== 'memory' && impl.name !== 'native') {
      own = new CountingStore();
      if (impl.name === 'express-session') asRealExpressSessionStore(own);
    }
    const listener = (label: string) => (req: Request, res: Response, next: NextFunction) => {
      let calls = 0;
      onHeaders(res, function () {
        calls++;
        this.setHeader(`x-${label}-calls`, String(calls));
        this.setHeader(`x-${label}-saw-cookie`, String(this.getHeader('set-cookie') !== undefined));
        // An app's "no cookies on this response" rule, in the listener registered after the session.
        if (strip && label === 'inner') this.removeHeader('set-cookie');
      });
      next();
    };
    app.use(listener('outer'));
    app.use(impl.module({ secret: SECRET, resave: false, saveUninitialized: false, ...(own ? { store: own } : {}) }));
    app.use(listener('inner'));
    app.get('/send', (req, res) => {
      data(req).n = (data(req).n ?? 0) + 1;
      res.send(`n=${data(req).n}`);
    });
    app.get('/redirect', (req, res) => {
      data(req).n = (data(req).n ?? 0) + 1;
      res.redirect('/send');
    });
    app.get('/stream', (req, res) => {
      data(req).n = (data(req).n ?? 0) + 1;
      res.write('a');
      setImmediate(() => res.end('b'));
    });
    app.get('/end', (req, res) => {
      data(req).n = (data(req).n ?? 0) + 1;
      res.statusCode = 204;
      res.end();
    });
  };
}

async function journey(app: RunningApp, detail: (res: HttpResult) => Record<string, unknown>): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const path of ['/send', '/redirect', '/stream', '/end']) {
    const res = await app.client().request(path);
    out[path] = { status: res.status, body: res.body, cookie: res.setCookies.length, ...detail(res) };
  }
  return out;
}

eachExpress((createApp) => {
  for (const store of ['memory', 'async callback store'] as const) {
    it(`on-headers listeners before and after the session run once, the cookie arrives (${store})`, async (t) => {
      await sideBySide(
        t,
        createApp,
        headersApp(store),
        (app) => journey(app, (res) => ({ outer: `${res.headers.get('x-outer-calls')} ${res.headers.get('x-outer-saw-cookie')}`, inner: res.headers.get('x-inner-calls') })),
        {
          impls: [...implementations(), nativeImplementation()],
          expected: {
            '/send': { status: 200, body: 'n=1', cookie: 1, outer: '1 true', inner: '1' },
            '/redirect': { status: 302, body: 'Found. Redirecting to /send', cookie: 1, outer: '1 true', inner: '1' },
            '/stream': { status: 200, body: 'ab', cookie: 1, outer: '1 true', inner: '1' },
            '/end': { status: 204, body: '', cookie: 1, outer: '1 true', inner: '1' },
          },
        },
      );
    });

    it(`a listener registered after the session runs before the cookie is set, and cannot strip it (${store})`, async (t) => {
      await sideBySide(
        t,
        createApp,
        headersApp(store, true),
        async (app) => {
          return journey(app, (res) => ({ inner: `${res.headers.get('x-inner-calls')} ${res.headers.get('x-inner-saw-cookie')}` }));
        },
        {
          expected: {
            '/send': { status: 200, body: 'n=1', cookie: 1, inner: '1 false' },
            '/redirect': { status: 302, body: 'Found. Redirecting to /send', cookie: 1, inner: '1 false' },
            '/stream': { status: 200, body: 'ab', cookie: 1, inner: '1 false' },
            '/end': { status: 204, body: '', cookie: 1, inner: '1 false' },
          },
        },
      );
    });
  }
});
