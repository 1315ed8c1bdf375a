// A store that fails or hangs under tessera/hono reaches Hono's error handling as an
// HTTPException carrying the StoreError: Hono's default handler answers 503, an app.onError sees
// it (and the StoreError as its cause). The app's response never goes out with a session that
// was not stored, nor lends its Location or cookies to the error response; no request hangs.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { session, type SessionEnv } from './index.js';
import { isTesseraError, type StoreError } from '../../core/errors.js';
import { SessionManager } from '../../index.js';
import { FaultyStore } from '../../../test/helpers/faulty-store.js';
import { serveFetch, type ServedFetch } from '../../../test/helpers/fetch-servers.js';
import { HttpClient } from '../../../test/helpers/http-client.js';
import { TEST_SECRET } from '../../../test/helpers/session-client.js';

type Data = { honoViews: number };
const STORE_TIMEOUT = 100;

for (const handler of ['default', 'app.onError'] as const) {
  describe(`tessera/hono store failures, ${handler} error handler`, () => {
    const store = new FaultyStore();
    const seen: unknown[] = [];
    let served: ServedFetch;
    before(async () => {
      const app = new Hono<SessionEnv<Data>>();
      app.use(session(new SessionManager<Data>({ secret: TEST_SECRET, store, storeTimeout: STORE_TIMEOUT, warn: () => {} })));
      app.get('/read', (c) => c.json({ views: c.get('session').honoViews ?? 0 }));
      app.get('/json', (c) => {
        c.get('session').honoViews = 1;
        c.header('set-cookie', 'app=1; Path=/', { append: true });
        return c.json({ appResponse: true });
      });
      app.get('/redirect', (c) => {
        c.get('session').honoViews = 1;
        return c.redirect('/next');
      });
      if (handler === 'app.onError') {
        app.onError((err, c) => {
          seen.push(err);
          if (err instanceof HTTPException && isTesseraError(err.cause)) {
            const cause = err.cause as StoreError;
            return c.json({ code: cause.code, operation: cause.operation }, err.status);
          }
          return c.text('other', 500);
        });
      }
      served = await serveFetch(app.fetch);
    });
    after(() => served.close());

    for (const path of ['/json', '/redirect']) {
      it(`${path}: a failed store write answers 503, without the app's response, Location or cookies`, async () => {
        store.failing.add('set');
        try {
          const res = await new HttpClient(served.url).request(path);
          assert.equal(res.status, 503);
          assert.deepEqual(res.setCookies, []);
          assert.equal(res.headers.get('location'), null);
          assert.doesNotMatch(res.body, /appResponse/);
          if (handler === 'default') assert.equal(res.body, 'Service Unavailable', 'the store error message is not shown to the client');
          else assert.deepEqual(JSON.parse(res.body), { code: 'ERR_STORE_FAILED', operation: 'set' });
        } finally {
          store.failing.delete('set');
        }
      });
    }

    it('a failed store read answers 503, and the session is there again once the store is', async () => {
      const c = new HttpClient(served.url);
      await c.request('/json');
      store.failing.add('get');
      try {
        const res = await c.request('/read');
        assert.equal(res.status, 503);
        if (handler === 'app.onError') {
          assert.deepEqual(JSON.parse(res.body), { code: 'ERR_STORE_FAILED', operation: 'get' });
          const err = seen.at(-1) as HTTPException;
          assert.ok(err instanceof HTTPException);
          assert.match(err.message, /session store get failed: get: connection lost/);
        }
      } finally {
        store.failing.delete('get');
      }
      assert.deepEqual(JSON.parse((await c.request('/read')).body), { views: 1 });
    });

    it('a store that hangs answers 503 after the store timeout, not never', async () => {
      const c = new HttpClient(served.url);
      await c.request('/json');
      store.hanging.add('get');
      try {
        const started = performance.now();
        const res = await c.request('/read');
        const elapsed = performance.now() - started;
        assert.equal(res.status, 503);
        if (handler === 'app.onError') assert.deepEqual(JSON.parse(res.body), { code: 'ERR_STORE_TIMEOUT', operation: 'get' });
        assert.ok(elapsed >= STORE_TIMEOUT * 0.9 && elapsed < STORE_TIMEOUT + 2000, `answered after ${Math.round(elapsed)} ms`);
      } finally {
        store.hanging.delete('get');
      }
    });
  });
}

describe('tessera/hono and errors that are not the store', () => {
  it("an app's own error still goes to its onError, and the session changes before it are committed with the error response", async () => {
    const app = new Hono<SessionEnv<Data>>();
    app.use(session(new SessionManager<Data>({ secret: TEST_SECRET, store: new FaultyStore(), warn: () => {} })));
    app.get('/boom', (c) => {
      c.get('session').honoViews = 1;
      throw new Error('boom');
    });
    app.onError((err, c) => c.text(`handled: ${err.message}`, 500));
    const res = await app.request('/boom');
    assert.equal(res.status, 500);
    assert.equal(await res.text(), 'handled: boom');
    assert.equal(res.headers.getSetCookie().length, 1, 'as under Express: the error response carries the session');
  });
});
