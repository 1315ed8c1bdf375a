// The drop-in's opt-in outage options, over HTTP with an express-session store that fails and
// recovers: by default nothing changes (every request reaches the store and gets the store's
// own error through next(err)); `circuitBreaker` fails fast with a 503 once the store keeps
// failing and closes again after a successful trial; `onStoreError: 'anonymous'` serves a
// fresh, unsaved session without a cookie while the store cannot be read, and the real session
// is there again once it can.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { Express, NextFunction, Request, Response } from 'express';
import session from '../../src/adapters/express-session/index.js';
import { isDegraded } from '../../src/core/outage-policy.js';
import { manualClock } from '../helpers/manual-clock.js';
import { CountingStore, data, eachExpress, SECRET, setCookieFor, start } from './helpers.js';

const routes = (app: Express): void => {
  app.get('/write', (req, res) => {
    data(req).n = 1;
    res.send('written');
  });
  app.get('/read', (req, res) => res.send(`${String(data(req).n ?? 'none')} ${isDegraded(req.session) ? 'degraded' : 'live'}`));
  // Says which error reached next(err): its status, code and message.
  app.use((err: Error & { status?: number; code?: string }, _req: Request, res: Response, _next: NextFunction) => {
    res.status(err.status ?? 500).send(`${err.code ?? '-'} ${err.message}`);
  });
};

eachExpress((express) => {
  it('by default (no opt-in) every request reaches the failing store and gets its own error', async (t) => {
    const store = new CountingStore();
    const app = await start(t, express, { secret: SECRET, store }, routes, { errors: 'express' });
    const client = app.client();
    await client.request('/write');
    store.failing.add('get');
    store.reset();
    for (let i = 0; i < 8; i++) {
      const res = await client.request('/read');
      assert.deepEqual([res.status, res.body], [500, '- get failed']);
    }
    assert.equal(store.calls.get, 8, 'no breaker: all eight went to the store');
  });

  it('circuitBreaker: after `failures` errors it answers 503 at once, then a trial after the cool-down closes it', async (t) => {
    const clock = manualClock();
    const store = new CountingStore();
    const app = await start(t, express, { secret: SECRET, store, clock: clock.now, circuitBreaker: { failures: 2, cooldown: 1000 } }, routes, { errors: 'express' });
    const client = app.client();
    await client.request('/write');
    store.failing.add('get');
    store.reset();
    for (let i = 0; i < 2; i++) assert.deepEqual(await bodyOf(client.request('/read')), [500, '- get failed'], 'the store’s own error while closed');
    for (let i = 0; i < 3; i++) {
      const [status, body] = await bodyOf(client.request('/read'));
      assert.equal(status, 503);
      assert.match(body, /^ERR_STORE_UNAVAILABLE session store get not attempted: the circuit breaker is open/);
    }
    assert.equal(store.calls.get, 2, 'the open breaker kept three requests off the store');
    store.failing.clear();
    assert.equal((await client.request('/read')).status, 503, 'still cooling down');
    clock.advance(1000);
    assert.deepEqual(await bodyOf(client.request('/read')), [200, '1 live'], 'the trial succeeded; the session stored before the outage is intact');
    assert.deepEqual(await bodyOf(client.request('/read')), [200, '1 live']);
    assert.equal(store.calls.get, 4);
  });

  it('circuitBreaker: true takes the defaults (5 failures)', async (t) => {
    const store = new CountingStore();
    const app = await start(t, express, { secret: SECRET, store, circuitBreaker: true }, routes, { errors: 'express' });
    const client = app.client();
    await client.request('/write');
    store.failing.add('get');
    store.reset();
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push((await client.request('/read')).status);
    assert.deepEqual(statuses, [500, 500, 500, 500, 500, 503, 503]);
    assert.equal(store.calls.get, 5);
  });

  it("onStoreError 'anonymous': a failed load serves a fresh session, unsaved and without a cookie; the real one is back after", async (t) => {
    const store = new CountingStore();
    const app = await start(t, express, { secret: SECRET, store, onStoreError: 'anonymous' }, routes, { errors: 'express' });
    const client = app.client();
    await client.request('/write');
    const cookie = client.jar.get('connect.sid');
    store.failing.add('get');
    store.reset();
    for (let i = 0; i < 3; i++) {
      const res = await client.request('/read');
      assert.deepEqual([res.status, res.body], [200, 'none degraded']);
      assert.equal(setCookieFor(res.setCookies), undefined, 'no cookie to overwrite the real one');
    }
    // saveUninitialized and resave (express-session's defaults) would write; a degraded session never is.
    assert.deepEqual([store.calls.set, store.calls.touch], [0, 0]);
    assert.equal(client.jar.get('connect.sid'), cookie);
    store.failing.clear();
    assert.deepEqual(await bodyOf(client.request('/read')), [200, '1 live']);
  });

  it("onStoreError 'anonymous': a failed write still goes to next(err) with the store's own error", async (t) => {
    const store = new CountingStore();
    const app = await start(t, express, { secret: SECRET, store, onStoreError: 'anonymous' }, routes, { errors: 'express' });
    const client = app.client();
    await client.request('/write');
    store.failing.add('set');
    assert.deepEqual(await bodyOf(client.request('/write')), [500, '- set failed']);
  });

  it('metrics: the drop-in reports store calls, hits and the breaker through the same hook', async (t) => {
    const store = new CountingStore();
    const seen: string[] = [];
    const metrics = {
      storeCall: (operation: string, _ms: number, outcome: string) => void seen.push(`${operation}:${outcome}`),
      count: (event: string) => void seen.push(event),
      circuit: (state: string) => void seen.push(`circuit:${state}`),
    };
    const app = await start(t, express, { secret: SECRET, store, metrics, circuitBreaker: { failures: 1 } }, routes, { errors: 'express' });
    const client = app.client();
    await client.request('/write');
    await client.request('/read');
    store.failing.add('get');
    await client.request('/read');
    await client.request('/read');
    // resave (express-session's default) writes the unchanged session with a plain set.
    assert.deepEqual(seen, ['set:ok', 'get:ok', 'hit', 'set:ok', 'get:failed', 'circuit:open', 'get:unavailable']);
  });

  it('refuses bad values with a TypeError naming the option', () => {
    assert.throws(() => session({ secret: SECRET, onStoreError: 'ignore' as never }), /onStoreError must be 'fail'/);
    assert.throws(() => session({ secret: SECRET, circuitBreaker: { failures: 0 } }), /circuitBreaker\.failures/);
    assert.throws(() => session({ secret: SECRET, circuitBreaker: 'on' as never }), /circuitBreaker must be false or an object/);
    assert.throws(() => session({ secret: SECRET, metrics: {} as never }), /metrics must be an object/);
  });
});

async function bodyOf(response: Promise<{ status: number; body: string }>): Promise<[number, string]> {
  const { status, body } = await response;
  return [status, body];
}
