// Every way a Fastify reply goes out carries the session already stored: `reply.redirect`
// (the browser follows it at once), `reply.send(stream)` (changes made while it streams are
// stored before it ends), and `reply.hijack()` with `reply.raw` (held on the raw response).
//
// SlowStore is the real MemoryStore whose writes settle a few event-loop turns later, and the
// server's sockets note when their first byte goes out: the store write must come first.
import assert from 'node:assert/strict';
import type { Socket } from 'node:net';
import { Readable } from 'node:stream';
import { setImmediate as tick } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import tesseraSession from './index.js';
import type { StoreRecord } from '../../core/store.js';
import { MemoryStore } from '../../stores/memory/memory-store.js';
import { fastifyApp, listenFastify, type FastifyListening } from '../../../test/helpers/fastify-apps.js';
import { HttpClient, type HttpResult } from '../../../test/helpers/http-client.js';
import { TEST_SECRET } from '../../../test/helpers/session-client.js';

/** What happened, in order: `stored` (a store write settled), `wire` (bytes went to a socket). */
const events: string[] = [];

class SlowStore extends MemoryStore {
  override async set(key: string, record: StoreRecord): Promise<void> {
    for (let i = 0; i < 5; i++) await tick();
    await super.set(key, record);
    events.push('stored');
  }
  override async setIfVersion(key: string, record: StoreRecord, expected: number | null): Promise<number | false> {
    for (let i = 0; i < 5; i++) await tick();
    const version = await super.setIfVersion(key, record, expected);
    events.push('stored');
    return version;
  }
}

describe('tessera/fastify redirects, streams and hijacked replies', () => {
  const store = new SlowStore({ sweepInterval: 0 });
  let server: FastifyListening;

  before(async () => {
    const app = fastifyApp();
    await app.register(tesseraSession, { secret: TEST_SECRET, store, warn: () => {} });
    app.get('/peek', async (request) => ({ note: request.session.fastifyNote ?? null, views: request.session.fastifyViews ?? null }));
    app.get('/redirect', async (request, reply) => {
      request.session.fastifyNote = 'redirected';
      return reply.redirect('/peek');
    });
    app.get('/stream', async (request, reply) => {
      request.session.fastifyNote = 'streamed';
      reply.type('text/plain');
      return reply.send(Readable.from(Array.from({ length: 10 }, (_, i) => `chunk-${i}\n`)));
    });
    app.get('/web-stream', async (request, reply) => {
      request.session.fastifyNote = 'web-streamed';
      reply.type('text/plain');
      return reply.send(Readable.toWeb(Readable.from(['web-', 'stream'])));
    });
    app.get('/late-stream', async (request, reply) => {
      request.session.fastifyNote = 'before';
      async function* body() {
        yield 'first\n';
        // Changed after the head went out: stored before the response ends.
        request.session.fastifyNote = 'late';
        yield 'second\n';
      }
      reply.type('text/plain');
      return reply.send(Readable.from(body()));
    });
    app.get('/hijack', (request, reply) => {
      reply.hijack();
      request.session.fastifyNote = 'hijacked';
      reply.raw.writeHead(200, { 'content-type': 'text/plain' });
      reply.raw.end('raw body');
    });
    app.get('/hijack-implicit', (request, reply) => {
      reply.hijack();
      request.session.fastifyViews = 7;
      reply.raw.setHeader('set-cookie', 'raw=1; Path=/');
      reply.raw.write('part ');
      reply.raw.end('end');
    });
    server = await listenFastify(app);
    server.app.server.on('connection', (socket: Socket) => {
      const write = socket.write;
      socket.write = function (this: Socket, ...args: unknown[]) {
        events.push('wire');
        return (write as (...a: unknown[]) => boolean).apply(this, args);
      } as typeof socket.write;
    });
  });
  after(() => server.close());

  async function expectStoredBeforeHead(client: HttpClient, path: string): Promise<HttpResult> {
    events.length = 0;
    const res = await client.request(path);
    assert.equal(res.setCookies.length >= 1, true);
    assert.equal(events[0], 'stored', `${path}: the session was stored before the first byte went out (${events.join(', ')})`);
    return res;
  }

  it('stores the session before a redirect goes out, so the next page sees it', async () => {
    const client = new HttpClient(server.url);
    await expectStoredBeforeHead(client, '/redirect');
    const peek = await client.request('/peek');
    assert.equal(JSON.parse(peek.body).note, 'redirected');
  });

  it('redirects with 302, the Location and the cookie', async () => {
    const client = new HttpClient(server.url);
    const res = await client.request('/redirect');
    assert.equal(res.status, 302);
    assert.equal(res.headers.get('location'), '/peek');
    assert.match(res.setCookies[0]!, /^sid=s%3A/);
  });

  it('streams the body after storing the session, with the cookie on the head', async () => {
    const client = new HttpClient(server.url);
    const res = await expectStoredBeforeHead(client, '/stream');
    assert.equal(res.status, 200);
    assert.equal(res.body, Array.from({ length: 10 }, (_, i) => `chunk-${i}\n`).join(''));
    assert.equal(res.setCookies.length, 1);
    assert.equal(JSON.parse((await client.request('/peek')).body).note, 'streamed');
  });

  it('a web ReadableStream body goes the same way', async () => {
    const client = new HttpClient(server.url);
    const res = await expectStoredBeforeHead(client, '/web-stream');
    assert.equal(res.body, 'web-stream');
    assert.equal(JSON.parse((await client.request('/peek')).body).note, 'web-streamed');
  });

  it('stores changes made while the body streamed before the response ends', async () => {
    const client = new HttpClient(server.url);
    const res = await client.request('/late-stream');
    assert.equal(res.body, 'first\nsecond\n');
    assert.equal(JSON.parse((await client.request('/peek')).body).note, 'late');
  });

  it('commits a hijacked reply on reply.raw before its explicit head', async () => {
    const client = new HttpClient(server.url);
    const res = await expectStoredBeforeHead(client, '/hijack');
    assert.equal(res.body, 'raw body');
    assert.equal(res.headers.get('content-type'), 'text/plain');
    assert.equal(res.headers.get('vary'), 'Cookie');
    assert.equal(JSON.parse((await client.request('/peek')).body).note, 'hijacked');
  });

  it("commits a hijacked reply written without a head, keeping the app's raw Set-Cookie", async () => {
    const client = new HttpClient(server.url);
    const res = await client.request('/hijack-implicit');
    assert.equal(res.body, 'part end');
    assert.equal(res.setCookies.length, 2);
    assert.equal(res.setCookies[0], 'raw=1; Path=/');
    assert.match(res.setCookies[1]!, /^sid=/);
    assert.equal(JSON.parse((await client.request('/peek')).body).views, 7);
  });
});
