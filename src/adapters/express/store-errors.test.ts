// A store that fails while a response is being committed turns into an error response (503:
// StoreError.status, which Express's default handler honours), never a 200 whose session was
// silently lost; a store that fails on load is a 503 too.
//
// FaultyStore (test/helpers/faulty-store.ts) is a fault-injection double: the real MemoryStore
// with chosen methods made to reject, because a real server cannot be made to fail on cue.
import assert from 'node:assert/strict';
import { ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import type { NextFunction, Request, Response } from 'express';
import { session } from './index.js';
import { SessionManager } from '../../index.js';
import type { StoreError } from '../../core/errors.js';
import { MemoryStore } from '../../stores/memory/memory-store.js';
import { expressVersions, listen, type Listening } from '../../../test/helpers/express-apps.js';
import { FaultyStore } from '../../../test/helpers/faulty-store.js';
import { HttpClient } from '../../../test/helpers/http-client.js';
import { TEST_SECRET } from '../../../test/helpers/session-client.js';

for (const { name, express } of expressVersions) {
  for (const handler of ['default', 'app'] as const) {
    describe(`tessera/express store failures, ${handler} error handler (${name})`, () => {
      const store = new FaultyStore();
      const manager = new SessionManager({ secret: TEST_SECRET, store, warn: () => {} });
      const seen: StoreError[] = [];
      let server: Listening;

      before(async () => {
        const app = express();
        app.use(session(manager));
        app.get('/redirect', (req, res) => {
          req.session.expressViews = 1;
          res.redirect('/next');
        });
        app.get('/json', (req, res) => {
          req.session.expressViews = 1;
          res.json({ appResponse: true });
        });
        app.get('/chunks', (req, res) => {
          req.session.expressViews = 1;
          res.write('app-partial ');
          res.end('body');
        });
        app.get('/pipe', (req, res) => {
          req.session.expressViews = 1;
          Readable.from(['app-streamed']).pipe(res);
        });
        app.get('/read', (req, res) => {
          res.json({ views: req.session.expressViews ?? 0 });
        });
        if (handler === 'app') {
          app.use((err: StoreError, _req: Request, res: Response, _next: NextFunction) => {
            seen.push(err);
            res.status(503).json({ code: err.code, operation: err.operation });
          });
        }
        server = await listen(app);
      });
      after(() => server.close());

      const expected = 503;

      for (const path of ['/redirect', '/json', '/chunks', '/pipe']) {
        it(`${path}: a failed store write answers ${expected}, not the app's response, and sets no session cookie`, async () => {
          store.failing.add('set');
          try {
            const res = await new HttpClient(server.url).request(path);
            assert.equal(res.status, expected);
            assert.ok(!res.setCookies.some((c) => c.startsWith('sid=')), 'no cookie for an unsaved session');
            // Markers no stack trace in the default error page can contain (it names this file's path).
            assert.doesNotMatch(res.body, /appResponse|app-partial|app-streamed|Redirecting/);
            assert.equal(res.headers.get('location'), null, "the dropped response's redirect target is not sent");
            if (handler === 'app') {
              assert.deepEqual(JSON.parse(res.body), { code: 'ERR_STORE_FAILED', operation: 'set' });
              assert.match(String((seen.at(-1)?.cause as Error | undefined)?.message), /set: connection lost/);
            }
          } finally {
            store.failing.delete('set');
          }
        });
      }

      it(`a failed store read answers ${expected}`, async () => {
        const client = new HttpClient(server.url);
        await client.request('/json');
        store.failing.add('get');
        try {
          const res = await client.request('/read');
          assert.equal(res.status, expected);
          if (handler === 'app') assert.deepEqual(JSON.parse(res.body), { code: 'ERR_STORE_FAILED', operation: 'get' });
        } finally {
          store.failing.delete('get');
        }
        assert.equal((JSON.parse((await client.request('/read')).body) as { views: number }).views, 1, 'fine again once the store is');
      });

      it('keeps serving after failures', async () => {
        const res = await new HttpClient(server.url).request('/json');
        assert.equal(res.status, 200);
        assert.equal(res.setCookies.length, 1);
      });
    });
  }
}

// Node's own writeHead, taken before any session middleware ran (as a library loaded earlier
// might keep it): calling it goes around the session middleware's hold on the response.
const nodeWriteHead = ServerResponse.prototype.writeHead;

for (const { name, express } of expressVersions) {
  describe(`tessera/express when the head is sent around the middleware (${name})`, () => {
    it('reports ERR_HEADERS_SENT to the error path instead of silently dropping the session cookie', async () => {
      const manager = new SessionManager({ secret: TEST_SECRET, store: new MemoryStore({ sweepInterval: 0 }), warn: () => {} });
      const errors: unknown[] = [];
      const app = express();
      // Keeps the original writeHead from before the session middleware patched it.
      app.use((_req, res, next) => {
        const writeHead = res.writeHead;
        (res as unknown as { rawWriteHead: typeof writeHead }).rawWriteHead = writeHead;
        next();
      });
      app.use(session(manager));
      app.get('/', (req, res) => {
        req.session.expressViews = 1;
        nodeWriteHead.call(res, 200);
        res.end('sent around');
      });
      app.use((err: { code?: string }, _req: Request, _res: Response, next: NextFunction) => {
        errors.push(err);
        next(err);
      });
      const server = await listen(app);
      try {
        await new HttpClient(server.url).request('/').catch(() => undefined);
        assert.equal((errors[0] as { code?: string } | undefined)?.code, 'ERR_HEADERS_SENT');
      } finally {
        await server.close();
      }
    });
  });
}
