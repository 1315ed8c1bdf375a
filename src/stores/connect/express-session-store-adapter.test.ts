import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import session from 'express-session';
import { isTesseraError } from '../../core/errors.js';
import { boundedCalls } from '../../core/store.js';
import { storeConformance } from '../../testing/index.js';
import { fromExpressSessionStore, type ExpressSessionStoreLike } from './index.js';

/** express-session's MemoryStore keeps each session as the JSON string it will parse back. */
type InspectableMemoryStore = session.MemoryStore & { sessions: Record<string, string> };
const memoryStore = (): InspectableMemoryStore => new session.MemoryStore() as InspectableMemoryStore;

const HOUR = 3_600_000;
const sessionJson = (expiresAt: number, data: Record<string, unknown> = { views: 1 }): string =>
  JSON.stringify({
    cookie: { originalMaxAge: HOUR, expires: new Date(expiresAt).toISOString(), secure: false, httpOnly: true, path: '/' },
    ...data,
  });

/** A store failing every call the given way: real stores do this when their server is down. */
function failingStore(fail: (callback: (error?: unknown) => void) => void): ExpressSessionStoreLike {
  return {
    get: (_sid, cb) => fail(cb),
    set: (_sid, _session, cb) => fail(cb ?? (() => undefined)),
    destroy: (_sid, cb) => fail(cb ?? (() => undefined)),
    touch: (_sid, _session, cb) => fail(cb ?? (() => undefined)),
  };
}

storeConformance('fromExpressSessionStore(express-session MemoryStore)', () =>
  fromExpressSessionStore(new session.MemoryStore(), { expiry: 'cookie' }),
);

describe('fromExpressSessionStore', () => {
  it('throws a TypeError naming what is wrong', () => {
    assert.throws(() => fromExpressSessionStore({} as ExpressSessionStoreLike), /no get\(\) method/);
    assert.throws(() => fromExpressSessionStore(memoryStore(), { timeout: 0 }), /`timeout`/);
    assert.throws(() => fromExpressSessionStore(memoryStore(), { expiry: 'never' as 'store' }), /`expiry`/);
    assert.throws(() => fromExpressSessionStore(memoryStore(), { maxValueBytes: -1 }), /`maxValueBytes`/);
    assert.throws(() => fromExpressSessionStore(memoryStore(), { checkBeforeTouch: 1 as unknown as boolean }), /`checkBeforeTouch`/);
  });

  it('stores a session in express-session shape as that very session, readable by express-session', async () => {
    const target = memoryStore();
    const store = fromExpressSessionStore(target);
    const value = sessionJson(Date.now() + HOUR, { views: 3, user: { name: 'Zoë' } });
    await store.set('sid1', { value, expiresAt: Date.now() + HOUR });
    assert.equal(target.sessions.sid1, value, 'the MemoryStore holds exactly the JSON Tessera wrote');
    const seen = await new Promise<session.SessionData | null | undefined>((resolve, reject) =>
      target.get('sid1', (error, s) => (error ? reject(error) : resolve(s))),
    );
    assert.equal((seen as unknown as { views: number }).views, 3);
    assert.equal((await store.get('sid1'))?.value, value);
  });

  it('reads a session express-session wrote as its JSON', async () => {
    const target = memoryStore();
    const expires = new Date(Date.now() + HOUR);
    const written = { cookie: { originalMaxAge: HOUR, expires, httpOnly: true, path: '/' }, cart: ['a', 'b'] };
    await new Promise<void>((resolve, reject) =>
      target.set('sid2', written as unknown as session.SessionData, (e) => (e ? reject(e) : resolve())),
    );
    const record = await fromExpressSessionStore(target, { expiry: 'cookie' }).get('sid2');
    assert.deepEqual(record, { value: JSON.stringify(written), expiresAt: expires.getTime() });
    assert.equal(JSON.parse(record.value).cookie.expires, expires.toISOString());
  });

  it('reports +Infinity by default (the store enforces its TTL) and cookie.expires with expiry: "cookie"', async () => {
    const target = memoryStore();
    const expiresAt = Date.now() + 60_000;
    await fromExpressSessionStore(target).set('k', { value: 'opaque', expiresAt });
    assert.equal((await fromExpressSessionStore(target).get('k'))?.expiresAt, Number.POSITIVE_INFINITY);
    assert.equal((await fromExpressSessionStore(target, { expiry: 'cookie' }).get('k'))?.expiresAt, expiresAt);
  });

  it('with expiry: "cookie", treats a record past cookie.expires as missing even if the store still returns it', async () => {
    let now = Date.now();
    const target = memoryStore();
    const store = fromExpressSessionStore(target, { expiry: 'cookie', clock: () => now });
    await store.set('k', { value: 'opaque', expiresAt: now + 60_000 });
    now += 60_000;
    assert.equal(await store.get('k'), undefined);
    assert.ok(target.sessions.k, 'the wrapped store still holds it (its clock has not got there)');
  });

  it('maps an ENOENT error of get to "not found"', async () => {
    class FileLikeStore extends session.MemoryStore {
      override get(sid: string, callback: (error: unknown, s?: session.SessionData | null) => void): void {
        super.get(sid, (error, s) => (s ? callback(error, s) : callback(Object.assign(new Error('no such file'), { code: 'ENOENT' }))));
      }
    }
    const store = fromExpressSessionStore(new FileLikeStore());
    assert.equal(await store.get('missing'), undefined);
    await store.set('present', { value: 'v', expiresAt: Date.now() + 1000 });
    assert.equal((await store.get('present'))?.value, 'v');
  });

  it('turns store errors, synchronous throws and silence into StoreErrors of the operation', async () => {
    const boom = new Error('connection refused');
    const cases: Array<[string, ExpressSessionStoreLike, string]> = [
      ['callback error', failingStore((cb) => cb(boom)), 'ERR_STORE_FAILED'],
      ['throw', failingStore(() => { throw boom; }), 'ERR_STORE_FAILED'],
      ['never answers', failingStore(() => undefined), 'ERR_STORE_TIMEOUT'],
    ];
    // The deadline timer is unref'd (it must not keep an app alive): hold the loop open meanwhile.
    const keepAlive = setInterval(() => undefined, 1000);
    try {
      for (const [what, target, code] of cases) {
        const store = fromExpressSessionStore(target, { timeout: 50 });
        const record = { value: 'v', expiresAt: Date.now() + 1000 };
        for (const [operation, call] of [
          ['get', () => store.get('k')],
          ['set', () => store.set('k', record)],
          ['touch', () => store.touch('k', record)],
          ['delete', () => store.delete('k')],
        ] as const) {
          await assert.rejects(call(), (error: unknown) => {
            assert.ok(isTesseraError(error, code as 'ERR_STORE_FAILED'), `${what} ${operation}: ${String(error)}`);
            assert.equal((error as { operation?: string }).operation, operation);
            if (code === 'ERR_STORE_FAILED') assert.equal((error as Error).cause, boom);
            return true;
          });
        }
      }
    } finally {
      clearInterval(keepAlive);
    }
  });

  it('settles once when a store calls back twice', async () => {
    const target = failingStore((cb) => {
      cb();
      cb(new Error('late'));
    });
    assert.equal(await fromExpressSessionStore(target).delete('k'), undefined);
  });

  it('does not call a store without touch, leaving the record as set', async () => {
    const target = memoryStore();
    Object.defineProperty(target, 'touch', { value: undefined });
    const store = fromExpressSessionStore(target, { expiry: 'cookie' });
    const expiresAt = Date.now() + 60_000;
    await store.set('k', { value: 'v', expiresAt });
    await store.touch('k', { value: 'v', expiresAt: expiresAt + 60_000 });
    assert.deepEqual(await store.get('k'), { value: 'v', expiresAt });
  });

  it('touch hands the store a cookie with the new expiry, so its TTL follows', async () => {
    const target = memoryStore();
    const store = fromExpressSessionStore(target, { expiry: 'cookie' });
    await store.set('k', { value: 'v', expiresAt: Date.now() + 1000, userKey: 'u' });
    const later = Date.now() + 120_000;
    await store.touch('k', { value: 'v', expiresAt: later, userKey: 'u' });
    assert.deepEqual(await store.get('k'), { value: 'v', expiresAt: later, userKey: 'u' });
    assert.equal(JSON.parse(target.sessions.k ?? '{}').cookie.expires, new Date(later).toISOString());
  });

  it('refuses a value over maxValueBytes before writing anything', async () => {
    const target = memoryStore();
    const store = fromExpressSessionStore(target, { maxValueBytes: 4 });
    await assert.rejects(store.set('k', { value: 'ééé', expiresAt: Date.now() + 1000 }), (error: unknown) =>
      isTesseraError(error, 'ERR_STORE_VALUE_TOO_LARGE'),
    );
    assert.deepEqual(Object.keys(target.sessions), []);
  });

  it('close resolves twice and leaves the wrapped store working', async () => {
    const target = memoryStore();
    const store = fromExpressSessionStore(target);
    await store.close();
    await store.close();
    await store.set('k', { value: 'v', expiresAt: Date.now() + 1000 });
    assert.equal((await store.get('k'))?.value, 'v');
  });
});

describe('fromExpressSessionStore: no deadline, strict reads', () => {
  it('timeout: Infinity sets no deadline and makes the store unbounded (the manager then adds its own)', async () => {
    assert.equal(fromExpressSessionStore(memoryStore())[boundedCalls], true);
    const unbounded = fromExpressSessionStore(memoryStore(), { timeout: Number.POSITIVE_INFINITY });
    assert.equal(unbounded[boundedCalls], false);
    let answer: (() => void) | undefined;
    const slow: ExpressSessionStoreLike = { get: (_sid, cb) => void (answer = () => cb(null, null)), set: () => undefined, destroy: () => undefined };
    const pending = fromExpressSessionStore(slow, { timeout: Number.POSITIVE_INFINITY }).get('k');
    assert.equal(typeof answer, 'function');
    answer?.();
    assert.equal(await pending, undefined);
  });

  it('getStrict rejects with an ENOENT error that get reads as "not found"', async () => {
    const enoent = Object.assign(new Error('no such file'), { code: 'ENOENT' });
    const store = fromExpressSessionStore(failingStore((cb) => cb(enoent)));
    assert.equal(await store.get('k'), undefined);
    await assert.rejects(store.getStrict('k'), (error: unknown) => isTesseraError(error, 'ERR_STORE_FAILED') && (error as Error).cause === enoent);
  });
});
