// Hostile cookies through tessera/hono on a real port mean "no session", never a 5xx: forged,
// malformed, oversized and duplicated session cookies; a forged duplicate cannot hide the real one.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Hono } from 'hono';
import { session, type SessionEnv } from './index.js';
import { SessionManager } from '../../index.js';
import { MemoryStore } from '../../stores/memory/memory-store.js';
import { serveFetch, type ServedFetch } from '../../../test/helpers/fetch-servers.js';
import { HttpClient } from '../../../test/helpers/http-client.js';
import { TEST_SECRET } from '../../../test/helpers/session-client.js';

type Data = { honoViews: number };

const HOSTILE: ReadonlyArray<[string, string]> = [
  ['a forged signature', 'sid=s%3Aabcdefghijklmnopqrstuvwxyz0123456789ABCDEFG.forgedforgedforgedforgedforgedforgedforge'],
  ['an unsigned ID', 'sid=abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG'],
  ['broken percent-encoding', 'sid=s%3A%E0%A4%A.x%ZZ'],
  ['an empty value', 'sid='],
  ['quotes and separators', 'sid="s:a;b,c\\"d"'],
  ['an oversized value (8000 characters)', `sid=s%3A${'a'.repeat(8000)}.sig`],
  ['the name a hundred times', Array.from({ length: 100 }, (_, i) => `sid=s%3Aid${i}.sig${i}`).join('; ')],
  ['bytes outside ASCII and a tab', 'sid=s%3A\u00ff\u00fe\t.sig\u00e9'],
];

describe('tessera/hono with hostile cookies', () => {
  let served: ServedFetch;
  before(async () => {
    const app = new Hono<SessionEnv<Data>>();
    app.use(session(new SessionManager<Data>({ secret: TEST_SECRET, store: new MemoryStore({ sweepInterval: 0 }), warn: () => {} })));
    app.all('/', (c) => {
      const s = c.get('session');
      if (c.req.method === 'POST') s.honoViews = (s.honoViews ?? 0) + 1;
      return c.json({ id: s.isNew ? null : s.id, views: s.honoViews ?? null });
    });
    served = await serveFetch(app.fetch);
  });
  after(() => served.close());

  for (const [what, cookie] of HOSTILE) {
    it(`${what}: no session, a 200, and the dead cookie is cleared`, async () => {
      const res = await new HttpClient(served.url).request('/', { headers: { cookie } });
      assert.equal(res.status, 200);
      assert.deepEqual(JSON.parse(res.body), { id: null, views: null });
      for (const line of res.setCookies) assert.match(line, /^sid=; /, 'only a clearing cookie, if any');
    });
  }

  it('a forged duplicate before the real cookie does not hide the session', async () => {
    const c = new HttpClient(served.url);
    await c.request('/', { method: 'POST' });
    const res = await c.request('/', { headers: { cookie: `sid=s%3Aplanted.forged; ${c.cookieHeader ?? ''}` } });
    assert.equal((JSON.parse(res.body) as { views: number }).views, 1);
  });
});
