// The app's own mistakes behave under tessera/fastify as under Fastify with @fastify/session:
// sending twice, throwing after sending (async and sync handlers), and a client that aborts
// while its session is being written. Each runs against both plugins and the answers are
// compared; the server keeps serving afterwards.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance, FastifyPluginCallback } from 'fastify';
import tesseraSession from './index.js';
import { fastifyApp, fastifyCookie, keptLogs, listenFastify, sessionPlugins, type FastifyListening } from '../../../test/helpers/fastify-apps.js';
import { HttpClient } from '../../../test/helpers/http-client.js';
import { TEST_SECRET } from '../../../test/helpers/session-client.js';

interface Served {
  server: FastifyListening;
  logs: Array<Record<string, unknown>>;
  /** Resolves when /slow has been entered; /slow answers once `release` is called. */
  entered: Promise<void>;
  release: () => void;
  /** Errors Fastify's error handler saw. */
  errors: unknown[];
}

async function serve(plugin: FastifyPluginCallback<Record<string, unknown>>): Promise<Served> {
  const { logger, lines } = keptLogs('warn');
  const app: FastifyInstance = fastifyApp({ logger });
  await app.register(fastifyCookie);
  await app.register(plugin, { secret: TEST_SECRET, cookie: { secure: false }, saveUninitialized: false });
  const errors: unknown[] = [];
  let markEntered!: () => void;
  let release!: () => void;
  const entered = new Promise<void>((resolve) => (markEntered = resolve));
  const gate = new Promise<void>((resolve) => (release = resolve));
  app.setErrorHandler((error, _request, reply) => {
    errors.push(error);
    return reply.code(500).send({ handled: String((error as Error).message) });
  });
  app.get('/me', async (request) => ({ views: request.session.fastifyViews ?? null }));
  app.get('/send-twice', async (request, reply) => {
    request.session.fastifyViews = 1;
    reply.send({ first: true });
    reply.send({ second: true });
    return reply;
  });
  app.get('/send-no-return', async (request, reply) => {
    request.session.fastifyViews = 5;
    reply.send({ noReturn: true });
  });
  app.get('/throw-after-send', async (request, reply) => {
    request.session.fastifyViews = 2;
    reply.send({ sent: true });
    throw new Error('after send');
  });
  app.get('/sync-throw-after-send', (request, reply) => {
    request.session.fastifyViews = 3;
    reply.send({ sent: true });
    throw new Error('sync after send');
  });
  app.get('/slow', async (request) => {
    markEntered();
    await gate;
    request.session.fastifyViews = 4;
    return { slow: true };
  });
  return { server: await listenFastify(app), logs: lines, entered, release, errors };
}

const plugins = sessionPlugins(tesseraSession as FastifyPluginCallback<never>);

describe('tessera/fastify: the app\'s own mistakes, as under @fastify/session', () => {
  const served = new Map<string, Served>();
  before(async () => {
    for (const { name, plugin } of plugins) served.set(name, await serve(plugin));
  });
  after(async () => {
    for (const s of served.values()) await s.server.close();
  });

  /** The same request to both apps: status, body and whether the session was kept. */
  async function both(path: string): Promise<Map<string, { status: number; body: string; views: unknown }>> {
    const out = new Map<string, { status: number; body: string; views: unknown }>();
    for (const [name, { server }] of served) {
      const client = new HttpClient(server.url);
      const res = await client.request(path);
      const me = await client.request('/me');
      out.set(name, { status: res.status, body: res.body, views: JSON.parse(me.body).views });
    }
    return out;
  }

  for (const [path, expected] of [
    ['/send-twice', { status: 200, body: '{"first":true}', views: 1 }],
    ['/throw-after-send', { status: 200, body: '{"sent":true}', views: 2 }],
    ['/sync-throw-after-send', { status: 200, body: '{"sent":true}', views: 3 }],
    ['/send-no-return', { status: 200, body: '{"noReturn":true}', views: 5 }],
  ] as const) {
    it(`${path}: the first reply goes out with its session, as under @fastify/session`, async () => {
      const answers = await both(path);
      assert.deepEqual(answers.get('tessera/fastify'), answers.get('@fastify/session'));
      assert.deepEqual(answers.get('tessera/fastify'), expected);
    });
  }

  it('/send-twice: the second send is a warning in the log under both', async () => {
    for (const [name, { logs }] of served) {
      assert.ok(
        logs.some((line) => line.level === 40 && /already sent/i.test(JSON.stringify(line))),
        `${name}: ${JSON.stringify(logs)}`,
      );
    }
  });

  it('/send-no-return: an async handler that sends without returning the reply logs nothing under both', async () => {
    for (const [name, { server, logs }] of served) {
      const before = logs.length;
      await new HttpClient(server.url).request('/send-no-return');
      assert.deepEqual(logs.slice(before), [], name);
    }
  });

  it('a client that aborts while its request is served leaves the server serving', async () => {
    for (const [name, s] of served) {
      const controller = new AbortController();
      const pending = fetch(new URL('/slow', s.server.url), { signal: controller.signal }).catch((error: unknown) => error);
      await s.entered;
      controller.abort();
      assert.equal(((await pending) as Error).name, 'AbortError', name);
      s.release();
      const res = await new HttpClient(s.server.url).request('/me');
      assert.equal(res.status, 200, name);
    }
  });

  it('no error reached the error handler under either (the mistakes are logged, not answered)', () => {
    const counts = [...served].map(([name, s]) => [name, s.errors.length]);
    assert.deepEqual(counts[0]?.[1], counts[1]?.[1], JSON.stringify(counts));
  });
});
