// session.MemoryStore: express-session's callback API (get/set/destroy/touch/all/length/clear/
// load) over Tessera's bounded store, Promises without callbacks, expiry, both ways of
// extending it, and sessions built outside the middleware (store.load, new Session(req, data)).
import assert from 'node:assert/strict';
import { describe, it, mock } from 'node:test';
import { inherits } from 'node:util';
import session, { type SessionObject } from '../../src/adapters/express-session/index.js';
import { manualClock } from '../helpers/manual-clock.js';
import { data, eachExpress, SECRET, start } from './helpers.js';

type Store = InstanceType<typeof session.MemoryStore>;
const cookie = (expires: number | null, originalMaxAge: number | null = null) => ({
  originalMaxAge,
  expires: expires === null ? null : new Date(expires).toISOString(),
  httpOnly: true,
  path: '/',
});
const cb = <T>(run: (done: (err: unknown, value?: T) => void) => void) =>
  new Promise<T | undefined>((resolve, reject) => run((err, value) => (err ? reject(err) : resolve(value))));

describe('session.MemoryStore', () => {
  it('sets, gets and destroys with callbacks, in express-session shape', async () => {
    const store = new session.MemoryStore();
    const expires = Date.now() + 60_000;
    await cb<void>((done) => store.set('a', { cookie: cookie(expires, 60_000), n: 1 }, done));
    const got = await cb<SessionObject | null>((done) => store.get('a', done));
    assert.deepEqual(got, { cookie: cookie(expires, 60_000), n: 1 });
    await cb<void>((done) => store.destroy('a', done));
    assert.equal(await cb<SessionObject | null>((done) => store.get('a', done)), undefined);
  });

  it('returns Promises when called without a callback', async () => {
    const store = new session.MemoryStore();
    await store.set('a', { cookie: cookie(null), n: 1 });
    assert.equal((await store.get('a'))?.n, 1);
    assert.deepEqual(Object.keys(await store.all()), ['a']);
    assert.equal(await store.length(), 1);
    await store.clear();
    assert.equal(await store.length(), 0);
  });

  it('rejects an oversized session to an awaiting caller, and drops it quietly for a fire-and-forget one', async (t) => {
    const unhandled: unknown[] = [];
    const listener = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', listener);
    t.after(() => process.off('unhandledRejection', listener));
    const store = new session.MemoryStore({ maxValueBytes: 100 });
    const big = { cookie: cookie(null), blob: 'x'.repeat(200) };
    await assert.rejects(store.set('big', big), { code: 'ERR_STORE_VALUE_TOO_LARGE' });
    void store.set('big', big);
    await new Promise((resolve) => setTimeout(resolve, 10));
    assert.deepEqual(unhandled, []);
    assert.equal(await store.get('big'), undefined);
  });

  it('lists with all and length, and empties with clear', async () => {
    const store = new session.MemoryStore();
    await store.set('a', { cookie: cookie(null), n: 1 });
    await store.set('b', { cookie: cookie(null), n: 2 });
    const all = await cb<Record<string, SessionObject>>((done) => store.all(done));
    assert.deepEqual(Object.fromEntries(Object.entries(all ?? {}).map(([k, v]) => [k, v.n])), { a: 1, b: 2 });
    assert.equal(await cb<number>((done) => store.length(done)), 2);
    await cb<void>((done) => store.clear(done));
    assert.equal(await cb<number>((done) => store.length(done)), 0);
  });

  it('drops expired sessions from get and all', async () => {
    const clock = manualClock(Date.now());
    const store = new session.MemoryStore({ clock: clock.now });
    await store.set('short', { cookie: cookie(clock.now() + 1000, 1000), n: 1 });
    await store.set('long', { cookie: cookie(clock.now() + 60_000, 60_000), n: 2 });
    clock.advance(1000);
    assert.equal(await store.get('short'), undefined);
    assert.deepEqual(Object.keys(await store.all()), ['long']);
  });

  it('touch moves the expiry and the stored cookie, keeping the data', async () => {
    const clock = manualClock(Date.now());
    const store = new session.MemoryStore({ clock: clock.now });
    await store.set('a', { cookie: cookie(clock.now() + 1000, 1000), n: 1 });
    const later = clock.now() + 5000;
    await cb<void>((done) => store.touch('a', { cookie: cookie(later, 1000), n: 999 }, done));
    clock.advance(2000);
    assert.deepEqual(await store.get('a'), { cookie: cookie(later, 1000), n: 1 });
  });

  it('is bounded: beyond maxSessions the least recently used session goes', async () => {
    const store = new session.MemoryStore({ maxSessions: 2 });
    await store.set('a', { cookie: cookie(null) });
    await store.set('b', { cookie: cookie(null) });
    await store.get('a');
    await store.set('c', { cookie: cookie(null) });
    assert.deepEqual(Object.keys(await store.all()).sort(), ['a', 'c']);
  });

  it('loads a live Session (store.load) that saves, reloads and destroys through the store', async () => {
    const store = new session.MemoryStore();
    await store.set('sid-1', { cookie: cookie(Date.now() + 60_000, 60_000), n: 1 });
    const loaded = await cb<InstanceType<typeof session.Session>>((done) => store.load('sid-1', done));
    assert.ok(loaded instanceof session.Session);
    assert.equal(loaded.id, 'sid-1');
    assert.equal(loaded.cookie.originalMaxAge, 60_000);
    const fields = loaded as unknown as Record<string, number>;
    fields.n = 2;
    await loaded.save();
    assert.equal((await store.get('sid-1'))?.n, 2);
    fields.n = 3;
    await loaded.reload();
    assert.equal(fields.n, 2);
    await loaded.destroy();
    assert.equal(await store.get('sid-1'), undefined);
    assert.equal(await cb((done) => store.load('missing', done)), undefined);
  });

  it('builds sessions with new Session(req, data) and store.createSession(req, data)', async () => {
    const store = new session.MemoryStore();
    const req: { sessionID: string; sessionStore: Store; session?: unknown } = { sessionID: 'sid-2', sessionStore: store };
    const created = store.createSession(req, { cookie: cookie(Date.now() + 10_000, 10_000), n: 5 });
    assert.equal(req.session, created);
    assert.ok(created.cookie.expires instanceof Date, 'a string expires becomes a Date');
    assert.equal(created.cookie.originalMaxAge, 10_000, 'originalMaxAge is kept');
    const direct = new session.Session(req, { cookie: cookie(null), n: 6 });
    await direct.save();
    assert.equal((await store.get('sid-2'))?.n, 6);
  });

  it('can be extended the old way (MemoryStore.call + util.inherits)', async () => {
    interface Logged extends Store {
      log: string[];
    }
    function LoggedStore(this: Logged): void {
      session.MemoryStore.call(this);
      this.log = [];
    }
    inherits(LoggedStore, session.MemoryStore);
    // Written as plain JavaScript would be: the parent's method called with the subclass's `this`.
    (LoggedStore.prototype as { set: unknown }).set = function set(this: Logged, sid: string, sess: SessionObject, done?: (err?: unknown) => void) {
      this.log.push(sid);
      session.MemoryStore.prototype.set.call(this, sid, sess, done);
    };
    const store = new (LoggedStore as unknown as new () => Logged)();
    assert.ok(store instanceof session.MemoryStore && store instanceof session.Store);
    await cb<void>((done) => store.set('a', { cookie: cookie(null), n: 1 }, done));
    assert.deepEqual(store.log, ['a']);
    assert.equal((await store.get('a'))?.n, 1);
  });
});

describe('session.MemoryStore in production', () => {
  it('warns once that it is for one process only', (t) => {
    const warn = mock.method(console, 'warn', () => undefined);
    t.after(() => warn.mock.restore());
    const env = process.env.NODE_ENV;
    process.env.NODE_ENV = 'production';
    t.after(() => {
      process.env.NODE_ENV = env;
    });
    session({ secret: SECRET });
    session({ secret: SECRET, store: new session.MemoryStore() });
    assert.equal(warn.mock.callCount(), 1);
    assert.match(String(warn.mock.calls[0]?.arguments[0]), /MemoryStore/);
  });
});

eachExpress((express) => {
  it('serves as the default store, and subclasses overriding storage methods are called', async (t) => {
    class Counting extends session.MemoryStore {
      gets = 0;
      override get(sid: string, callback?: (err: any, s?: SessionObject | null) => void): any {
        this.gets++;
        return callback ? super.get(sid, callback) : super.get(sid);
      }
    }
    const store = new Counting();
    const app = await start(t, express, { secret: SECRET, store }, (a) => a.get('/', (req, res) => {
      data(req).n = (data(req).n ?? 0) + 1;
      res.send(String(data(req).n));
    }));
    const browser = app.client();
    await browser.request('/');
    assert.equal((await browser.request('/')).body, '2');
    assert.equal(store.gets, 1, 'the overridden get is used');
    assert.equal(await store.length(), 1);
    const defaults = await start(t, express, { secret: SECRET }, (a) => a.get('/', (req, res) => res.send(req.sessionStore instanceof session.MemoryStore)));
    assert.equal((await defaults.client().request('/')).body, 'true');
  });
});
