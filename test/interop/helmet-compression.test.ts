// helmet + compression + the session middleware in one app, Express 5 and 4, side by side with
// express-session 1.19 (and the native `tessera/express`): compression before and after the
// session middleware, a synchronous and an asynchronous store; on a route that writes the
// session, a streamed route (`res.write` chunks, the session written before the first), and
// `res.sendFile` (and its 304 for a matching `If-None-Match`): gzip-encoded, helmet's headers there, the session cookie sent, and the
// session's data round-trips.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { get } from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'node:test';
import type { RequestHandler } from 'express';
import { asRealExpressSessionStore, CountingStore } from '../express-session/helpers.js';
import { data, eachExpress, implementations, nativeImplementation, SECRET, sideBySide, type AppBuilder, type Implementation } from './helpers.js';
import type { HttpResult } from '../helpers/http-client.js';

const require = createRequire(import.meta.url);
const compression = require('compression') as (options?: object) => RequestHandler;
const helmet = require('helmet') as () => RequestHandler;

const big = 'session data and more '.repeat(200); // well past compression's 1 KiB threshold

function wrappedApp(order: 'compression first' | 'session first', store: 'memory' | 'async callback store', file: string): AppBuilder {
  return (app, impl: Implementation) => {
    let own: CountingStore | undefined;
    if (store !== 'memory' && impl.name !== 'native') {
      own = new CountingStore();
      if (impl.name === 'express-session') asRealExpressSessionStore(own);
    }
    const sessionMiddleware = impl.module({ secret: SECRET, resave: false, saveUninitialized: false, ...(own ? { store: own } : {}) });
    app.use(helmet());
    if (order === 'compression first') app.use(compression(), sessionMiddleware);
    else app.use(sessionMiddleware, compression());
    app.get('/write', (req, res) => {
      data(req).visits = (data(req).visits ?? 0) + 1;
      res.json({ visits: data(req).visits, big });
    });
    app.get('/stream', (req, res) => {
      data(req).streamed = true;
      res.type('text/plain');
      let i = 0;
      const next = (): void => {
        if (i === 5) return void res.end('end');
        res.write(`chunk ${i++} ${big}\n`);
        setImmediate(next);
      };
      next();
    });
    app.get('/file', (req, res, next) => {
      data(req).file = true;
      res.sendFile(file, (err) => err && next(err));
    });
    app.get('/read', (req, res) => {
      res.json({ visits: data(req).visits ?? null, streamed: data(req).streamed ?? null, file: data(req).file ?? null });
    });
  };
}

/** A GET with exactly these headers (fetch adds `Cache-Control: no-cache` to conditional requests). */
function rawGet(url: string, headers: Record<string, string>): Promise<{ status: number; length: number }> {
  return new Promise((resolve, reject) => {
    get(url, { headers }, (res) => {
      let length = 0;
      res.on('data', (chunk: Buffer) => (length += chunk.length));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, length }));
    }).on('error', reject);
  });
}

function shape(res: HttpResult): Record<string, unknown> {
  return {
    status: res.status,
    encoding: res.headers.get('content-encoding'),
    nosniff: res.headers.get('x-content-type-options'),
    csp: res.headers.get('content-security-policy') !== null,
    vary: /accept-encoding/i.test(res.headers.get('vary') ?? ''),
    length: res.body.length,
  };
}

eachExpress((createApp) => {
  for (const order of ['compression first', 'session first'] as const) {
    for (const store of ['memory', 'async callback store'] as const) {
      it(`${order}, ${store}: a session write, a stream and sendFile are compressed, carry helmet’s headers and the session`, async (t) => {
        const dir = mkdtempSync(join(tmpdir(), 'tessera-interop-'));
        t.after(() => rmSync(dir, { recursive: true, force: true }));
        const file = join(dir, 'page.txt');
        writeFileSync(file, big);
        const gzip = { 'accept-encoding': 'gzip' };
        await sideBySide(
          t,
          createApp,
          wrappedApp(order, store, file),
          async (app): Promise<Record<string, unknown>> => {
            const client = app.client(gzip);
            const write = await client.request('/write');
            const cookieSent = write.setCookies.length === 1;
            const stream = await client.request('/stream');
            const sent = await client.request('/file');
            const conditional = await rawGet(`${app.url}/file`, { ...gzip, cookie: client.cookieHeader ?? '', 'if-none-match': sent.headers.get('etag') ?? '' });
            const read = await client.request('/read');
            return {
              write: { ...shape(write), body: (JSON.parse(write.body) as { visits: number }).visits, cookieSent },
              stream: { ...shape(stream), lines: stream.body.split('\n').length, tail: stream.body.slice(-3) },
              file: { ...shape(sent), same: sent.body === big },
              conditional: `${conditional.status} ${conditional.length}`,
              read: read.body,
            };
          },
          {
            impls: [...implementations(), nativeImplementation()],
            expected: {
              write: { status: 200, encoding: 'gzip', nosniff: 'nosniff', csp: true, vary: true, length: JSON.stringify({ visits: 1, big }).length, body: 1, cookieSent: true },
              stream: { status: 200, encoding: 'gzip', nosniff: 'nosniff', csp: true, vary: true, length: 5 * (big.length + 9) + 3, lines: 6, tail: 'end' },
              file: { status: 200, encoding: 'gzip', nosniff: 'nosniff', csp: true, vary: true, length: big.length, same: true },
              conditional: '304 0',
              read: '{"visits":1,"streamed":true,"file":true}',
            },
          },
        );
      });
    }
  }
});
