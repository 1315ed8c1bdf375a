// `sessions.headers(session)`: the commit as `[name, value]` pairs for code that builds its own
// response (a Next.js middleware, a streaming response). One commit per session, whichever of
// `headers` and `commit` is called and how often.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { webSessions } from './index.js';
import { SessionManager } from '../../index.js';
import { CountingStore } from '../../../test/helpers/counting-store.js';
import { TEST_SECRET } from '../../../test/helpers/session-client.js';


function setup(): { store: CountingStore; sessions: ReturnType<typeof webSessions<{ webCart: string[] }>> } {
  const store = new CountingStore({ sweepInterval: 0 });
  return { store, sessions: webSessions(new SessionManager<{ webCart: string[] }>({ secret: TEST_SECRET, store, warn: () => {} })) };
}

describe('tessera/web headers(session)', () => {
  it('lists set-cookie, then cache-control: no-store, then vary: Cookie', async () => {
    const { sessions } = setup();
    const session = await sessions.load(new Request('http://app.test/'));
    session.webCart = ['apple'];
    const list = await sessions.headers(session);
    assert.deepEqual(list.map(([name]) => name), ['set-cookie', 'cache-control', 'vary']);
    assert.match(list[0]?.[1] ?? '', /^sid=s%3A/);
    assert.deepEqual(list.slice(1), [['cache-control', 'no-store'], ['vary', 'Cookie']]);
    // Usable as HeadersInit as it is.
    const response = new Response('built by the app', { headers: list });
    assert.equal(response.headers.getSetCookie().length, 1);
  });

  it('is only vary: Cookie for an untouched visitor', async () => {
    const { sessions } = setup();
    const session = await sessions.load(new Request('http://app.test/'));
    assert.deepEqual(await sessions.headers(session), [['vary', 'Cookie']]);
  });

  it('lists the clearing cookie and clear-site-data at logout', async () => {
    const { sessions } = setup();
    const first = await sessions.load(new Request('http://app.test/'));
    first.webCart = [];
    const cookie = ((await sessions.headers(first))[0]?.[1] ?? '').split(';', 1)[0] ?? '';
    const second = await sessions.load(new Request('http://app.test/', { headers: { cookie } }));
    await second.destroy();
    const list = await sessions.headers(second);
    assert.deepEqual(list.map(([name]) => name), ['set-cookie', 'clear-site-data', 'cache-control', 'vary']);
    assert.match(list[0]?.[1] ?? '', /^sid=; /);
  });

  it('commits once: headers() twice and commit() give the same cookie, with one store write', async () => {
    const { store, sessions } = setup();
    const session = await sessions.load(new Request('http://app.test/'));
    session.webCart = ['pear'];
    const [a, b] = await Promise.all([sessions.headers(session), sessions.headers(session)]);
    const response = await sessions.commit(session, new Response('x'));
    assert.deepEqual(a, b);
    assert.deepEqual(response.headers.getSetCookie(), [a[0]?.[1]]);
    assert.equal(store.writes, 1);
  });

  it('refuses a session another webSessions loaded', async () => {
    const one = setup().sessions;
    const other = setup().sessions;
    const session = await one.load(new Request('http://app.test/'));
    await assert.rejects(other.headers(session), /not loaded by this webSessions/);
    await assert.rejects(other.commit(session, new Response('x')), TypeError);
  });
});
