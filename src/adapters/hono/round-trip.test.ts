// tessera/hono on a real port (@hono/node-server) with a cookie jar: `c.get('session')` typed
// through SessionEnv, create on first write, nothing for an untouched visitor, read back, login
// (new ID, old one dead), logout (cookie cleared), the app's own cookies kept, the middleware
// mounted twice, and the device list fed by the `ip` option.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { getConnInfo } from '@hono/node-server/conninfo';
import { Hono } from 'hono';
import { setCookie } from 'hono/cookie';
import { session, type SessionEnv } from './index.js';
import { SessionManager } from '../../index.js';
import { CountingStore } from '../../../test/helpers/counting-store.js';
import { serveFetch, type ServedFetch } from '../../../test/helpers/fetch-servers.js';
import { HttpClient } from '../../../test/helpers/http-client.js';
import { TEST_SECRET } from '../../../test/helpers/session-client.js';

type Data = { honoViews: number };

const store = new CountingStore({ sweepInterval: 0 });
const manager = new SessionManager<Data>({ secret: TEST_SECRET, store, warn: () => {} });

function makeApp(): Hono<SessionEnv<Data>> {
  const app = new Hono<SessionEnv<Data>>();
  app.use(session(manager, { ip: (c) => getConnInfo(c).remote.address }));
  app.get('/peek', (c) => {
    const s = c.get('session');
    // @ts-expect-error: honoViews is a number (SessionEnv<Data> types the session's data)
    if (false as boolean) s.honoViews = 'many';
    return c.json({ id: s.isNew ? null : s.id, views: s.honoViews ?? null, user: s.userKey ?? null });
  });
  app.post('/incr', (c) => {
    const s = c.get('session');
    s.honoViews = (s.honoViews ?? 0) + 1;
    return c.json({ views: s.honoViews });
  });
  app.post('/login', async (c) => {
    await c.get('session').login('u1');
    return c.json({ id: c.get('session').id });
  });
  app.post('/logout', async (c) => {
    await c.get('session').destroy();
    return c.body(null, 204);
  });
  app.post('/own-cookie', (c) => {
    c.get('session').honoViews = 1;
    setCookie(c, 'theme', 'dark', { path: '/' });
    c.header('Cache-Control', 'private, max-age=60');
    return c.text('own');
  });
  // Mounted again on a route: the first mount owns the session.
  app.post('/twice', session(manager), (c) => {
    c.get('session').honoViews = 7;
    return c.text('twice');
  });
  return app;
}

const sessionCookies = (setCookies: string[]): string[] => setCookies.filter((c) => c.startsWith('sid='));

describe('tessera/hono round trip on a real port', () => {
  let served: ServedFetch;
  const client = (): HttpClient => new HttpClient(served.url, { 'user-agent': 'RoundTrip/1.0' });
  before(async () => {
    served = await serveFetch(makeApp().fetch);
  });
  after(() => served.close());

  it('an untouched visitor gets no cookie and no store write, and the response varies on Cookie', async () => {
    const writes = store.writes;
    const res = await client().request('/peek');
    assert.deepEqual(JSON.parse(res.body), { id: null, views: null, user: null });
    assert.deepEqual(res.setCookies, []);
    assert.equal(res.headers.get('vary'), 'Cookie');
    assert.equal(store.writes, writes);
  });

  it('creates the session on the first write, reads it back without writing again', async () => {
    const c = client();
    const writes = store.writes;
    const first = await c.request('/incr', { method: 'POST' });
    assert.equal(store.writes, writes + 1);
    assert.equal(sessionCookies(first.setCookies).length, 1);
    assert.equal(first.headers.get('cache-control'), 'no-store');
    const read = await c.request('/peek');
    assert.equal(JSON.parse(read.body).views, 1);
    assert.deepEqual(read.setCookies, []);
    assert.equal(store.writes, writes + 1);
  });

  it('login gives a new ID, the old one is dead, and the device list has the IP prefix and user agent', async () => {
    const c = client();
    await c.request('/incr', { method: 'POST' });
    const oldCookie = c.cookieHeader ?? '';
    const { id } = JSON.parse((await c.request('/login', { method: 'POST' })).body) as { id: string };
    const now = JSON.parse((await c.request('/peek')).body);
    assert.equal(now.id, id);
    assert.equal(now.user, 'u1');
    assert.equal(JSON.parse((await c.request('/peek', { headers: { cookie: oldCookie } })).body).id, null);
    const devices = await manager.listSessions('u1');
    assert.ok(devices.some((d) => d.ip === '127.0.0.0/24' && d.userAgent === 'RoundTrip/1.0'), JSON.stringify(devices));
  });

  it('logout clears the cookie and sends Clear-Site-Data', async () => {
    const c = client();
    await c.request('/incr', { method: 'POST' });
    const res = await c.request('/logout', { method: 'POST' });
    assert.equal(res.status, 204);
    assert.match(sessionCookies(res.setCookies)[0] ?? '', /^sid=; .*Expires=Thu, 01 Jan 1970/);
    assert.equal(res.headers.get('clear-site-data'), '"cookies"');
    assert.equal(c.jar.size, 0);
  });

  it("keeps the app's own Set-Cookie and Cache-Control", async () => {
    const res = await client().request('/own-cookie', { method: 'POST' });
    assert.equal(res.body, 'own');
    assert.equal(res.setCookies[0], 'theme=dark; Path=/');
    assert.equal(sessionCookies(res.setCookies).length, 1);
    assert.equal(res.headers.get('cache-control'), 'private, max-age=60');
  });

  it('mounted twice, one session and one cookie', async () => {
    const c = client();
    const res = await c.request('/twice', { method: 'POST' });
    assert.equal(sessionCookies(res.setCookies).length, 1);
    assert.equal(res.headers.get('vary'), 'Cookie');
    assert.equal(JSON.parse((await c.request('/peek')).body).views, 7);
  });
});
