/**
 * The adapter matrix: one list of scenarios, run against every adapter of `apps/index.ts` on a
 * real port with a cookie jar, against the memory store; the scenarios that touch storage
 * (create and read back, login, overlapping requests) also against SQLite, Redis and PostgreSQL
 * (skipped with the reason when a service is down, a failure under `CI=true`).
 *
 * Run only some adapters: `TESSERA_MATRIX=fastify,koa node scripts/test.mjs test/adapters/`.
 * Adding a framework: one app in `apps/` serving the routes of `matrix-app.ts`, one line in
 * `apps/index.ts`. An adapter is not done until every scenario here passes for it.
 *
 * @module
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { generateSecret } from '../../src/core/secrets.js';
import { describe, test } from 'node:test';
import { MemoryStore } from '../../src/stores/memory/index.js';
import { HttpClient, type HttpResult } from '../helpers/http-client.js';
import { manualClock, type ManualClock } from '../helpers/manual-clock.js';
import { storeSetups, type StoreSetup } from '../security/keys-store-setups.js';
import { selectedAdapters } from './apps/index.js';
import type { MatrixAdapter, MatrixApp, MatrixSetup } from './matrix-app.js';
import { observeStore, type ObservedStore } from './observed-store.js';

const IDLE = 10 * 60_000;
const ABSOLUTE = 60 * 60_000;
const STORE_TIMEOUT = 500;
/** A stored write at least this slow shows whether the head waited for it. */
const SLOW_WRITE = 100;

/** What a scenario gets: the running app, its store and clock, and clients for it. */
interface Context {
  app: MatrixApp;
  observed: ObservedStore;
  clock: ManualClock;
  /** A fresh browser (an empty cookie jar). */
  client(): HttpClient;
  /** The session cookie the client holds, or `undefined`. */
  cookieOf(client: HttpClient): string | undefined;
}

interface Scenario {
  name: string;
  /** Also run against SQLite, Redis and PostgreSQL. */
  everyStore?: boolean;
  /** Runs with the cookie cache on (`MatrixSetup.cache`); skipped for an adapter without one. */
  cookieCache?: boolean;
  run(ctx: Context): Promise<void>;
}

interface Peek {
  id: string | null;
  views: number | null;
  user: string | null;
  note: string | null;
}

const post = { method: 'POST' } as const;

function json<T>(result: HttpResult): T {
  assert.equal(result.status, 200, `expected 200, got ${result.status}: ${result.body}`);
  return JSON.parse(result.body) as T;
}

/** The `Set-Cookie` headers of the response for the session cookie. */
function sessionCookies(result: HttpResult, app: MatrixApp): string[] {
  return result.setCookies.filter((h) => h.startsWith(`${app.cookieName}=`));
}

/** A client that sends exactly `cookie` as its `Cookie` header. */
async function peekWith(ctx: Context, cookie: string): Promise<HttpResult> {
  return ctx.client().request('/peek', { headers: { cookie } });
}

const scenarios: Scenario[] = [
  {
    name: 'creates the session on its first write',
    everyStore: true,
    async run({ app, observed, client, cookieOf }) {
      const c = client();
      const result = await c.request('/incr', post);
      assert.deepEqual(json(result), { views: 1 });
      assert.equal(sessionCookies(result, app).length, 1, 'one Set-Cookie for the session');
      assert.ok(cookieOf(c), 'the jar keeps the session cookie');
      assert.ok(observed.writes() >= 1, 'the session was written to the store');
    },
  },
  {
    name: 'sends no cookie and writes nothing for an untouched visitor',
    async run({ app, observed, client }) {
      const c = client();
      for (let i = 0; i < 2; i++) {
        const result = await c.request('/peek');
        const peek = json<Peek>(result);
        assert.deepEqual({ views: peek.views, user: peek.user, note: peek.note }, { views: null, user: null, note: null });
        assert.deepEqual(sessionCookies(result, app), []);
      }
      assert.equal(observed.writes(), 0, `no store write, got ${JSON.stringify([...observed.calls])}`);
    },
  },
  {
    name: 'reads back what it stored',
    everyStore: true,
    async run({ client, cookieOf }) {
      const c = client();
      json(await c.request('/incr', post));
      const cookie = cookieOf(c);
      assert.deepEqual(json(await c.request('/incr', post)), { views: 2 });
      assert.equal(cookieOf(c), cookie, 'the same session cookie');
      const first = json<Peek>(await c.request('/peek'));
      const second = json<Peek>(await c.request('/peek'));
      assert.equal(first.views, 2);
      assert.ok(first.id !== null && first.id === second.id, 'a stable session ID');
    },
  },
  {
    name: 'regenerates the ID at login; the old cookie reaches no session',
    everyStore: true,
    async run(ctx) {
      const { app, client, cookieOf } = ctx;
      const c = client();
      json(await c.request('/incr', post));
      const oldCookie = cookieOf(c)!;
      const oldId = json<Peek>(await c.request('/peek')).id;
      const { id: newId } = json<{ id: string }>(await c.request('/login', post));
      assert.notEqual(newId, oldId, 'a new session ID');
      assert.notEqual(cookieOf(c), oldCookie, 'a new session cookie');
      const after = json<Peek>(await c.request('/peek'));
      assert.equal(after.user, 'u1');
      assert.equal(after.id, newId);
      const replay = json<Peek>(await peekWith(ctx, `${app.cookieName}=${oldCookie}`));
      assert.deepEqual({ views: replay.views, user: replay.user }, { views: null, user: null }, 'the old ID is dead');
      assert.notEqual(replay.id, oldId);
    },
  },
  {
    name: 'destroys the session at logout: cookie cleared, record gone',
    async run(ctx) {
      const { app, observed, client, cookieOf } = ctx;
      const c = client();
      json(await c.request('/incr', post));
      const cookie = cookieOf(c)!;
      const result = await c.request('/logout', post);
      json(result);
      assert.equal(sessionCookies(result, app).length, 1, 'a cookie-clearing Set-Cookie');
      assert.equal(cookieOf(c), undefined, 'the browser dropped the cookie');
      assert.deepEqual(await (observed.inner as MemoryStore).all(), [], 'no record left');
      const replay = json<Peek>(await peekWith(ctx, `${app.cookieName}=${cookie}`));
      assert.equal(replay.views, null);
    },
  },
  {
    name: 'expires a session idle for longer than lifetime.idle',
    async run({ clock, client }) {
      const c = client();
      json(await c.request('/incr', post));
      clock.advance(IDLE - 1000);
      assert.equal(json<Peek>(await c.request('/peek')).views, 1, 'still live just before the idle limit');
      clock.advance(IDLE + 1000);
      assert.equal(json<Peek>(await c.request('/peek')).views, null, 'gone after the idle limit');
    },
  },
  {
    name: 'ends a session at lifetime.absolute, however active',
    async run({ clock, client }) {
      const c = client();
      json(await c.request('/incr', post));
      for (let elapsed = 5 * 60_000; elapsed < ABSOLUTE; elapsed += 5 * 60_000) {
        clock.advance(5 * 60_000);
        assert.equal(json<Peek>(await c.request('/peek')).views, 1, `still live after ${elapsed / 60_000} min`);
      }
      clock.advance(6 * 60_000);
      assert.equal(json<Peek>(await c.request('/peek')).views, null, 'gone after the absolute limit');
    },
  },
  {
    name: 'treats forged, malformed, duplicated and oversized cookies as no session',
    async run(ctx) {
      const { app, client, cookieOf } = ctx;
      const c = client();
      json(await c.request('/incr', post));
      const real = cookieOf(c)!;
      const name = app.cookieName;
      const last = real.at(-1) === 'A' ? 'B' : 'A';
      // The ID's first character replaced by another one (never by itself: 1 ID in 64 starts with Z).
      const first = real.charAt(4) === 'Z' ? 'Y' : 'Z';
      const forged = `s%3A${'A'.repeat(43)}.${'B'.repeat(43)}`;
      const headers = [
        `${name}=${forged}`,
        `${name}=${real.slice(0, -1)}${last}`, // a real cookie with its signature changed
        `${name}=${real.replace(/^s%3A./, `s%3A${first}`)}`, // a real cookie with its ID changed
        `${name}=%E0%A4%A`,
        `${name}=s%3A`,
        `${name}="unterminated`,
        `${name}=s%3Aa.b.c`,
        `${name}`,
        `=; ;;${name}==`,
        `${name}=${forged}; ${name}=s%3Aother.sig`,
        `${name}=${'x'.repeat(8192)}`,
        `${name}=s%3A${'A'.repeat(8192)}.${'B'.repeat(43)}`,
        `other=1; ${name}=${forged}; ${'y'.repeat(8000)}=1`,
      ];
      for (const cookie of headers) {
        const label = cookie.length > 80 ? `${cookie.slice(0, 60)}... (${cookie.length} chars)` : cookie;
        const peek = json<Peek>(await peekWith(ctx, cookie));
        assert.deepEqual({ views: peek.views, user: peek.user }, { views: null, user: null }, `no session for ${label}`);
        const write = await ctx.client().request('/incr', { ...post, headers: { cookie } });
        assert.deepEqual(json(write), { views: 1 }, `a fresh session for ${label}`);
      }
    },
  },
  {
    name: 'a store that rejects: the error path answers 503 (or the adapter\'s storeFailureStatus)',
    async run(ctx) {
      const { app, observed, client } = ctx;
      const status = app.storeFailureStatus ?? 503;
      const c = client();
      json(await c.request('/incr', post));
      observed.mode = 'down';
      const read = await c.request('/peek');
      assert.equal(read.status, status, `load: ${read.status} ${read.body}`);
      const write = await client().request('/incr', post);
      assert.equal(write.status, status, `commit: ${write.status} ${write.body}`);
      observed.mode = 'up';
      // The server is still up (a breaker may fail fast for a while: 5xx or the session).
      const after = await c.request('/peek');
      assert.ok(after.status === 200 || after.status >= 500, `after recovery: ${after.status}`);
    },
  },
  {
    name: 'a store that never answers: 503 within the store timeout, no hang',
    async run(ctx) {
      const { observed, client } = ctx;
      const c = client();
      json(await c.request('/incr', post));
      observed.mode = 'hung';
      for (const [label, request] of [
        ['load', () => c.request('/peek')],
        ['commit', () => client().request('/incr', post)],
      ] as const) {
        const started = performance.now();
        const result = await request();
        const elapsed = performance.now() - started;
        assert.equal(result.status, 503, `${label}: ${result.status} ${result.body}`);
        assert.ok(elapsed < STORE_TIMEOUT * 4, `${label} answered after ${Math.round(elapsed)} ms (store timeout ${STORE_TIMEOUT} ms)`);
      }
    },
  },
  {
    name: 'a redirect carries a session already stored when its head arrives',
    async run({ app, observed, client }) {
      observed.writeLatency = SLOW_WRITE;
      for (const visitor of ['new', 'returning'] as const) {
        const c = client();
        if (visitor === 'returning') json(await c.request('/incr', post));
        const before = observed.finishedWrites;
        const response = await fetch(new URL('/redirect', app.url), { redirect: 'manual', headers: c.cookieHeader ? { cookie: c.cookieHeader } : {} });
        // The head is here: the write must have finished before it was sent.
        assert.ok(observed.finishedWrites > before, `${visitor} visitor: the store write finished before the 302 head`);
        assert.equal(response.status, 302);
        assert.match(response.headers.get('location') ?? '', /\/peek$/);
        await response.arrayBuffer();
        for (const header of response.headers.getSetCookie()) c.keep(header);
        assert.ok(c.jar.has(app.cookieName), `${visitor} visitor: the 302 carries the session cookie`);
        assert.equal(json<Peek>(await c.request('/peek')).note, 'redirected');
      }
    },
  },
  {
    name: 'a streamed body: session saved, body intact',
    async run({ app, observed, client }) {
      observed.writeLatency = SLOW_WRITE;
      const c = client();
      const result = await c.request('/stream');
      assert.equal(result.status, 200);
      assert.match(result.headers.get('content-type') ?? '', /^text\/plain/);
      assert.equal(result.body, Array.from({ length: 10 }, (_, i) => `chunk-${i}\n`).join(''));
      assert.equal(sessionCookies(result, app).length, 1);
      assert.equal(json<Peek>(await c.request('/peek')).note, 'streamed');
    },
  },
  {
    name: 'two overlapping requests on one session: both changes kept',
    everyStore: true,
    async run({ client }) {
      const c = client();
      json(await c.request('/incr', post));
      const [a, b] = await Promise.all([c.request('/slow-set?key=note&value=a', post), c.request('/slow-set?key=user&value=b', post)]);
      json(a);
      json(b);
      const peek = json<Peek>(await c.request('/peek'));
      assert.deepEqual({ views: peek.views, note: peek.note, user: peek.user }, { views: 1, note: 'a', user: 'b' });
    },
  },
  {
    name: 'cookie cache: reads served without the store, writes refresh the copy, logout stays',
    cookieCache: true,
    async run(ctx) {
      const { app, observed, client, cookieOf } = ctx;
      const cacheName = `${app.cookieName}-cache`;
      const reads = (): number => observed.calls.get('get') ?? 0;
      const c = client();
      const created = await c.request('/incr', post);
      json(created);
      assert.equal(created.setCookies.filter((h) => h.startsWith(`${cacheName}=`)).length, 1, 'the write sends one copy');
      const copy = c.jar.get(cacheName);
      assert.ok(copy, 'the jar keeps the copy');
      observed.reset();
      assert.equal(json<Peek>(await c.request('/peek')).views, 1);
      assert.equal(reads(), 0, `a fresh copy: no store read, got ${JSON.stringify([...observed.calls])}`);
      // A write sends a new copy; the next read is served from it, with the change.
      const write = await c.request('/set?key=note&value=fresh', post);
      json(write);
      assert.ok(c.jar.get(cacheName) !== undefined && c.jar.get(cacheName) !== copy, 'the write refreshed the copy');
      observed.reset();
      const peek = json<Peek>(await c.request('/peek'));
      assert.deepEqual({ views: peek.views, note: peek.note }, { views: 1, note: 'fresh' });
      assert.equal(reads(), 0, 'the refreshed copy: no store read');
      // Logout clears both cookies; the old copy, sent back beside the old session cookie,
      // cannot bring the destroyed session back into the store.
      const old = `${app.cookieName}=${cookieOf(c)!}; ${cacheName}=${c.jar.get(cacheName)!}`;
      const logout = await c.request('/logout', post);
      json(logout);
      assert.equal(cookieOf(c), undefined, 'the session cookie is cleared');
      assert.equal(c.jar.get(cacheName), undefined, 'the copy is cleared');
      assert.equal(json<Peek>(await c.request('/peek')).views, null, 'the browser is logged out');
      json(await ctx.client().request('/incr', { ...post, headers: { cookie: old } }));
      assert.deepEqual(await (observed.inner as MemoryStore).all(), [], 'no record written back from the old copy');
      const stale = json<Peek>(await peekWith(ctx, old.split('; ')[0]!));
      assert.deepEqual({ views: stale.views, note: stale.note }, { views: null, note: null }, 'the old session cookie reaches no session');
    },
  },
];

/** Starts `adapter` on a fresh store (`open`), runs `scenario`, and stops and cleans up. */
async function run(adapter: MatrixAdapter, scenario: Scenario, open: (clock: ManualClock) => Promise<{ store: MatrixSetup['store']; close(): Promise<void> }>): Promise<void> {
  const clock = manualClock();
  const opened = await open(clock);
  const observed = observeStore(opened.store);
  const setup: MatrixSetup = {
    store: observed.store,
    clock: clock.now,
    secret: randomBytes(32).toString('base64url'),
    lifetime: { idle: IDLE, absolute: ABSOLUTE },
    storeTimeout: STORE_TIMEOUT,
    ...(scenario.cookieCache === true ? { cache: { encryption: { keys: [{ id: 'matrix', key: generateSecret() }] }, cookieCache: true } } : {}),
  };
  const app = await adapter.start(setup);
  try {
    await scenario.run({
      app,
      observed,
      clock,
      client: () => new HttpClient(app.url),
      cookieOf: (client) => client.jar.get(app.cookieName),
    });
  } finally {
    await app.close();
    await opened.close();
  }
}

const openMemory = async (clock: ManualClock) => {
  const store = new MemoryStore({ clock: clock.now, sweepInterval: 0 });
  return { store, close: () => store.close() };
};

const realStores: StoreSetup[] = storeSetups.filter((s) => ['SqliteStore', 'RedisStore', 'PostgresStore'].includes(s.name));
const skips = new Map<string, { skip?: string }>();
for (const setup of realStores) skips.set(setup.name, await setup.skip());

for (const adapter of selectedAdapters()) {
  describe(`adapter matrix: ${adapter.name}`, () => {
    for (const scenario of scenarios) {
      const skip = scenario.cookieCache === true && adapter.noCookieCache !== undefined ? { skip: adapter.noCookieCache } : {};
      test(scenario.name, { timeout: 20_000, ...skip }, () => run(adapter, scenario, openMemory));
    }
    for (const setup of realStores) {
      describe(`on ${setup.name}`, skips.get(setup.name) ?? {}, () => {
        for (const scenario of scenarios.filter((s) => s.everyStore)) {
          test(scenario.name, { timeout: 20_000 }, () => run(adapter, scenario, (clock) => setup.open(clock.now)));
        }
      });
    }
  });
}
