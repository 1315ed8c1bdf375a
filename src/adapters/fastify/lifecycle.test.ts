// The session's life through real Fastify replies: created on the first write (stored before
// the head goes out), no cookie and no store write for an untouched visitor, read back,
// regenerated at login (old ID dead), destroyed (cookie cleared), Vary: Cookie, the app's own
// Set-Cookie kept.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import tesseraSession, { tesseraSession as named } from './index.js';
import { MemoryStore } from '../../stores/memory/memory-store.js';
import { fastifyApp, listenFastify, type FastifyListening } from '../../../test/helpers/fastify-apps.js';
import { HttpClient } from '../../../test/helpers/http-client.js';
import { TEST_SECRET } from '../../../test/helpers/session-client.js';

describe('tessera/fastify lifecycle', () => {
  const store = new MemoryStore({ sweepInterval: 0 });
  const writes: string[] = [];
  let server: FastifyListening;

  before(async () => {
    const set = store.set.bind(store);
    store.set = (key, record) => {
      writes.push(key);
      return set(key, record);
    };
    const app = fastifyApp();
    await app.register(tesseraSession, { secret: TEST_SECRET, store, warn: () => {} });
    app.get('/peek', async (request) => ({ id: request.session.isNew ? null : request.session.id, views: request.session.fastifyViews ?? null }));
    app.post('/incr', async (request) => {
      request.session.fastifyViews = (request.session.fastifyViews ?? 0) + 1;
      return { views: request.session.fastifyViews };
    });
    app.post('/own-cookie', async (request, reply) => {
      request.session.fastifyViews = 1;
      reply.header('set-cookie', 'theme=dark; Path=/');
      reply.header('vary', 'Accept-Encoding');
      return { ok: true };
    });
    app.post('/login', async (request) => {
      await request.session.login('u1');
      request.session.fastifyUser = 'u1';
      return { id: request.session.id };
    });
    app.post('/logout', async (request) => {
      await request.session.destroy();
      return { ok: true };
    });
    server = await listenFastify(app);
  });
  after(() => server.close());

  it('is the default and the named export', () => {
    assert.equal(tesseraSession, named);
  });

  it('sends no cookie and writes nothing for an untouched visitor', async () => {
    const client = new HttpClient(server.url);
    const before = writes.length;
    const res = await client.request('/peek');
    assert.equal(res.status, 200);
    assert.deepEqual(JSON.parse(res.body), { id: null, views: null });
    assert.deepEqual(res.setCookies, []);
    assert.equal(writes.length, before);
    assert.equal(res.headers.get('vary'), 'Cookie');
  });

  it('creates the session on the first write, stored before the reply, and reads it back', async () => {
    const client = new HttpClient(server.url);
    const first = await client.request('/incr', { method: 'POST' });
    assert.equal(first.status, 200);
    assert.equal(first.setCookies.length, 1);
    assert.match(first.setCookies[0]!, /^sid=s%3A/);
    assert.match(first.setCookies[0]!, /HttpOnly/);
    assert.match(first.setCookies[0]!, /SameSite=Lax/);
    assert.equal(first.headers.get('cache-control'), 'no-store');
    const second = await client.request('/incr', { method: 'POST' });
    assert.deepEqual(JSON.parse(second.body), { views: 2 });
    const peek = await client.request('/peek');
    assert.equal(JSON.parse(peek.body).views, 2);
  });

  it("appends its cookie to the app's own and adds Cookie to the app's Vary", async () => {
    const client = new HttpClient(server.url);
    const res = await client.request('/own-cookie', { method: 'POST' });
    assert.equal(res.setCookies.length, 2);
    assert.equal(res.setCookies[0], 'theme=dark; Path=/');
    assert.match(res.setCookies[1]!, /^sid=/);
    assert.equal(res.headers.get('vary'), 'Accept-Encoding, Cookie');
  });

  it('regenerates at login: a new ID, the old one dead', async () => {
    const client = new HttpClient(server.url);
    await client.request('/incr', { method: 'POST' });
    const oldCookie = client.cookieHeader!;
    const oldId = JSON.parse((await client.request('/peek')).body).id as string;
    const login = await client.request('/login', { method: 'POST' });
    const newId = JSON.parse(login.body).id as string;
    assert.notEqual(newId, oldId);
    assert.equal(JSON.parse((await client.request('/peek')).body).id, newId);
    const stale = await client.request('/peek', { headers: { cookie: oldCookie } });
    assert.equal(JSON.parse(stale.body).id, null);
  });

  it('destroys at logout: the cookie cleared, Clear-Site-Data sent, the session gone', async () => {
    const client = new HttpClient(server.url);
    await client.request('/incr', { method: 'POST' });
    const cookie = client.cookieHeader!;
    const res = await client.request('/logout', { method: 'POST' });
    assert.equal(res.status, 200);
    assert.equal(res.setCookies.length, 1);
    assert.match(res.setCookies[0]!, /Expires=Thu, 01 Jan 1970/);
    assert.equal(res.headers.get('clear-site-data'), '"cookies"');
    assert.equal(client.jar.size, 0);
    const after = await client.request('/peek', { headers: { cookie } });
    assert.equal(JSON.parse(after.body).id, null);
  });
});

describe('tessera/fastify over HTTPS (trustProxy)', () => {
  let server: FastifyListening;

  before(async () => {
    const app = fastifyApp({ trustProxy: true });
    await app.register(tesseraSession, { secret: TEST_SECRET, warn: () => {} });
    app.post('/incr', async (request) => {
      request.session.fastifyViews = (request.session.fastifyViews ?? 0) + 1;
      return { views: request.session.fastifyViews };
    });
    server = await listenFastify(app);
  });
  after(() => server.close());

  it("reads HTTPS from Fastify's request.protocol: a __Host- cookie, Secure", async () => {
    const client = new HttpClient(server.url, { 'x-forwarded-proto': 'https' });
    const res = await client.request('/incr', { method: 'POST' });
    assert.equal(res.setCookies.length, 1);
    assert.match(res.setCookies[0]!, /^__Host-sid=s%3A/);
    assert.match(res.setCookies[0]!, /; Secure/);
    assert.deepEqual(JSON.parse((await client.request('/incr', { method: 'POST' })).body), { views: 2 });
  });

  it('without the proxy header the same app serves plain HTTP under sid', async () => {
    const res = await new HttpClient(server.url).request('/incr', { method: 'POST' });
    assert.match(res.setCookies[0]!, /^sid=/);
    assert.doesNotMatch(res.setCookies[0]!, /Secure/);
  });
});

describe('tessera/fastify under app.inject() (Fastify\'s own test client)', () => {
  it('creates, stores and reads back a session without a socket', async () => {
    const app = fastifyApp();
    await app.register(tesseraSession, { secret: TEST_SECRET, warn: () => {} });
    app.post('/incr', async (request) => {
      request.session.fastifyViews = (request.session.fastifyViews ?? 0) + 1;
      return { views: request.session.fastifyViews };
    });
    app.get('/hijack', (request, reply) => {
      reply.hijack();
      request.session.fastifyViews = 10;
      reply.raw.end('raw');
    });
    try {
      const first = await app.inject({ method: 'POST', url: '/incr' });
      const cookie = String(first.headers['set-cookie']).split(';')[0]!;
      assert.match(cookie, /^sid=s%3A/);
      const second = await app.inject({ method: 'POST', url: '/incr', headers: { cookie } });
      assert.deepEqual(second.json(), { views: 2 });
      const hijacked = await app.inject({ method: 'GET', url: '/hijack' });
      assert.equal(hijacked.body, 'raw');
      assert.match(String(hijacked.headers['set-cookie']), /^sid=s%3A/);
    } finally {
      await app.close();
    }
  });
});
