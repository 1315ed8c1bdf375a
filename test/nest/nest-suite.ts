/**
 * One suite for both Nest platforms, run over a real port with a cookie jar: the session is
 * created and read back, login rotates its ID (the old cookie no longer finds it), logout ends
 * it, and a store that fails or hangs answers a 503 through Nest's exception layer (its JSON
 * shape, `{ statusCode, message }`), never the app's reply and never a hang.
 *
 * @module
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { HttpClient, type HttpResult } from '../helpers/http-client.js';
import { TEST_SECRET } from '../helpers/session-client.js';
import { MemoryStore } from '../../src/stores/memory/memory-store.js';
import type { Store } from '../../src/core/store.js';
import { FaultyStore } from '../helpers/faulty-store.js';
import type { NestListening } from './apps/listening.js';

/** Starts one of the Nest test apps. */
export type StartNest = (options: { secret: string; store: Store; storeTimeout?: number }) => Promise<NestListening>;

interface Home {
  views: number;
  user: string | null;
  id: string;
}

function home(result: HttpResult): Home {
  assert.equal(result.status, 200, result.body);
  return JSON.parse(result.body) as Home;
}

/** What Nest's exception layer answers for a `StoreError` (503, the status message, no details). */
function assertNestStoreError(result: HttpResult): void {
  assert.equal(result.status, 503, result.body);
  assert.deepEqual(JSON.parse(result.body), { statusCode: 503, message: 'Service Unavailable' });
  assert.deepEqual(result.setCookies, [], 'no cookie rides on the error');
}

/** The suite, for the app `start` builds. */
export function nestSessionSuite(platform: string, start: StartNest): void {
  describe(`NestJS on ${platform}: sessions`, () => {
    let app: NestListening;
    before(async () => {
      app = await start({ secret: TEST_SECRET, store: new MemoryStore({ sweepInterval: 0 }) });
    });
    after(() => app.close());

    it('creates a session, then reads it back', async () => {
      const client = new HttpClient(app.url);
      const first = await client.request('/');
      const one = home(first);
      assert.equal(one.views, 1);
      assert.equal(first.setCookies.length, 1);
      assert.match(first.headers.get('vary') ?? '', /Cookie/i);
      const two = home(await client.request('/'));
      assert.deepEqual(two, { views: 2, user: null, id: one.id });
    });

    it('login rotates the session ID; the old cookie finds nothing; logout ends the session', async () => {
      const client = new HttpClient(app.url);
      const before = home(await client.request('/'));
      const oldCookie = client.cookieHeader;
      const login = await client.request('/login', { method: 'POST' });
      assert.equal(login.status, 303, login.body);
      assert.equal(login.headers.get('location'), '/');
      assert.equal(login.setCookies.length, 1);
      assert.notEqual(client.cookieHeader, oldCookie);
      const after = home(await client.request('/'));
      assert.equal(after.user, 'u1');
      assert.notEqual(after.id, before.id);
      const replayed = home(await new HttpClient(app.url, { cookie: oldCookie ?? '' }).request('/'));
      assert.equal(replayed.user, null);
      assert.notEqual(replayed.id, before.id);

      const logout = await client.request('/logout', { method: 'POST' });
      assert.equal(logout.status, 303, logout.body);
      assert.equal(client.jar.size, 0, 'the cookie is deleted');
      assert.equal(home(await client.request('/')).user, null);
    });
  });

  describe(`NestJS on ${platform}: a failing store`, () => {
    const store = new FaultyStore();
    let app: NestListening;
    before(async () => {
      app = await start({ secret: TEST_SECRET, store, storeTimeout: 100 });
    });
    after(() => app.close());

    it('a failed load is a 503 from Nest', async () => {
      const client = new HttpClient(app.url);
      home(await client.request('/'));
      store.failing.add('get');
      try {
        assertNestStoreError(await client.request('/'));
      } finally {
        store.failing.clear();
      }
      assert.equal(home(await client.request('/')).views, 2, 'the session survived the outage');
    });

    it('a failed commit is a 503 from Nest, not the 200 whose session was lost', async () => {
      store.failing.add('set');
      try {
        assertNestStoreError(await new HttpClient(app.url).request('/'));
      } finally {
        store.failing.clear();
      }
    });

    it('a failed login is a 503 from Nest, not the redirect', async () => {
      const client = new HttpClient(app.url);
      home(await client.request('/'));
      store.failing.add('set');
      store.failing.add('delete');
      try {
        const login = await client.request('/login', { method: 'POST' });
        assertNestStoreError(login);
        assert.equal(login.headers.get('location'), null);
      } finally {
        store.failing.clear();
      }
      assert.equal(home(await client.request('/')).user, null);
    });

    it('a hanging store is a 503 from Nest within storeTimeout', { timeout: 10_000 }, async () => {
      const client = new HttpClient(app.url);
      home(await client.request('/'));
      store.hanging.add('get');
      try {
        assertNestStoreError(await client.request('/'));
      } finally {
        store.hanging.clear();
      }
    });
  });
}
