// An app's own mistakes, made while its session is being committed asynchronously (a slow store
// write), must play out as in Node + Express without session middleware: the client gets the
// first response, the second raises ERR_HTTP_HEADERS_SENT at the call, Node's checks throw at the
// call (so Express answers 500), and the process keeps serving.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { route } from '../helpers/express-apps.js';
import { HttpClient } from '../helpers/http-client.js';
import { build, matrix, touchSession, type Built } from './apps.js';
import { FaultStore } from './fault-store.js';

const fatal: unknown[] = [];
const note = (error: unknown): void => void fatal.push(error);

for (const { label, express, middleware } of matrix) {
  describe(`an app's mistakes while its session is committed (${label})`, () => {
    const store = new FaultStore();
    store.latency = 20;
    let app: Built;

    before(async () => {
      process.on('unhandledRejection', note);
      process.on('uncaughtException', note);
      app = await build(express, middleware, store, (a) => {
        a.get('/search', (req, res) => {
          touchSession(req);
          // The missing `return`:
          if (!req.query.q) res.status(400).send('q required');
          res.send('results');
        });
        a.get('/send-next', (req, res, next) => {
          touchSession(req);
          res.send('first');
          next();
        });
        a.get(
          '/async-throw',
          route(async (req, res) => {
            touchSession(req);
            res.send('sent');
            await Promise.resolve();
            throw new Error('after send');
          }),
        );
        a.get('/end-twice', (req, res) => {
          touchSession(req);
          res.end('once');
          try {
            res.setHeader('X-Late', '1');
          } catch (error) {
            app.errors.push(`setHeader:${(error as NodeJS.ErrnoException).code}`);
          }
          res.end();
          app.errors.push(`looks:${res.headersSent}/${res.writableEnded}`);
        });
        a.get('/inject', (req, res) => {
          touchSession(req);
          res.writeHead(200, { 'X-Next': `${String(req.query.to)}\r\nSet-Cookie: evil=1` });
          res.end('unreachable');
        });
        a.get('/nan', (req, res) => {
          touchSession(req);
          res.statusCode = Number(req.query.code);
          res.send('unreachable');
        });
        a.get('/ok', (req, res) => {
          touchSession(req);
          res.send('ok');
        });
      });
    });
    after(async () => {
      await app.server.close();
      process.off('unhandledRejection', note);
      process.off('uncaughtException', note);
      assert.deepEqual(fatal, [], 'no unhandled rejection, no uncaught exception');
    });

    /** The route's response, then a request proving the server still serves. */
    async function expectServed(path: string, status: number, body: string): Promise<void> {
      app.errors.length = 0;
      const client = new HttpClient(app.server.url);
      const res = await client.request(path);
      assert.equal(res.status, status, path);
      assert.equal(res.body, body, path);
      const next = await new HttpClient(app.server.url).request('/ok');
      assert.equal(next.body, 'ok', 'the process keeps serving');
    }

    it('a missing return: the first response arrives, the second send throws ERR_HTTP_HEADERS_SENT at the call', async () => {
      await expectServed('/search', 400, 'q required');
      assert.deepEqual(app.errors, ['ERR_HTTP_HEADERS_SENT']);
    });

    it('res.send(); next(): the first response arrives', async () => {
      await expectServed('/send-next', 200, 'first');
    });

    it('an async handler that throws after res.send: the response arrives, the error reaches the handler', async () => {
      await expectServed('/async-throw', 200, 'sent');
      assert.deepEqual(app.errors, ['after send']);
    });

    it('a second res.end() (with setHeader between) behaves as in Node: setHeader throws, end is a no-op', async () => {
      await expectServed('/end-twice', 200, 'once');
      assert.deepEqual(app.errors, ['setHeader:ERR_HTTP_HEADERS_SENT', 'looks:true/true']);
    });

    it('a CR/LF in a writeHead header throws ERR_INVALID_CHAR at the call: Express answers 500', async () => {
      await expectServed('/inject?to=x', 500, 'failed: Invalid character in header content ["X-Next"]');
      assert.deepEqual(app.errors, ['ERR_INVALID_CHAR']);
    });

    for (const code of ['NaN', '99', '1000']) {
      it(`res.statusCode = ${code} throws ERR_HTTP_INVALID_STATUS_CODE at the call: Express answers 500`, async () => {
        await expectServed(`/nan?code=${code}`, 500, `failed: Invalid status code: ${code}`);
        assert.deepEqual(app.errors, ['ERR_HTTP_INVALID_STATUS_CODE']);
      });
    }
  });
}
