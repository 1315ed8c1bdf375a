// Responses whose headers the Fetch standard makes immutable (`Response.redirect()`, a
// `fetch()` result passed on, as a proxy route does) still get the session's headers: commit
// returns a copy with the same status, headers and body, and leaves the original alone.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { webSessions } from './index.js';
import { SessionManager } from '../../index.js';
import { MemoryStore } from '../../stores/memory/memory-store.js';
import { serveFetch, type ServedFetch } from '../../../test/helpers/fetch-servers.js';
import { TEST_SECRET } from '../../../test/helpers/session-client.js';

// Taken before @hono/node-server replaces the global Response with its own (whose redirect()
// headers are mutable), so these are the runtime's standard responses.
const NativeResponse = globalThis.Response;

const sessions = webSessions(new SessionManager<{ webProxied: boolean }>({ secret: TEST_SECRET, store: new MemoryStore({ sweepInterval: 0 }), warn: () => {} }));

describe('tessera/web with immutable responses', () => {
  let upstream: ServedFetch;
  before(async () => {
    upstream = await serveFetch(() => new Response('from upstream', { status: 201, headers: { 'x-upstream': 'yes', 'set-cookie': 'up=1' } }));
  });
  after(() => upstream.close());

  it('copies a Response.redirect() and adds the cookie to the copy', async () => {
    const session = await sessions.load(new Request('http://app.test/'));
    session.webProxied = true;
    const original = NativeResponse.redirect('http://app.test/next', 303);
    assert.throws(() => original.headers.append('x', '1'), TypeError, 'the control: its headers are immutable');
    const sent = await sessions.commit(session, original);
    assert.notEqual(sent, original);
    assert.equal(sent.status, 303);
    assert.equal(sent.headers.get('location'), 'http://app.test/next');
    assert.equal(sent.headers.getSetCookie().length, 1);
    assert.equal(original.headers.getSetCookie().length, 0, 'the original is unchanged');
  });

  it('copies a fetch() response, keeping its status, headers, cookies and body', async () => {
    const session = await sessions.load(new Request('http://app.test/'));
    session.webProxied = true;
    const fetched = await fetch(upstream.url);
    const sent = await sessions.commit(session, fetched);
    assert.equal(sent.status, 201);
    assert.equal(sent.headers.get('x-upstream'), 'yes');
    assert.deepEqual(sent.headers.getSetCookie().map((c) => c.split('=', 1)[0]), ['up', 'sid']);
    assert.equal(await sent.text(), 'from upstream');
  });

  it('changes a mutable response in place and returns the same object', async () => {
    const session = await sessions.load(new Request('http://app.test/'));
    session.webProxied = true;
    const response = new NativeResponse('ok');
    assert.equal(await sessions.commit(session, response), response);
    assert.equal(response.headers.getSetCookie().length, 1);
  });
});
