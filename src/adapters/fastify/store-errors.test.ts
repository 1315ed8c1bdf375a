// A store that fails while a reply is being committed turns into Fastify's error reply (503:
// StoreError.status, which Fastify's default error handler honours), never a 200 whose session
// was silently lost; a store that fails on load is a 503 too; a store that hangs answers 503
// within `storeTimeout`. Hijacked replies, which Fastify's error handler no longer serves, get a
// 503 in Fastify's JSON error shape.
//
// FaultyStore (test/helpers/faulty-store.ts) is a fault-injection double: the real MemoryStore
// with chosen methods made to reject (or hang), because a real server cannot be made to fail on cue.
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import type { FastifyError } from 'fastify';
import tesseraSession from './index.js';
import type { StoreError } from '../../core/errors.js';
import { fastifyApp, listenFastify, type FastifyListening } from '../../../test/helpers/fastify-apps.js';
import { FaultyStore } from '../../../test/helpers/faulty-store.js';
import { HttpClient } from '../../../test/helpers/http-client.js';
import { TEST_SECRET } from '../../../test/helpers/session-client.js';

for (const handler of ['default', 'app'] as const) {
  describe(`tessera/fastify store failures, ${handler} error handler`, () => {
    const store = new FaultyStore();
    const seen: StoreError[] = [];
    let server: FastifyListening;

    before(async () => {
      const app = fastifyApp();
      await app.register(tesseraSession, { secret: TEST_SECRET, store, storeTimeout: 100, circuitBreaker: false, warn: () => {} });
      app.get('/redirect', async (request, reply) => {
        request.session.fastifyViews = 1;
        return reply.redirect('/next');
      });
      app.get('/json', async (request, reply) => {
        request.session.fastifyViews = 1;
        reply.header('set-cookie', 'app=1; Path=/');
        return { appResponse: true };
      });
      app.get('/stream', async (request, reply) => {
        request.session.fastifyViews = 1;
        return reply.type('text/plain').send(Readable.from(['app-streamed']));
      });
      app.get('/hijack', (request, reply) => {
        reply.hijack();
        request.session.fastifyViews = 1;
        reply.raw.writeHead(200, { 'content-type': 'text/plain', location: '/elsewhere' });
        reply.raw.end('app-hijacked');
      });
      app.get('/read', async (request) => ({ views: request.session.fastifyViews ?? 0 }));
      if (handler === 'app') {
        app.setErrorHandler((err: FastifyError & Partial<StoreError>, _request, reply) => {
          seen.push(err as StoreError);
          return reply.code(err.statusCode ?? 500).send({ code: err.code, operation: err.operation });
        });
      }
      server = await listenFastify(app);
    });
    after(() => server.close());

    for (const path of ['/redirect', '/json', '/stream']) {
      it(`${path}: a failed store write answers 503, not the app's reply, and sets no cookie`, async () => {
        store.failing.add('set');
        try {
          const res = await new HttpClient(server.url).request(path);
          assert.equal(res.status, 503);
          assert.deepEqual(res.setCookies, [], "no session cookie, and not the dropped reply's own");
          assert.doesNotMatch(res.body, /appResponse|app-streamed/);
          assert.equal(res.headers.get('location'), null, "the dropped reply's redirect target is not sent");
          if (handler === 'app') {
            assert.deepEqual(JSON.parse(res.body), { code: 'ERR_STORE_FAILED', operation: 'set' });
            assert.match(String((seen.at(-1)?.cause as Error | undefined)?.message), /set: connection lost/);
          } else {
            assert.equal(JSON.parse(res.body).code, 'ERR_STORE_FAILED');
          }
        } finally {
          store.failing.delete('set');
        }
      });
    }

    it('a hijacked reply whose store write fails answers 503 in Fastify\'s error shape', async () => {
      store.failing.add('set');
      try {
        const res = await new HttpClient(server.url).request('/hijack');
        assert.equal(res.status, 503);
        assert.deepEqual(res.setCookies, []);
        assert.equal(res.headers.get('location'), null);
        const body = JSON.parse(res.body);
        assert.equal(body.statusCode, 503);
        assert.equal(body.code, 'ERR_STORE_FAILED');
        assert.equal(body.error, 'Service Unavailable');
      } finally {
        store.failing.delete('set');
      }
    });

    it('a failed store read answers 503, and all is well again once the store is', async () => {
      const client = new HttpClient(server.url);
      await client.request('/json');
      store.failing.add('get');
      try {
        const res = await client.request('/read');
        assert.equal(res.status, 503);
        if (handler === 'app') assert.deepEqual(JSON.parse(res.body), { code: 'ERR_STORE_FAILED', operation: 'get' });
      } finally {
        store.failing.delete('get');
      }
      assert.equal(JSON.parse((await client.request('/read')).body).views, 1);
    });

    it('a store that hangs answers 503 within storeTimeout, for a read and for a write', async () => {
      const client = new HttpClient(server.url);
      await client.request('/json');
      for (const op of ['get', 'set'] as const) {
        store.hanging.add(op);
        try {
          const res = await (op === 'get' ? client.request('/read') : new HttpClient(server.url).request('/json'));
          assert.equal(res.status, 503, op);
          if (handler === 'app') assert.equal(JSON.parse(res.body).code, 'ERR_STORE_TIMEOUT');
        } finally {
          store.hanging.delete(op);
        }
      }
    });

    it('keeps serving after failures', async () => {
      const res = await new HttpClient(server.url).request('/json');
      assert.equal(res.status, 200);
      assert.equal(res.setCookies.length, 2);
    });
  });
}
