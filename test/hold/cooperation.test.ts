// What worked with the hold before must keep working with an asynchronous commit: compression
// either way round, helmet, on-headers, flushHeaders/SSE, sendFile, 304 and HEAD, pipelined
// requests, aborted clients, writeHead with Set-Cookie, and servers nobody holds.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { connect as connectHttp2, createServer as createHttp2Server } from 'node:http2';
import { createServer, request, type ServerResponse } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { describe, it, type TestContext } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import type { RequestHandler } from 'express';
import { HttpClient } from '../helpers/http-client.js';
import { build, matrix, touchSession } from './apps.js';
import { FaultStore } from './fault-store.js';

const require = createRequire(import.meta.url);
const compression = require('compression') as (options?: { threshold?: number }) => RequestHandler;
const helmet = require('helmet') as () => RequestHandler;
const onHeaders = require('on-headers') as (res: ServerResponse, listener: (this: ServerResponse) => void) => void;
const FILE = new URL('../../package.json', import.meta.url);

/** A plain Node request (fetch turns a conditional GET into `Cache-Control: no-cache`, which defeats a 304). */
function plain(url: string, method: string, headers: Record<string, string> = {}): Promise<{ status: number; etag: string | undefined; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, etag: res.headers.etag, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

for (const { label, express, middleware } of matrix) {
  describe(`the hold cooperates, with a commit that takes 10 ms (${label})`, () => {
    const start = async (t: TestContext, routes: Parameters<typeof build>[3], before?: Parameters<typeof build>[4]) => {
      const store = new FaultStore();
      store.latency = 10;
      const built = await build(express, middleware, store, routes, before);
      t.after(() => built.server.close());
      return { ...built, store, client: () => new HttpClient(built.server.url, { 'accept-encoding': 'gzip' }) };
    };
    const sessionCookies = (setCookies: string[]) => setCookies.filter((c) => /^(sid|connect\.sid)=/.test(c)).length;

    for (const where of ['before', 'after'] as const) {
      it(`compression mounted ${where} the session compresses, and the cookie comes along`, async (t) => {
        const body = 'hello '.repeat(500);
        const app = await start(
          t,
          (a) => {
            if (where === 'after') a.use(compression({ threshold: 0 }));
            a.get('/', (req, res) => {
              touchSession(req);
              res.send(body);
            });
          },
          (a) => void (where === 'before' && a.use(compression({ threshold: 0 }))),
        );
        const res = await app.client().request('/');
        assert.equal(res.status, 200);
        assert.equal(res.headers.get('content-encoding'), 'gzip');
        assert.equal(res.body, body);
        assert.equal(sessionCookies(res.setCookies), 1);
      });
    }

    it('helmet and on-headers: their headers and the session cookie', async (t) => {
      let fired = 0;
      const app = await start(
        t,
        (a) =>
          a.get('/', (req, res) => {
            touchSession(req);
            onHeaders(res, function () {
              fired++;
              this.setHeader('X-On-Headers', 'yes');
            });
            res.send('ok');
          }),
        (a) => void a.use(helmet()),
      );
      const res = await app.client().request('/');
      assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
      assert.equal(res.headers.get('x-on-headers'), 'yes');
      assert.equal(fired, 1);
      assert.equal(sessionCookies(res.setCookies), 1);
    });

    it('flushHeaders then server-sent events', async (t) => {
      const app = await start(t, (a) =>
        a.get('/events', (req, res) => {
          touchSession(req);
          res.setHeader('Content-Type', 'text/event-stream');
          res.flushHeaders();
          res.write('data: 1\n\n');
          setTimeout(() => res.end('data: 2\n\n'), 20);
        }),
      );
      const res = await app.client().request('/events');
      assert.equal(res.headers.get('content-type'), 'text/event-stream');
      assert.equal(res.body, 'data: 1\n\ndata: 2\n\n');
      assert.equal(sessionCookies(res.setCookies), 1);
    });

    it('res.sendFile, then 304 for its ETag, and HEAD', async (t) => {
      const app = await start(t, (a) =>
        a.get('/file', (req, res, next) => {
          touchSession(req);
          res.sendFile(FILE.pathname, (error) => error && next(error));
        }),
      );
      const url = `${app.server.url}/file`;
      const res = await plain(url, 'GET');
      assert.equal(res.body, readFileSync(FILE, 'utf8'));
      const again = await plain(url, 'GET', { 'if-none-match': res.etag ?? '' });
      assert.equal(again.status, 304);
      assert.equal(again.body, '');
      const head = await plain(url, 'HEAD');
      assert.equal(head.status, 200);
      assert.equal(head.body, '');
    });

    it('writeHead with Set-Cookie (object, array value, flat raw array) keeps it beside the session cookie', async (t) => {
      const app = await start(t, (a) => {
        a.get('/object', (req, res) => {
          touchSession(req);
          res.writeHead(200, { 'Set-Cookie': 'a=1; Path=/' });
          res.end('ok');
        });
        a.get('/array', (req, res) => {
          touchSession(req);
          res.writeHead(200, { 'set-cookie': ['a=1; Path=/', 'b=2; Path=/'] });
          res.end('ok');
        });
        a.get('/raw', (req, res) => {
          touchSession(req);
          res.writeHead(200, ['Set-Cookie', 'a=1; Path=/', 'Set-Cookie', ['b=2; Path=/', 'c=3; Path=/'], 'Content-Type', 'text/plain']);
          res.end('ok');
        });
      });
      for (const [path, expected] of [['/object', ['a=1; Path=/']], ['/array', ['a=1; Path=/', 'b=2; Path=/']], ['/raw', ['a=1; Path=/', 'b=2; Path=/', 'c=3; Path=/']]] as const) {
        const res = await app.client().request(path);
        assert.equal(sessionCookies(res.setCookies), 1, path);
        assert.deepEqual(res.setCookies.filter((c) => !/^(sid|connect\.sid)=/.test(c)), expected, path);
      }
    });

    it('pipelined requests on one connection are answered in order', async (t) => {
      const app = await start(t, (a) =>
        a.get('/p/:n', (req, res) => {
          touchSession(req);
          setTimeout(() => res.send(`n=${req.params.n}`), req.params.n === '1' ? 20 : 0);
        }),
      );
      const { port } = new URL(app.server.url);
      const socket = connect(Number(port), '127.0.0.1');
      let raw = '';
      socket.setEncoding('latin1');
      socket.on('data', (chunk: string) => (raw += chunk));
      socket.write('GET /p/1 HTTP/1.1\r\nHost: x\r\n\r\nGET /p/2 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
      await new Promise((resolve) => socket.on('close', resolve));
      assert.ok(raw.indexOf('n=1') > 0 && raw.indexOf('n=2') > raw.indexOf('n=1'), raw);
      assert.equal(raw.match(/HTTP\/1\.1 200/g)?.length, 2);
    });

    it('a client that aborts while its response is held: no crash, the server keeps serving', async (t) => {
      let closed = 0;
      const app = await start(t, (a) => {
        a.get('/slow', (req, res) => {
          touchSession(req);
          res.on('close', () => closed++);
          res.send('too late');
        });
        a.get('/ok', (_req, res) => void res.send('ok'));
      });
      app.store.latency = 100;
      const controller = new AbortController();
      const pending = fetch(new URL('/slow', app.server.url), { signal: controller.signal }).catch((e: Error) => e.name);
      await delay(30);
      controller.abort();
      assert.equal(await pending, 'AbortError');
      await delay(150); // the store write finishes; the held response is replayed into a closed socket
      assert.equal(closed, 1);
      app.store.latency = 0;
      assert.equal((await app.client().request('/ok')).body, 'ok');
    });
  });
}

describe('responses nobody holds go straight to Node', () => {
  it('a plain http server in the same process: ended responses look ended, a second end is Node\'s', async (t) => {
    const seen: string[] = [];
    const server = createServer((_req, res) => {
      res.end('plain');
      seen.push(`${res.headersSent}/${res.writableEnded}`);
      try {
        res.setHeader('X', '1');
      } catch (error) {
        seen.push((error as NodeJS.ErrnoException).code ?? '');
      }
      res.end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    t.after(() => void server.close());
    const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`, { headers: { connection: 'close' } });
    assert.equal(await res.text(), 'plain');
    assert.deepEqual(seen, ['true/true', 'ERR_HTTP_HEADERS_SENT']);
  });

  it('an http2 server in the same process answers', async (t) => {
    const server = createHttp2Server((_req, res) => {
      res.setHeader('x-h2', 'yes');
      res.end('h2');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    t.after(() => void server.close());
    const session = connectHttp2(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    t.after(() => session.close());
    const stream = session.request({ ':path': '/' });
    let body = '';
    let header: unknown;
    stream.on('response', (headers) => (header = headers['x-h2']));
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => (body += chunk));
    await new Promise((resolve) => stream.on('end', resolve));
    assert.equal(body, 'h2');
    assert.equal(header, 'yes');
  });
});
