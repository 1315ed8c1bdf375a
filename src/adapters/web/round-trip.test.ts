// tessera/web from a visitor's side: one suite of requests, run against a Fetch API handler
// called directly and against the same handler on a real port (@hono/node-server), with a
// cookie jar. Create on first write, nothing for an untouched visitor, read back, login
// (new ID, old one dead), logout (cookie cleared), Response.redirect (immutable headers).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { webSessions } from './index.js';
import { SessionManager } from '../../index.js';
import { CountingStore } from '../../../test/helpers/counting-store.js';
import { transports } from '../../../test/helpers/fetch-servers.js';
import type { HttpClient } from '../../../test/helpers/http-client.js';
import { TEST_SECRET } from '../../../test/helpers/session-client.js';


type Data = { webViews: number; webNote: string };

function makeApp(store: CountingStore): (request: Request) => Promise<Response> {
  const sessions = webSessions(new SessionManager<Data>({ secret: TEST_SECRET, store, warn: () => {} }));
  return async (request) => {
    const session = await sessions.load(request);
    const { pathname } = new URL(request.url);
    if (pathname === '/incr') session.webViews = (session.webViews ?? 0) + 1;
    if (pathname === '/login') await session.login('u1');
    if (pathname === '/logout') {
      await session.destroy();
      return sessions.commit(session, new Response(null, { status: 204 }));
    }
    if (pathname === '/redirect') {
      session.webNote = 'redirected';
      return sessions.commit(session, Response.redirect(new URL('/peek', request.url), 302));
    }
    if (pathname === '/own-headers') {
      session.webViews = 1;
      const headers = new Headers({ 'cache-control': 'private, max-age=60', vary: 'Accept-Encoding' });
      headers.append('set-cookie', 'theme=dark; Path=/');
      return sessions.commit(session, new Response('own', { headers }));
    }
    const id = session.isNew ? null : session.id;
    return sessions.commit(session, Response.json({ id, views: session.webViews ?? null, note: session.webNote ?? null, user: session.userKey ?? null }));
  };
}

const json = (body: string): { id: string | null; views: number | null; note: string | null; user: string | null } => JSON.parse(body) as never;
const sessionCookie = (setCookies: string[]): string | undefined => setCookies.find((c) => c.startsWith('sid='));

for (const transport of transports) {
  describe(`tessera/web round trip, ${transport.name}`, () => {
    const store = new CountingStore({ sweepInterval: 0 });
    let started: Awaited<ReturnType<typeof transport.start>>;
    let client: () => HttpClient;
    before(async () => {
      started = await transport.start(makeApp(store));
      client = () => started.client();
    });
    after(() => started.close());

    it('an untouched visitor gets no cookie and no store write, and the response varies on Cookie', async () => {
      const writes = store.writes;
      const res = await client().request('/peek');
      assert.equal(res.status, 200);
      assert.deepEqual(json(res.body), { id: null, views: null, note: null, user: null });
      assert.deepEqual(res.setCookies, []);
      assert.equal(res.headers.get('vary'), 'Cookie');
      assert.equal(res.headers.get('cache-control'), null, 'no cookie, no no-store');
      assert.equal(store.writes, writes);
    });

    it('creates the session on the first write and reads it back without writing again', async () => {
      const c = client();
      const before = store.writes;
      const first = await c.request('/incr', { method: 'POST' });
      assert.equal(store.writes, before + 1, 'stored once');
      const cookie = sessionCookie(first.setCookies);
      assert.match(cookie ?? '', /^sid=s%3A[\w-]+\.[^;]+; Path=\/; HttpOnly; SameSite=Lax$/);
      assert.equal(first.headers.get('cache-control'), 'no-store');
      assert.equal(first.headers.get('content-type'), 'application/json');
      const writes = store.writes;
      const read = await c.request('/peek');
      assert.equal(json(read.body).views, 1);
      assert.deepEqual(read.setCookies, [], 'a read sends no cookie');
      assert.equal(store.writes, writes, 'a read writes nothing');
      assert.equal(json((await c.request('/incr', { method: 'POST' })).body).views, 2);
    });

    it('login gives a new ID and the old one is dead', async () => {
      const c = client();
      await c.request('/incr', { method: 'POST' });
      const before = json((await c.request('/peek')).body).id;
      const oldCookie = c.cookieHeader ?? '';
      const login = await c.request('/login', { method: 'POST' });
      assert.ok(sessionCookie(login.setCookies), 'a new cookie');
      const now = json((await c.request('/peek')).body);
      assert.notEqual(now.id, before);
      assert.equal(now.user, 'u1');
      assert.equal(now.views, null, 'the logged-in session starts empty');
      const replay = await c.request('/peek', { headers: { cookie: oldCookie } });
      assert.equal(json(replay.body).id, null, 'the old ID finds nothing');
    });

    it('logout clears the cookie, sends Clear-Site-Data, and the session is gone', async () => {
      const c = client();
      await c.request('/incr', { method: 'POST' });
      const oldCookie = c.cookieHeader ?? '';
      const res = await c.request('/logout', { method: 'POST' });
      assert.equal(res.status, 204);
      assert.match(sessionCookie(res.setCookies) ?? '', /^sid=; .*Expires=Thu, 01 Jan 1970/);
      assert.equal(res.headers.get('clear-site-data'), '"cookies"');
      assert.equal(c.jar.size, 0);
      assert.equal(json((await c.request('/peek', { headers: { cookie: oldCookie } })).body).id, null);
    });

    it('Response.redirect (immutable headers) carries the cookie, and the session is stored before it is answered', async () => {
      const c = client();
      const res = await c.request('/redirect');
      assert.equal(res.status, 302);
      assert.match(res.headers.get('location') ?? '', /\/peek$/);
      assert.ok(sessionCookie(res.setCookies));
      assert.equal(res.headers.get('vary'), 'Cookie');
      assert.equal(json((await c.request('/peek')).body).note, 'redirected');
    });

    it("keeps the app's own Set-Cookie, Cache-Control and Vary", async () => {
      const res = await client().request('/own-headers');
      assert.equal(res.setCookies.length, 2);
      assert.equal(res.setCookies[0], 'theme=dark; Path=/');
      assert.ok(sessionCookie(res.setCookies));
      assert.equal(res.headers.get('cache-control'), 'private, max-age=60', "the app's Cache-Control wins");
      assert.equal(res.headers.get('vary'), 'Accept-Encoding, Cookie');
      assert.equal(res.body, 'own');
    });
  });
}
