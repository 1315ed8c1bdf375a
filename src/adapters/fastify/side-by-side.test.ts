// A @fastify/session app switched to tessera/fastify by changing only the import and the plugin
// name keeps working: the same app (its @fastify/cookie registration, its options, its routes)
// runs under each plugin, and a visitor's journey gets the same answers from both.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FastifyPluginCallback } from 'fastify';
import tesseraSession from './index.js';
import { fastifyApp, fastifyCookie, listenFastify, sessionPlugins } from '../../../test/helpers/fastify-apps.js';
import { HttpClient, type HttpResult } from '../../../test/helpers/http-client.js';
import { TEST_SECRET } from '../../../test/helpers/session-client.js';

/** The app as its author wrote it for @fastify/session; only `sessionPlugin` changes. */
async function buildApp(sessionPlugin: FastifyPluginCallback<Record<string, unknown>>) {
  const app = fastifyApp();
  await app.register(fastifyCookie);
  await app.register(sessionPlugin, {
    secret: TEST_SECRET,
    cookieName: 'sessionId',
    cookie: { secure: false, maxAge: 3_600_000 },
    saveUninitialized: false,
    rolling: false,
  });
  app.get('/me', async (request) => ({ user: request.session.fastifyUser ?? null, note: request.session.fastifyNote ?? null }));
  app.post('/login', async (request) => {
    await request.session.regenerate();
    request.session.fastifyUser = 'alice';
    return { ok: true };
  });
  app.get('/visit', async (request, reply) => {
    request.session.fastifyNote = 'visited';
    return reply.redirect('/me');
  });
  app.post('/logout', async (request) => {
    await request.session.destroy();
    return { ok: true };
  });
  return app;
}

/** A visitor's journey: what each step answered (status, body, Location, whether a cookie came). */
async function journey(client: HttpClient): Promise<Array<[string, number, string, string | null, boolean]>> {
  const steps: Array<[string, string]> = [
    ['GET', '/me'],
    ['POST', '/login'],
    ['GET', '/me'],
    ['GET', '/visit'],
    ['GET', '/me'],
    ['POST', '/logout'],
    ['GET', '/me'],
  ];
  const answers: Array<[string, number, string, string | null, boolean]> = [];
  for (const [method, path] of steps) {
    const res: HttpResult = await client.request(path, { method });
    answers.push([`${method} ${path}`, res.status, res.body, res.headers.get('location'), res.setCookies.some((c) => c.startsWith('sessionId='))]);
  }
  return answers;
}

describe('tessera/fastify replaces @fastify/session by changing the import and the plugin name', () => {
  it('the same app answers a visitor the same under both', async () => {
    const results = new Map<string, Awaited<ReturnType<typeof journey>>>();
    for (const { name, plugin } of sessionPlugins(tesseraSession as FastifyPluginCallback<never>)) {
      const server = await listenFastify(await buildApp(plugin));
      try {
        results.set(name, await journey(new HttpClient(server.url)));
      } finally {
        await server.close();
      }
    }
    const theirs = results.get('@fastify/session')!;
    const ours = results.get('tessera/fastify')!;
    // Status, body and Location of every step are the same.
    assert.deepEqual(
      ours.map(([step, status, body, location]) => [step, status, body, location]),
      theirs.map(([step, status, body, location]) => [step, status, body, location]),
    );
    assert.deepEqual(
      ours.map(([step, , body]) => [step, body]),
      [
        ['GET /me', '{"user":null,"note":null}'],
        ['POST /login', '{"ok":true}'],
        ['GET /me', '{"user":"alice","note":null}'],
        ['GET /visit', ''],
        ['GET /me', '{"user":"alice","note":"visited"}'],
        ['POST /logout', '{"ok":true}'],
        ['GET /me', '{"user":null,"note":null}'],
      ],
    );
    // The cookie goes out under the configured name, at login and with the redirect's change.
    assert.deepEqual(
      ours.filter(([, , , , cookie]) => cookie).map(([step]) => step),
      ['POST /login', 'GET /visit', 'POST /logout'],
    );
  });
});
