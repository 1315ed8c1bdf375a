// tessera/hono commits before the response leaves the middleware chain, whichever way the app
// answers: c.redirect, Response.redirect, a proxied fetch() response (immutable headers),
// hono/streaming's stream() and streamText(), and a ReadableStream body. Each carries the
// session cookie, and the session is already stored while the streamed body is still open.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Hono } from 'hono';
import { stream, streamText } from 'hono/streaming';
import { session, type SessionEnv } from './index.js';
import { SessionManager } from '../../index.js';
import { MemoryStore } from '../../stores/memory/memory-store.js';
import { serveFetch, type ServedFetch } from '../../../test/helpers/fetch-servers.js';
import { HttpClient } from '../../../test/helpers/http-client.js';
import { TEST_SECRET } from '../../../test/helpers/session-client.js';

type Data = { honoNote: string };

/** A promise the test resolves to let a held stream finish. */
function gate(): { wait: Promise<void>; open(): void } {
  let open = (): void => {};
  const wait = new Promise<void>((resolve) => (open = resolve));
  return { wait, open };
}

describe('tessera/hono commits before the response is sent', () => {
  let served: ServedFetch;
  let upstream: ServedFetch;
  let held = gate();
  before(async () => {
    upstream = await serveFetch(() => new Response('upstream body', { status: 202, headers: { 'set-cookie': 'up=1; Path=/' } }));
    const app = new Hono<SessionEnv<Data>>();
    app.use(session(new SessionManager<Data>({ secret: TEST_SECRET, store: new MemoryStore({ sweepInterval: 0 }), warn: () => {} })));
    app.get('/peek', (c) => c.json({ note: c.get('session').honoNote ?? null }));
    app.get('/c-redirect', (c) => {
      c.get('session').honoNote = 'c.redirect';
      return c.redirect('/peek');
    });
    app.get('/response-redirect', (c) => {
      c.get('session').honoNote = 'Response.redirect';
      return Response.redirect(new URL('/peek', c.req.url), 303);
    });
    app.get('/proxy', async (c) => {
      c.get('session').honoNote = 'proxy';
      return fetch(upstream.url);
    });
    app.get('/stream', (c) => {
      c.get('session').honoNote = 'stream';
      return stream(c, async (s) => {
        await s.write('chunk-0\n');
        await held.wait;
        await s.write('chunk-1\n');
      });
    });
    app.get('/stream-text', (c) => {
      c.get('session').honoNote = 'streamText';
      return streamText(c, async (s) => {
        await s.write('chunk-0\n');
        await held.wait;
        await s.write('chunk-1\n');
      });
    });
    app.get('/late', (c) => {
      c.get('session').honoNote = 'before the stream';
      return stream(c, async (s) => {
        await s.write('chunk-0\n');
        // Past the commit: only an explicit save writes this.
        c.get('session').honoNote = 'saved inside the stream';
        await c.get('session').save();
        await s.write('chunk-1\n');
      });
    });
    app.get('/readable', (c) => {
      c.get('session').honoNote = 'ReadableStream';
      const encoder = new TextEncoder();
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(encoder.encode('chunk-0\n'));
          void held.wait.then(() => {
            controller.enqueue(encoder.encode('chunk-1\n'));
            controller.close();
          });
        },
      });
      return c.body(body, 200, { 'content-type': 'text/plain' });
    });
    served = await serveFetch(app.fetch);
  });
  after(async () => {
    held.open();
    await served.close();
    await upstream.close();
  });

  for (const [path, status, note] of [
    ['/c-redirect', 302, 'c.redirect'],
    ['/response-redirect', 303, 'Response.redirect'],
  ] as const) {
    it(`${path}: the redirect carries the cookie of a session already stored`, async () => {
      const c = new HttpClient(served.url);
      const res = await c.request(path);
      assert.equal(res.status, status);
      assert.match(res.headers.get('location') ?? '', /\/peek$/);
      assert.equal(res.setCookies.length, 1);
      assert.equal(res.headers.get('vary'), 'Cookie');
      assert.deepEqual(JSON.parse((await c.request('/peek')).body), { note });
    });
  }

  it("/proxy: a fetch() response (immutable headers) gets the cookie next to upstream's own", async () => {
    const c = new HttpClient(served.url);
    const res = await c.request('/proxy');
    assert.equal(res.status, 202);
    assert.equal(res.body, 'upstream body');
    assert.deepEqual(res.setCookies.map((line) => line.split('=', 1)[0]), ['up', 'sid']);
    assert.deepEqual(JSON.parse((await c.request('/peek')).body), { note: 'proxy' });
  });

  for (const [path, note] of [
    ['/stream', 'stream'],
    ['/stream-text', 'streamText'],
    ['/readable', 'ReadableStream'],
  ] as const) {
    it(`${path}: the head carries the cookie, and the session is stored while the body is still open`, async () => {
      held = gate();
      const c = new HttpClient(served.url);
      const response = await fetch(new URL(path, served.url));
      assert.equal(response.status, 200);
      const cookies = response.headers.getSetCookie();
      assert.equal(cookies.length, 1);
      for (const line of cookies) c.keep(line);
      // The body is held open: the stored session is read by a second request meanwhile.
      assert.deepEqual(JSON.parse((await c.request('/peek')).body), { note });
      held.open();
      assert.equal(await response.text(), 'chunk-0\nchunk-1\n');
    });
  }

  it('a change made inside a running stream is written by session.save()', async () => {
    const c = new HttpClient(served.url);
    const res = await c.request('/late');
    assert.equal(res.body, 'chunk-0\nchunk-1\n');
    assert.deepEqual(JSON.parse((await c.request('/peek')).body), { note: 'saved inside the stream' });
  });

  it('a client that aborts mid-stream: the session stays stored and the server keeps serving', async () => {
    held = gate();
    const c = new HttpClient(served.url);
    const controller = new AbortController();
    const response = await fetch(new URL('/readable', served.url), { signal: controller.signal });
    for (const line of response.headers.getSetCookie()) c.keep(line);
    controller.abort();
    await assert.rejects(response.text(), { name: 'AbortError' });
    held.open();
    assert.deepEqual(JSON.parse((await c.request('/peek')).body), { note: 'ReadableStream' });
  });
});
