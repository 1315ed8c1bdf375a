// A store's methods are the ones it has when the request runs: `get`/`set`/`touch`/`destroy`
// replaced on a `session.MemoryStore` instance after `session({ store })`, or overridden by a
// subclass, are called exactly as express-session calls them (side by side with the real
// express-session and its own MemoryStore); their errors reach `next(err)`, and a `get` error
// with `code: 'ENOENT'` means "no session".
import assert from 'node:assert/strict';
import { it, type TestContext } from 'node:test';
import type express from 'express';
import type { Express } from 'express';
import session, { type ExpressSessionOptions } from '../../src/adapters/express-session/index.js';
import { data, eachExpress, realExpressSession, SECRET, setCookieFor, start, type RunningApp } from './helpers.js';

type Callback = (err?: unknown, result?: unknown) => void;
type AnyStore = Record<'get' | 'set' | 'touch' | 'destroy', (...args: any[]) => unknown>;

const routes = (app: Express) => {
  app.get('/write', (req, res) => {
    data(req).n = (data(req).n ?? 0) + 1;
    res.send(String(data(req).n));
  });
  app.get('/read', (req, res) => res.send(String(data(req).n ?? 'none')));
  app.get('/destroy', (req, res, next) => req.session.destroy((err) => (err ? next(err) : res.send('destroyed'))));
};

interface Side {
  app: RunningApp;
  store: AnyStore;
}

/** The same app twice: on the real express-session with its MemoryStore, and on the drop-in with ours. */
async function bothSides(t: TestContext, createApp: typeof express, options: ExpressSessionOptions = {}): Promise<[Side, Side]> {
  const real = realExpressSession();
  const theirStore = new real.MemoryStore() as unknown as AnyStore;
  const ourStore = new session.MemoryStore() as unknown as AnyStore;
  const opts = { secret: SECRET, ...options };
  const theirs = await start(t, createApp, undefined, routes, { mount: (app) => app.use(real({ ...opts, store: theirStore })) });
  const ours = await start(t, createApp, undefined, routes, { mount: (app) => app.use(session({ ...opts, store: ourStore as never })) });
  return [
    { app: theirs, store: theirStore },
    { app: ours, store: ourStore },
  ];
}

/** Replaces `method` on the instance with a counting wrapper around the original (optionally failing). */
function instrument(store: AnyStore, method: keyof AnyStore, fail?: (sid: string) => unknown): { calls: string[] } {
  const original = store[method];
  const log = { calls: [] as string[] };
  store[method] = function (this: unknown, sid: string, ...rest: unknown[]) {
    log.calls.push(sid);
    const callback = rest.find((r) => typeof r === 'function') as Callback | undefined;
    const error = fail?.(sid);
    if (error !== undefined) {
      setImmediate(() => callback?.(error));
      return undefined;
    }
    return original.call(this, sid, ...rest);
  };
  return log;
}

async function run(side: Side, paths: string[]): Promise<string[]> {
  const client = side.app.client();
  const out: string[] = [];
  for (const path of paths) {
    const res = await client.request(path);
    out.push(`${path} ${res.status} ${res.body} cookie:${setCookieFor(res.setCookies) ? 'yes' : 'no'}`);
  }
  return out;
}

eachExpress((createApp) => {
  it('a replaced get that fails: 500 with the store’s error, as express-session', async (t) => {
    const sides = await bothSides(t, createApp);
    const results = [];
    for (const side of sides) {
      const client = side.app.client();
      await client.request('/write');
      instrument(side.store, 'get', () => new Error('get injected'));
      const res = await client.request('/read');
      results.push(`${res.status} ${res.body}`);
    }
    assert.equal(results[0], '500 error: get injected');
    assert.deepEqual(results[1], results[0]);
  });

  it('a replaced get that reports ENOENT: a new session, as express-session', async (t) => {
    const sides = await bothSides(t, createApp);
    const results = [];
    for (const side of sides) {
      const client = side.app.client();
      await client.request('/write');
      const log = instrument(side.store, 'get', () => Object.assign(new Error('no such file'), { code: 'ENOENT' }));
      const res = await client.request('/read');
      results.push(`${res.status} ${res.body} cookie:${setCookieFor(res.setCookies) ? 'yes' : 'no'} gets:${log.calls.length}`);
    }
    assert.equal(results[0], '200 none cookie:yes gets:1');
    assert.deepEqual(results[1], results[0]);
  });

  it('a replaced set is called once per request, and its error reaches next(err)', async (t) => {
    const sides = await bothSides(t, createApp);
    const results = [];
    for (const side of sides) {
      const log = instrument(side.store, 'set', () => (log.calls.length === 4 ? new Error('set injected') : undefined));
      const trace = await run(side, ['/write', '/read', '/write', '/read']);
      results.push({ trace, sets: log.calls.length });
    }
    const calls = { trace: ['/write 200 1 cookie:yes', '/read 200 1 cookie:no', '/write 200 2 cookie:no'], sets: 4 };
    // express-session has already answered 200 when its save fails (next(err) comes too late to
    // answer); the drop-in saves before the head (the documented difference), so the error is the answer.
    assert.deepEqual(results[0], { ...calls, trace: [...calls.trace, '/read 200 2 cookie:no'] });
    assert.deepEqual(results[1], { ...calls, trace: [...calls.trace, '/read 500 error: set injected cookie:no'] });
  });

  it('a replaced touch is called on every unchanged request with resave: false', async (t) => {
    const sides = await bothSides(t, createApp, { resave: false, cookie: { maxAge: 60_000 } });
    const results = [];
    for (const side of sides) {
      const log = instrument(side.store, 'touch');
      const trace = await run(side, ['/write', '/read', '/read', '/read']);
      results.push({ trace, touches: log.calls.length });
    }
    assert.equal(results[0]?.touches, 3);
    assert.deepEqual(results[1], results[0]);
  });

  it('a replaced destroy that fails: its error reaches the callback (and next)', async (t) => {
    const sides = await bothSides(t, createApp);
    const results = [];
    for (const side of sides) {
      const log = instrument(side.store, 'destroy', () => new Error('destroy injected'));
      const trace = await run(side, ['/write', '/destroy']);
      results.push({ trace, destroys: log.calls.length });
    }
    assert.deepEqual(results[0], { trace: ['/write 200 1 cookie:yes', '/destroy 500 error: destroy injected cookie:no'], destroys: 1 });
    assert.deepEqual(results[1], results[0]);
  });

  it('a method replaced mid-life is used from the next request on; put back, it is no longer called', async (t) => {
    const [, ours] = await bothSides(t, createApp);
    const client = ours.app.client();
    await client.request('/write');
    const log = instrument(ours.store, 'set');
    await client.request('/write');
    await client.request('/write');
    delete (ours.store as Partial<AnyStore>).set; // back to the prototype's own
    const res = await client.request('/write');
    assert.equal(log.calls.length, 2);
    assert.equal(res.body, '4');
  });

  it('a subclass of session.MemoryStore overriding get/set: its methods are called (ES class)', async (t) => {
    const calls: string[] = [];
    class AuditedStore extends session.MemoryStore {
      override get(sid: string, cb?: any): any {
        calls.push('get');
        return super.get(sid, cb);
      }
      override set(sid: string, sess: any, cb?: any): any {
        calls.push('set');
        if (sess.n === 3) {
          process.nextTick(() => cb?.(new Error('quota')));
          return undefined;
        }
        return super.set(sid, sess, cb);
      }
    }
    const store = new AuditedStore();
    const app = await start(t, createApp, { secret: SECRET, store }, routes);
    const client = app.client();
    const trace = [];
    for (let i = 0; i < 3; i++) trace.push((await client.request('/write')).status);
    assert.deepEqual(trace, [200, 200, 500]);
    assert.deepEqual(calls, ['set', 'get', 'set', 'get', 'set']);
  });
});
