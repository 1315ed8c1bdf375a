// The way a Next.js App Router route handler uses tessera/web: a module of exported `GET` /
// `POST` functions, each `(request: Request) => Promise<Response>`, called here as plain
// functions with the cookies a browser would send back. No framework is involved.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { webSessions } from './index.js';
import { isTesseraError } from '../../core/errors.js';
import { SessionManager } from '../../index.js';
import { MemoryStore } from '../../stores/memory/memory-store.js';
import { TEST_SECRET } from '../../../test/helpers/session-client.js';

// --- app/api/cart/route.ts, as an app writes it ---------------------------------------------
const sessions = webSessions(new SessionManager<{ webCart: string[] }>({ secret: TEST_SECRET, store: new MemoryStore({ sweepInterval: 0 }), warn: () => {} }));

async function GET(request: Request): Promise<Response> {
  const session = await sessions.load(request);
  return sessions.commit(session, Response.json({ cart: session.webCart ?? [] }));
}

async function POST(request: Request): Promise<Response> {
  try {
    const session = await sessions.load(request);
    const { item } = (await request.json()) as { item: string };
    session.webCart = [...(session.webCart ?? []), item];
    return await sessions.commit(session, Response.json({ cart: session.webCart }, { status: 201 }));
  } catch (error) {
    if (isTesseraError(error, 'ERR_STORE_FAILED')) return new Response('Service Unavailable', { status: 503 });
    throw error;
  }
}
// ----------------------------------------------------------------------------------------------

/** The `name=value` of a response's session cookie, as the browser sends it back. */
function cookieOf(response: Response): string {
  const line = response.headers.getSetCookie().find((c) => c.startsWith('__Host-sid='));
  assert.ok(line, 'a session cookie');
  return line.split(';', 1)[0] ?? '';
}

describe('a Next.js-style route handler on tessera/web, called as plain functions', () => {
  const url = 'https://shop.test/api/cart';

  it('POST starts the session, GET reads it back, a second POST adds to it', async () => {
    const empty = await GET(new Request(url));
    assert.deepEqual(await empty.json(), { cart: [] });
    assert.deepEqual(empty.headers.getSetCookie(), [], 'a visitor who changed nothing gets no cookie');

    const added = await POST(new Request(url, { method: 'POST', body: JSON.stringify({ item: 'apple' }) }));
    assert.equal(added.status, 201);
    const cookie = cookieOf(added);
    assert.match(added.headers.getSetCookie()[0] ?? '', /; Secure; SameSite=Lax$/);

    const read = await GET(new Request(url, { headers: { cookie } }));
    assert.deepEqual(await read.json(), { cart: ['apple'] });
    assert.equal(read.headers.get('vary'), 'Cookie');

    const more = await POST(new Request(url, { method: 'POST', headers: { cookie }, body: JSON.stringify({ item: 'pear' }) }));
    assert.deepEqual(await more.json(), { cart: ['apple', 'pear'] });
  });

  it('a forged cookie is a fresh cart, not an error', async () => {
    const res = await GET(new Request(url, { headers: { cookie: '__Host-sid=s%3Aforged.forged' } }));
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { cart: [] });
  });
});
