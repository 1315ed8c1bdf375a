// SessionManager's options: every bad option throws a TypeError at construction that names the
// option, and the defaults are the secure ones.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SessionManager, type SessionManagerOptions } from '../index.js';
import { MemoryStore } from '../stores/memory/memory-store.js';

const secret = 'x'.repeat(32);

/** Constructs with `options` (deliberately untyped: these are the mistakes a JS caller makes). */
function make(options: unknown): SessionManager {
  return new SessionManager(options as SessionManagerOptions);
}

function throwsNaming(options: unknown, option: string | RegExp): void {
  assert.throws(() => make(options), (error: unknown) => {
    assert.ok(error instanceof TypeError, `expected a TypeError, got ${String(error)}`);
    if (typeof option === 'string') assert.ok(error.message.includes(option), `"${error.message}" does not name ${option}`);
    else assert.match(error.message, option);
    return true;
  });
}

describe('SessionManager options: secret', () => {
  it('requires options at all', () => {
    throwsNaming(undefined, 'secret');
    throwsNaming(null, 'secret');
  });
  it('requires a secret, and says how to make one', () => {
    throwsNaming({}, /secret is required.*32 characters/);
    throwsNaming({ secret: '' }, 'secret');
    throwsNaming({ secret: null }, 'secret');
  });
  it('refuses a secret shorter than 32 characters', () => {
    throwsNaming({ secret: 'x'.repeat(31) }, /secret is too short.*got 31/);
    throwsNaming({ secret: Buffer.alloc(16) }, 'secret is too short');
  });
  it('refuses an empty array, and names the bad entry of a list', () => {
    throwsNaming({ secret: [] }, 'secret must not be an empty array');
    throwsNaming({ secret: [secret, 'short'] }, 'secret[1] is too short');
    throwsNaming({ secret: [secret, 42] }, 'secret[1] must be a string or a Buffer');
  });
  it('refuses a secret that is neither a string nor a Buffer', () => {
    throwsNaming({ secret: 1234567890123456789012345678901234567890 }, 'secret must be a string or a Buffer');
  });
  it('accepts a string, a 32-byte Buffer, or a list of them', () => {
    make({ secret });
    make({ secret: Buffer.alloc(32, 1) });
    make({ secret: [secret, Buffer.alloc(32, 2)] });
  });
});

describe('SessionManager options: cookie', () => {
  it('refuses an unknown sameSite', () => {
    throwsNaming({ secret, cookie: { sameSite: 'sometimes' } }, 'cookie.sameSite');
  });
  it("refuses sameSite 'none' with secure false", () => {
    throwsNaming({ secret, cookie: { sameSite: 'none', secure: false } }, 'cookie.sameSite');
  });
  it('refuses a negative or non-numeric maxAge', () => {
    throwsNaming({ secret, cookie: { maxAge: -1 } }, 'cookie.maxAge');
    throwsNaming({ secret, cookie: { maxAge: '1h' } }, 'cookie.maxAge');
    throwsNaming({ secret, cookie: { maxAge: Number.NaN } }, 'cookie.maxAge');
  });
  it('refuses an invalid expires, priority, secure, path or domain', () => {
    throwsNaming({ secret, cookie: { expires: new Date('nope') } }, 'cookie.expires');
    throwsNaming({ secret, cookie: { priority: 'urgent' } }, 'cookie.priority');
    throwsNaming({ secret, cookie: { secure: 'yes' } }, 'cookie.secure');
    throwsNaming({ secret, cookie: { path: 'app' } }, 'cookie.path');
    throwsNaming({ secret, cookie: { domain: '' } }, 'cookie.domain');
  });
  it('refuses non-boolean httpOnly and partitioned', () => {
    throwsNaming({ secret, cookie: { httpOnly: 'false' } }, 'cookie.httpOnly');
    throwsNaming({ secret, cookie: { partitioned: 1 } }, 'cookie.partitioned');
  });
  it('refuses a cookie option that is not an object', () => {
    throwsNaming({ secret, cookie: 'httpOnly' }, 'cookie');
  });
  it('accepts the documented values', () => {
    for (const sameSite of ['lax', 'strict', 'none', 'auto', 'Lax', true, false]) make({ secret, cookie: { sameSite } });
    make({ secret, cookie: { maxAge: 0, priority: 'High', secure: 'auto', path: '/app', domain: 'example.com', partitioned: true } });
    make({ secret, cookie: { maxAge: null } });
  });
});

describe('SessionManager options: name and cookie prefixes', () => {
  it('refuses a name that is not a cookie token', () => {
    for (const name of ['', 'my sid', 'a;b', 'a=b', 'ünï', 42]) throwsNaming({ secret, name }, 'name');
  });
  it('enforces the __Host- rules (Secure, no Domain, Path=/)', () => {
    throwsNaming({ secret, name: '__Host-sid', cookie: { secure: false } }, /name: a __Host- cookie must be Secure/);
    throwsNaming({ secret, name: '__Host-sid', cookie: { domain: 'example.com' } }, /name: a __Host- cookie must not have cookie.domain/);
    throwsNaming({ secret, name: '__Host-sid', cookie: { path: '/app' } }, /name: a __Host- cookie must have cookie.path/);
    make({ secret, name: '__Host-sid' });
  });
  it('enforces the __Secure- rule (Secure)', () => {
    throwsNaming({ secret, name: '__Secure-sid', cookie: { secure: false } }, /name: a __Secure- cookie must be Secure/);
    make({ secret, name: '__Secure-sid', cookie: { domain: 'example.com' } });
  });
});

describe('SessionManager options: durations', () => {
  for (const option of ['idleTimeout', 'touchAfter', 'storeTimeout'] as const) {
    it(`refuses a negative, NaN, infinite or non-numeric ${option}`, () => {
      for (const value of [-1, Number.NaN, Number.POSITIVE_INFINITY, '1000']) throwsNaming({ secret, [option]: value }, option);
    });
  }
  it('refuses an idleTimeout of 0 (sessions would expire as they are written)', () => {
    throwsNaming({ secret, idleTimeout: 0 }, 'idleTimeout');
  });
  it('accepts touchAfter 0 (touch every request) and storeTimeout 0 (no deadline)', () => {
    make({ secret, touchAfter: 0, storeTimeout: 0 });
  });
});

describe('SessionManager options: store and functions', () => {
  it('refuses a store without the four required methods', () => {
    throwsNaming({ secret, store: {} }, 'store');
    throwsNaming({ secret, store: 'redis://localhost' }, 'store');
  });
  it('points express-session stores (get/set/destroy) at tessera/connect', () => {
    const legacy = { get() {}, set() {}, destroy() {} };
    throwsNaming({ secret, store: legacy }, /store must implement.*tessera\/connect/);
  });
  it('refuses a non-function genid, clock or warn', () => {
    throwsNaming({ secret, genid: 'uuid' }, 'genid');
    throwsNaming({ secret, clock: Date.now() }, 'clock');
    throwsNaming({ secret, warn: 'console' }, 'warn');
  });
  it('refuses non-boolean saveUninitialized and rolling (a string "false" would be truthy)', () => {
    throwsNaming({ secret, saveUninitialized: 'false' }, 'saveUninitialized');
    throwsNaming({ secret, rolling: 1 }, 'rolling');
  });
  it('accepts a real store', () => {
    const store = new MemoryStore({ sweepInterval: 0 });
    assert.equal(make({ secret, store }).store, store);
  });
});

describe('SessionManager defaults', () => {
  const manager = make({ secret, warn: () => {} });
  const config = manager.config;

  it('uses a bounded MemoryStore', () => {
    assert.ok(manager.store instanceof MemoryStore);
  });
  it('sends HttpOnly, SameSite=Lax, Path=/ cookies, Secure exactly on HTTPS, with no maxAge', () => {
    assert.deepEqual(config.cookie, { path: '/', httpOnly: true, sameSite: 'lax', secure: 'auto' });
  });
  it('expires idle sessions after 30 minutes, touches at most once a minute, adds no timer to its own memory store', () => {
    assert.equal(config.idleTimeout, 30 * 60_000);
    assert.equal(config.touchAfter, 60_000);
    assert.equal(config.storeTimeout, 0);
  });
  it('does not store uninitialized sessions, and does not roll the cookie', () => {
    assert.equal(config.saveUninitialized, false);
    assert.equal(config.rolling, false);
    assert.equal(config.resave, false);
  });
  it('names the cookie __Host-sid over HTTPS and sid over HTTP, warning once', () => {
    const warnings: string[] = [];
    const m = make({ secret, warn: (w: string) => warnings.push(w) });
    assert.equal(m.cookieName(true), '__Host-sid');
    assert.equal(warnings.length, 0);
    assert.equal(m.cookieName(false), 'sid');
    assert.equal(m.cookieName(false), 'sid');
    assert.equal(warnings.length, 1);
    assert.match(warnings[0] ?? '', /plain HTTP/);
  });
  it('uses the configured name for both, without a warning', () => {
    const warnings: string[] = [];
    const m = make({ secret, name: 'app.sid', warn: (w: string) => warnings.push(w) });
    assert.equal(m.cookieName(true), 'app.sid');
    assert.equal(m.cookieName(false), 'app.sid');
    assert.equal(warnings.length, 0);
  });
});

describe('SessionManager store deadline', () => {
  const plainStore = () => {
    const inner = new MemoryStore({ sweepInterval: 0 });
    return {
      get: (k: string) => inner.get(k),
      set: (k: string, r: Parameters<MemoryStore['set']>[1]) => inner.set(k, r),
      touch: (k: string, r: Parameters<MemoryStore['touch']>[1]) => inner.touch(k, r),
      delete: (k: string) => inner.delete(k),
    };
  };
  it("adds no timer to Tessera's own stores, which bound their calls themselves", () => {
    assert.equal(new SessionManager({ secret }).config.storeTimeout, 0);
    assert.equal(new SessionManager({ secret, store: new MemoryStore() }).config.storeTimeout, 0);
  });
  it('gives any other store a 5 s deadline by default, or the one configured', () => {
    assert.equal(new SessionManager({ secret, store: plainStore() }).config.storeTimeout, 5000);
    assert.equal(new SessionManager({ secret, store: plainStore(), storeTimeout: 250 }).config.storeTimeout, 250);
    assert.equal(new SessionManager({ secret, store: new MemoryStore(), storeTimeout: 250 }).config.storeTimeout, 250);
  });
});
