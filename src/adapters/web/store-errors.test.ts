// A store that fails or hangs under tessera/web: `load` and `commit` reject with a StoreError
// (status 503) within the store timeout, never hang, and never let the app's response claim a
// session that was not stored. The handler maps the error to a response, as an app does.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { webSessions } from './index.js';
import { isTesseraError, type StoreError } from '../../core/errors.js';
import { SessionManager } from '../../index.js';
import { FaultyStore } from '../../../test/helpers/faulty-store.js';
import { transports } from '../../../test/helpers/fetch-servers.js';
import type { HttpClient } from '../../../test/helpers/http-client.js';
import { TEST_SECRET } from '../../../test/helpers/session-client.js';

const STORE_TIMEOUT = 100;

function app(store: FaultyStore): (request: Request) => Promise<Response> {
  const sessions = webSessions(new SessionManager<{ webViews: number }>({ secret: TEST_SECRET, store, storeTimeout: STORE_TIMEOUT, warn: () => {} }));
  return async (request) => {
    try {
      const session = await sessions.load(request);
      const { pathname } = new URL(request.url);
      if (pathname === '/read') return await sessions.commit(session, Response.json({ views: session.webViews ?? 0 }));
      session.webViews = (session.webViews ?? 0) + 1;
      const response = pathname === '/redirect' ? Response.redirect(new URL('/read', request.url), 302) : Response.json({ appResponse: true });
      return await sessions.commit(session, response);
    } catch (error) {
      // The app's error path: a StoreError carries the status to answer.
      if (isTesseraError(error) && 'status' in error) {
        const { code, operation, status } = error as StoreError;
        return Response.json({ code, operation }, { status });
      }
      throw error;
    }
  };
}

describe('tessera/web store errors, the promises themselves', () => {
  it('commit and load reject with a StoreError whose status is 503', async () => {
    const store = new FaultyStore();
    const sessions = webSessions(new SessionManager<{ webViews: number }>({ secret: TEST_SECRET, store, warn: () => {} }));
    const first = await sessions.load(new Request('http://app.test/'));
    first.webViews = 1;
    const cookie = (await sessions.commit(first, new Response('x'))).headers.getSetCookie()[0]?.split(';', 1)[0] ?? '';
    const second = await sessions.load(new Request('http://app.test/', { headers: { cookie } }));
    second.webViews = 2;
    store.failing.add('set');
    await assert.rejects(sessions.commit(second, new Response('x')), { name: 'StoreError', code: 'ERR_STORE_FAILED', operation: 'set', status: 503 });
    store.failing.add('get');
    await assert.rejects(sessions.load(new Request('http://app.test/', { headers: { cookie } })), { name: 'StoreError', code: 'ERR_STORE_FAILED', operation: 'get', status: 503 });
  });
});

for (const transport of transports) {
  describe(`tessera/web store errors, ${transport.name}`, () => {
    const store = new FaultyStore();
    let started: Awaited<ReturnType<typeof transport.start>>;
    let client: () => HttpClient;
    before(async () => {
      started = await transport.start(app(store));
      client = () => started.client();
    });
    after(() => started.close());

    for (const path of ['/write', '/redirect']) {
      it(`${path}: a failed store write answers 503, not the app's response, and sets no cookie`, async () => {
        store.failing.add('set');
        try {
          const res = await client().request(path);
          assert.equal(res.status, 503);
          assert.deepEqual(JSON.parse(res.body), { code: 'ERR_STORE_FAILED', operation: 'set' });
          assert.deepEqual(res.setCookies, []);
          assert.equal(res.headers.get('location'), null);
        } finally {
          store.failing.delete('set');
        }
      });
    }

    it('a failed store read answers 503, and the session is there again once the store is', async () => {
      const c = client();
      await c.request('/write');
      store.failing.add('get');
      try {
        const res = await c.request('/read');
        assert.equal(res.status, 503);
        assert.deepEqual(JSON.parse(res.body), { code: 'ERR_STORE_FAILED', operation: 'get' });
      } finally {
        store.failing.delete('get');
      }
      assert.deepEqual(JSON.parse((await c.request('/read')).body), { views: 1 });
    });

    it('a store that hangs answers 503 (ERR_STORE_TIMEOUT) after the store timeout, not never', async () => {
      const c = client();
      await c.request('/write');
      store.hanging.add('get');
      // The store timeout's timer is unref'd (it must not keep a process alive); called directly,
      // nothing else would hold the event loop open, as a server does.
      const alive = setInterval(() => {}, 1000);
      try {
        const started = performance.now();
        const res = await c.request('/read');
        const elapsed = performance.now() - started;
        assert.equal(res.status, 503);
        assert.deepEqual(JSON.parse(res.body), { code: 'ERR_STORE_TIMEOUT', operation: 'get' });
        assert.ok(elapsed >= STORE_TIMEOUT * 0.9 && elapsed < STORE_TIMEOUT + 2000, `answered after ${Math.round(elapsed)} ms`);
      } finally {
        clearInterval(alive);
        store.hanging.delete('get');
      }
    });
  });
}
