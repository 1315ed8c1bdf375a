// The store write and Set-Cookie are committed before the status line, however the app ends
// its response: a gated store holds its write open, and the test checks that not a byte of the
// response (not even its head) reaches the client until the write has finished.
//
// GatedStore is a timing double: the real MemoryStore, with `set` held until the test opens
// the gate (a real server cannot be paused on cue). Everything it stores is real.
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { setTimeout as delay } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import type { Express } from 'express';
import { session } from './index.js';
import { commitBeforeHead } from '../node/commit-before-head.js';
import { SessionManager } from '../../index.js';
import type { Store, StoreRecord } from '../../core/store.js';
import { MemoryStore } from '../../stores/memory/memory-store.js';
import { expressVersions, listen, route, type Listening } from '../../../test/helpers/express-apps.js';
import { HttpClient } from '../../../test/helpers/http-client.js';
import { TEST_SECRET } from '../../../test/helpers/session-client.js';

class GatedStore implements Store {
  readonly inner = new MemoryStore({ sweepInterval: 0 });
  readonly log: string[] = [];
  /** Extra latency of every set, in ms (a slow network store). */
  latency = 0;
  #gate: Promise<void> | undefined;
  #open: (() => void) | undefined;
  #started: (() => void) | undefined;

  /** Holds the next set until `release()`; resolves once that set has started. */
  hold(): Promise<void> {
    this.#gate = new Promise((resolve) => (this.#open = resolve));
    return new Promise((resolve) => (this.#started = resolve));
  }

  release(): void {
    this.#open?.();
    this.#gate = undefined;
  }

  get(key: string): Promise<StoreRecord | undefined> {
    return this.inner.get(key);
  }
  async set(key: string, record: StoreRecord): Promise<void> {
    this.log.push('set:start');
    this.#started?.();
    if (this.#gate) await this.#gate;
    if (this.latency > 0) await delay(this.latency);
    await this.inner.set(key, record);
    this.log.push('set:done');
  }
  touch(key: string, record: StoreRecord): Promise<void> {
    return this.inner.touch(key, record);
  }
  delete(key: string): Promise<void> {
    return this.inner.delete(key);
  }
}

/** Every way the tests end a response, after writing to the session. */
function addRoutes(app: Express): void {
  app.get('/redirect', (req, res) => {
    req.session.expressViews = 1;
    res.redirect('/next');
  });
  app.get('/send', (req, res) => {
    req.session.expressViews = 1;
    res.send('hello');
  });
  app.get('/json', (req, res) => {
    req.session.expressViews = 1;
    res.json({ ok: true });
  });
  app.get('/chunks', (req, res) => {
    req.session.expressViews = 1;
    res.setHeader('Content-Type', 'text/plain');
    res.write('a');
    res.write('b');
    res.end('c');
  });
  app.get('/pipe', (req, res) => {
    req.session.expressViews = 1;
    res.setHeader('Content-Type', 'text/plain');
    Readable.from(['x', 'y', 'z']).pipe(res);
  });
  app.get('/write-head', (req, res) => {
    req.session.expressViews = 1;
    res.writeHead(201, { 'Set-Cookie': 'theme=dark; Path=/', 'Content-Type': 'text/plain' });
    res.end('made');
  });
  app.get('/write-head-raw', (req, res) => {
    req.session.expressViews = 1;
    res.writeHead(200, 'Fine', ['Set-Cookie', 'a=1; Path=/', 'Set-Cookie', 'b=2; Path=/', 'Content-Type', 'text/plain']);
    res.end('raw');
  });
  app.get('/res-cookie', (req, res) => {
    req.session.expressViews = 1;
    res.cookie('theme', 'light');
    res.send('both');
  });
  app.get('/flush', (req, res) => {
    req.session.expressViews = 1;
    res.flushHeaders();
    res.end('flushed');
  });
  app.get('/no-content', (req, res) => {
    req.session.expressViews = 1;
    res.status(204).end();
  });
  app.post(
    '/login',
    route(async (req, res) => {
      await req.session.regenerate();
      req.session.expressUser = 'alice';
      res.redirect('/me');
    }),
  );
  app.get('/me', (req, res) => {
    res.json({ user: req.session.expressUser ?? null });
  });
}

const cases: Array<{ path: string; status: number; body: string; cookies: string[] }> = [
  { path: '/redirect', status: 302, body: 'Found. Redirecting to /next', cookies: [] },
  { path: '/send', status: 200, body: 'hello', cookies: [] },
  { path: '/json', status: 200, body: '{"ok":true}', cookies: [] },
  { path: '/chunks', status: 200, body: 'abc', cookies: [] },
  { path: '/pipe', status: 200, body: 'xyz', cookies: [] },
  { path: '/write-head', status: 201, body: 'made', cookies: ['theme=dark; Path=/'] },
  { path: '/write-head-raw', status: 200, body: 'raw', cookies: ['a=1; Path=/', 'b=2; Path=/'] },
  { path: '/res-cookie', status: 200, body: 'both', cookies: ['theme=light; Path=/'] },
  { path: '/flush', status: 200, body: 'flushed', cookies: [] },
  { path: '/no-content', status: 204, body: '', cookies: [] },
];

/**
 * Requests `path` while the store's next write is held, and checks that not a byte of the
 * response arrived before the write was done, then that it is the expected response with
 * exactly one session cookie (`sid`) beside the app's own cookies.
 */
async function expectHeld(
  url: string,
  store: GatedStore,
  { path, status, body, cookies }: (typeof cases)[number],
): Promise<void> {
  store.log.length = 0;
  const started = store.hold();
  const client = new HttpClient(url);
  const pending = client.request(path).then((res) => {
    store.log.push('client:response');
    return res;
  });
  await started;
  await delay(50);
  assert.deepEqual(store.log, ['set:start'], 'the response head waited for the store');
  store.release();
  const res = await pending;
  assert.deepEqual(store.log, ['set:start', 'set:done', 'client:response']);
  assert.equal(res.status, status);
  assert.equal(res.body, body);
  assert.equal(res.setCookies.filter((c) => c.startsWith('sid=')).length, 1, 'exactly one session cookie');
  assert.deepEqual(
    res.setCookies.filter((c) => !c.startsWith('sid=')),
    cookies,
    "the app's own cookies arrive beside it",
  );
  assert.equal(store.inner.size > 0, true);
}

for (const { name, express } of expressVersions) {
  describe(`tessera/express commits before the status line (${name})`, () => {
    const store = new GatedStore();
    const manager = new SessionManager({ secret: TEST_SECRET, store, warn: () => {} });
    let server: Listening;

    before(async () => {
      const app = express();
      app.use(session(manager));
      addRoutes(app);
      server = await listen(app);
    });
    after(() => server.close());

    for (const c of cases) {
      it(`${c.path}: no response until the store write is done, then the session cookie`, () => expectHeld(server.url, store, c));
    }

    it('redirect then follow at once: the next request reads the session (no express-session race)', async () => {
      store.latency = 40; // a store slower than the client's follow-up request
      try {
        for (let i = 0; i < 3; i++) {
          const client = new HttpClient(server.url);
          const res = await client.request('/login', { method: 'POST' });
          assert.equal(res.status, 302);
          const follow = await client.request(res.headers.get('location') ?? '');
          assert.deepEqual(JSON.parse(follow.body), { user: 'alice' });
        }
      } finally {
        store.latency = 0;
      }
    });
  });
}

for (const { name, express } of expressVersions) {
  describe(`tessera/express holds the response whoever else wraps it (${name})`, () => {
    it('after an earlier middleware wrapped writeHead, write, end and flushHeaders itself', async (t) => {
      const store = new GatedStore();
      const calls: string[] = [];
      const app = express();
      // Own-property wrappers installed before the session middleware, as compression does.
      app.use((_req, res, next) => {
        for (const method of ['writeHead', 'write', 'end', 'flushHeaders'] as const) {
          const inner = res[method] as (...args: unknown[]) => unknown;
          (res as unknown as Record<string, unknown>)[method] = function (this: unknown, ...args: unknown[]) {
            calls.push(method);
            return inner.apply(this, args);
          };
        }
        next();
      });
      app.use(session(new SessionManager({ secret: TEST_SECRET, store, warn: () => {} })));
      addRoutes(app);
      const server = await listen(app);
      t.after(() => server.close());
      for (const c of cases.filter((x) => ['/send', '/chunks', '/flush', '/write-head'].includes(x.path))) {
        calls.length = 0;
        await expectHeld(server.url, store, c);
        assert.ok(calls.includes('end'), `${c.path}: the earlier wrapper still sees the calls`);
      }
    });

    it('when the route is in a mounted sub-app (Express swaps the response prototype on the way in)', async (t) => {
      const store = new GatedStore();
      const app = express();
      app.use(session(new SessionManager({ secret: TEST_SECRET, store, warn: () => {} })));
      const sub = express();
      addRoutes(sub);
      app.use('/sub', sub);
      const server = await listen(app);
      t.after(() => server.close());
      for (const c of cases.filter((x) => ['/send', '/json', '/pipe'].includes(x.path))) {
        await expectHeld(server.url, store, { ...c, path: `/sub${c.path}` });
      }
    });

    it('when two layers hold the same response, both finish before the head', async (t) => {
      const store = new GatedStore();
      const app = express();
      app.use(session(new SessionManager({ secret: TEST_SECRET, store, warn: () => {} })));
      // A second hold on the same response (another session layer): its commit takes 30 ms.
      app.use((_req, res, next) => {
        commitBeforeHead(
          res,
          async () => {
            await delay(30);
            store.log.push('second:done');
            return 'other=1; Path=/';
          },
          next,
        );
        next();
      });
      addRoutes(app);
      const server = await listen(app);
      t.after(() => server.close());
      store.log.length = 0;
      const res = await new HttpClient(server.url).request('/send').then((r) => {
        store.log.push('client:response');
        return r;
      });
      assert.equal(res.status, 200);
      assert.equal(res.body, 'hello');
      assert.deepEqual(store.log.slice(-1), ['client:response']);
      assert.ok(store.log.includes('set:done') && store.log.includes('second:done'), store.log.join(','));
      assert.equal(res.setCookies.filter((c) => c.startsWith('sid=')).length, 1);
      assert.ok(res.setCookies.includes('other=1; Path=/'), res.setCookies.join(' | '));
    });
  });
}
