// The plugin's options: @fastify/session's names mean what they mean there (cookieName, cookie,
// saveUninitialized, rolling, idGenerator(request), store, express-session stores included),
// every SessionManager option passes through, `{ manager }` shares a manager, and a bad
// option is a TypeError naming it, reported by `register`.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { describe, it } from 'node:test';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import expressSession from 'express-session';
import tesseraSession, { type TesseraFastifyOptions } from './index.js';
import { SessionManager } from '../../index.js';
import { MemoryStore } from '../../stores/memory/memory-store.js';
import { fastifyApp, listenFastify } from '../../../test/helpers/fastify-apps.js';
import { HttpClient } from '../../../test/helpers/http-client.js';
import { TEST_SECRET } from '../../../test/helpers/session-client.js';

const require = createRequire(import.meta.url);

/** Serves GET /peek and POST /write with `options`, runs `check`, closes. */
async function withApp(options: TesseraFastifyOptions, check: (client: HttpClient, app: FastifyInstance) => Promise<void>): Promise<void> {
  const app = fastifyApp();
  await app.register(tesseraSession, options);
  app.get('/peek', async (request) => ({ views: request.session.fastifyViews ?? null, id: request.session.id }));
  app.post('/write', async (request) => {
    request.session.fastifyViews = (request.session.fastifyViews ?? 0) + 1;
    return { id: request.session.id };
  });
  const server = await listenFastify(app);
  try {
    await check(new HttpClient(server.url), app);
  } finally {
    await server.close();
  }
}

async function registerError(options: unknown): Promise<unknown> {
  const app = fastifyApp();
  try {
    await app.register(tesseraSession, options as TesseraFastifyOptions);
    await app.ready();
    return undefined;
  } catch (error) {
    return error;
  } finally {
    await app.close().catch(() => {});
  }
}

describe('tessera/fastify options', () => {
  const bad: Array<[string, unknown, RegExp]> = [
    ['no options', undefined, /^secret is required/],
    ['options that are not an object', 'secret', /options must be an object/],
    ['no secret', {}, /^secret is required/],
    ['a short secret', { secret: 'short' }, /^secret is too short/],
    ['a @fastify/cookie signer as secret', { secret: { sign: () => '', unsign: () => ({}) } }, /^secret must be a string or a Buffer/],
    ['a bad cookieName', { secret: TEST_SECRET, cookieName: 'my sid' }, /^cookieName must be a valid cookie name/],
    ['cookieName beside name', { secret: TEST_SECRET, cookieName: 'a', name: 'b' }, /^cookieName and name/],
    ['a non-function idGenerator', { secret: TEST_SECRET, idGenerator: 'x' }, /^idGenerator must be a function/],
    ['idGenerator beside genid', { secret: TEST_SECRET, idGenerator: () => 'a', genid: () => 'b' }, /^idGenerator and genid/],
    ['a cookiePrefix other than s:', { secret: TEST_SECRET, cookiePrefix: 'x:' }, /^cookiePrefix must be 's:'/],
    ['an algorithm other than sha256', { secret: TEST_SECRET, algorithm: 'sha1' }, /^algorithm must be 'sha256'/],
    ['a store of junk', { secret: TEST_SECRET, store: { get() {} } }, /^store must be a Tessera store/],
    ['a bad saveUninitialized', { secret: TEST_SECRET, saveUninitialized: 'yes' }, /saveUninitialized/],
    ['a bad cookie.sameSite', { secret: TEST_SECRET, cookie: { sameSite: 'sometimes' } }, /^cookie\.sameSite/],
    ['a manager that is not one', { manager: {} }, /^manager must be a SessionManager/],
    ['an option beside manager', { manager: new SessionManager({ secret: TEST_SECRET }), secret: TEST_SECRET }, /^secret cannot be given beside manager/],
  ];
  for (const [label, options, message] of bad) {
    it(`${label}: a TypeError naming it`, async () => {
      const error = await registerError(options);
      assert.ok(error instanceof TypeError, `${label}: ${String(error)}`);
      assert.match(error.message, message);
    });
  }

  it('cookieName names the cookie; cookie sets its attributes', async () => {
    await withApp({ secret: TEST_SECRET, cookieName: 'sessionId', cookie: { maxAge: 60_000, sameSite: 'strict', path: '/' }, warn: () => {} }, async (client) => {
      const res = await client.request('/write', { method: 'POST' });
      assert.equal(res.setCookies.length, 1);
      assert.match(res.setCookies[0]!, /^sessionId=s%3A/);
      assert.match(res.setCookies[0]!, /; Expires=/);
      assert.match(res.setCookies[0]!, /SameSite=Strict/);
    });
  });

  it('saveUninitialized: true stores and sends a cookie for an untouched visitor (as @fastify/session does by default)', async () => {
    await withApp({ secret: TEST_SECRET, saveUninitialized: true, warn: () => {} }, async (client) => {
      const first = await client.request('/peek');
      assert.equal(first.setCookies.length, 1);
      const second = await client.request('/peek');
      assert.equal(JSON.parse(second.body).id, JSON.parse(first.body).id);
    });
  });

  it('rolling: true sends the cookie on every response', async () => {
    await withApp({ secret: TEST_SECRET, rolling: true, cookie: { maxAge: 60_000 }, warn: () => {} }, async (client) => {
      await client.request('/write', { method: 'POST' });
      assert.equal((await client.request('/peek')).setCookies.length, 1);
      assert.equal((await client.request('/peek')).setCookies.length, 1);
    });
  });

  it('the defaults send no cookie on a read and none for an untouched visitor', async () => {
    await withApp({ secret: TEST_SECRET, warn: () => {} }, async (client) => {
      assert.equal((await client.request('/peek')).setCookies.length, 0);
      await client.request('/write', { method: 'POST' });
      assert.equal((await client.request('/peek')).setCookies.length, 0);
    });
  });

  it('idGenerator(request) makes the IDs, and is given the Fastify request', async () => {
    const seen: unknown[] = [];
    let n = 0;
    const idGenerator = (request: FastifyRequest): string => {
      seen.push(request.url);
      return `id-${++n}-${'x'.repeat(30)}`;
    };
    await withApp({ secret: TEST_SECRET, idGenerator, warn: () => {} }, async (client) => {
      const res = await client.request('/write', { method: 'POST' });
      assert.match(JSON.parse(res.body).id, /^id-\d+-x{30}$/);
      assert.ok(seen.includes('/write'));
    });
  });

  it('an express-session store works through the connect bridge', async () => {
    const store = new expressSession.MemoryStore();
    await withApp({ secret: TEST_SECRET, store, warn: () => {} }, async (client) => {
      await client.request('/write', { method: 'POST' });
      await client.request('/write', { method: 'POST' });
      assert.equal(JSON.parse((await client.request('/peek')).body).views, 2);
      const stored = await new Promise<number>((resolve) => store.length((_err, length) => resolve(length ?? -1)));
      assert.equal(stored, 1);
    });
  });

  it("@fastify/session's own MemoryStore works too (an express-session-shaped store)", async () => {
    const { MemoryStore: FastifyMemoryStore } = require('@fastify/session') as { MemoryStore: new () => { store: Map<string, unknown> } };
    const store = new FastifyMemoryStore();
    await withApp({ secret: TEST_SECRET, store: store as never, warn: () => {} }, async (client) => {
      await client.request('/write', { method: 'POST' });
      assert.equal(JSON.parse((await client.request('/peek')).body).views, 1);
      assert.equal(store.store.size, 1);
    });
  });

  it('{ manager } shares a manager, exposed as app.sessionManager', async () => {
    const manager = new SessionManager({ secret: TEST_SECRET, store: new MemoryStore({ sweepInterval: 0 }), warn: () => {} });
    await withApp({ manager }, async (client, app) => {
      assert.equal(app.sessionManager, manager);
      await client.request('/write', { method: 'POST' });
      assert.equal(JSON.parse((await client.request('/peek')).body).views, 1);
    });
  });

  it('every SessionManager option passes through (lifetime, noStore)', async () => {
    await withApp({ secret: TEST_SECRET, noStore: false, lifetime: { idle: '1m', absolute: false }, warn: () => {} }, async (client, app) => {
      const res = await client.request('/write', { method: 'POST' });
      assert.equal(res.headers.get('cache-control'), null);
      assert.ok(app.sessionManager instanceof SessionManager);
    });
  });

  it('registering the plugin twice is refused by Fastify (one session per request)', async () => {
    const app = fastifyApp();
    await app.register(tesseraSession, { secret: TEST_SECRET, warn: () => {} });
    await assert.rejects(async () => {
      await app.register(tesseraSession, { secret: TEST_SECRET, warn: () => {} });
    }, /already been added/);
    await app.close().catch(() => {});
  });
});
