// tessera/fastify with the cookie cache: a streamed payload (Fastify pipes it after the head)
// gets no cache copy, and a change made while it streams is not hidden from the next request
// by an older copy (the `onSend` commit passes `streamed`); a plain payload gets its copy.
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { setImmediate as tick } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import tesseraSession from './index.js';
import { SessionManager } from '../../index.js';
import { generateSecret } from '../../core/secrets.js';
import { fastifyApp, listenFastify, type FastifyListening } from '../../../test/helpers/fastify-apps.js';
import { HttpClient } from '../../../test/helpers/http-client.js';
import { TEST_SECRET } from '../../../test/helpers/session-client.js';

const names = (lines: string[]): string[] => lines.map((line) => line.split('=', 1)[0]!).sort();

describe('tessera/fastify with the cookie cache and a streamed payload', () => {
  let server: FastifyListening;
  let manager: SessionManager;

  before(async () => {
    manager = new SessionManager({ secret: TEST_SECRET, warn: () => {}, encryption: { keys: [{ id: 'k', key: generateSecret() }] }, cookieCache: true });
    const app = fastifyApp();
    await app.register(tesseraSession, { manager });
    app.get('/send', async (request) => {
      request.session.fastifyViews = (request.session.fastifyViews ?? 0) + 1;
      return 'ok';
    });
    app.get('/stream', async (request, reply) => {
      request.session.fastifyViews = (request.session.fastifyViews ?? 0) + 1;
      return reply.type('text/plain').send(Readable.from(['a', 'b']));
    });
    app.get('/web-stream', async (request, reply) => {
      request.session.fastifyViews = (request.session.fastifyViews ?? 0) + 1;
      return reply.type('text/plain').send(new Response('ab').body);
    });
    app.get('/stream-write', async (request, reply) => {
      const s = request.session;
      const body = Readable.from(
        (async function* () {
          yield 'a';
          await tick();
          // After the head has gone out with the session's cookies.
          s.fastifyNote = 'written while streaming';
          yield 'b';
        })(),
      );
      return reply.type('text/plain').send(body);
    });
    app.get('/late', async (request) => request.session.fastifyNote ?? 'none');
    server = await listenFastify(app);
  });
  after(async () => {
    await server.close();
    await manager.close();
  });

  it('a plain payload carries the session cookie and its cache copy', async () => {
    const res = await new HttpClient(server.url).request('/send');
    assert.deepEqual(names(res.setCookies), ['sid', 'sid-cache']);
  });

  for (const path of ['/stream', '/web-stream']) {
    it(`${path}: no copy of a session that may still change`, async () => {
      const res = await new HttpClient(server.url).request(path);
      assert.equal(res.body, 'ab');
      assert.deepEqual(names(res.setCookies), ['sid']);
    });
  }

  it('a change made while the payload streams reaches the next request (no stale copy)', async () => {
    const client = new HttpClient(server.url);
    await client.request('/send');
    assert.ok(client.jar.has('sid-cache'), 'the client holds a copy');
    const res = await client.request('/stream-write');
    assert.equal(res.body, 'ab');
    assert.ok(res.setCookies.some((line) => /^sid-cache=;/.test(line)), 'the older copy is deleted');
    assert.equal((await client.request('/late')).body, 'written while streaming');
  });
});
