// Hostile cookies through tessera/web mean "no session", never an error or a 5xx: forged,
// malformed, oversized and duplicated session cookies, against a handler called directly and on
// a real port. A duplicated name cannot hide the visitor's real session.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { webSessions } from './index.js';
import { SessionManager } from '../../index.js';
import { MemoryStore } from '../../stores/memory/memory-store.js';
import { transports } from '../../../test/helpers/fetch-servers.js';
import type { HttpClient } from '../../../test/helpers/http-client.js';
import { TEST_SECRET } from '../../../test/helpers/session-client.js';

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

function app(): (request: Request) => Promise<Response> {
  const sessions = webSessions(new SessionManager<{ webViews: number }>({ secret: TEST_SECRET, store: new MemoryStore({ sweepInterval: 0 }), warn: () => {} }));
  return async (request) => {
    const session = await sessions.load(request);
    if (request.method === 'POST') session.webViews = (session.webViews ?? 0) + 1;
    return sessions.commit(session, Response.json({ id: session.isNew ? null : session.id, views: session.webViews ?? null }));
  };
}

for (const transport of transports) {
  describe(`tessera/web with hostile cookies, ${transport.name}`, () => {
    let started: Awaited<ReturnType<typeof transport.start>>;
    let client: () => HttpClient;
    before(async () => {
      started = await transport.start(app());
      client = () => started.client();
    });
    after(() => started.close());

    for (const [what, cookie] of HOSTILE) {
      it(`${what}: no session, a 200, and the dead cookie is cleared`, async () => {
        const res = await client().request('/', { headers: { cookie } });
        assert.equal(res.status, 200);
        assert.deepEqual(JSON.parse(res.body), { id: null, views: null });
        for (const line of res.setCookies) assert.match(line, /^sid=; /, 'only a clearing cookie, if any');
      });
    }

    it('a forged duplicate before the real cookie does not hide the session', async () => {
      const c = client();
      await c.request('/', { method: 'POST' });
      const real = c.cookieHeader ?? '';
      const res = await c.request('/', { headers: { cookie: `sid=s%3Aplanted.forged; ${real}` } });
      assert.equal(res.status, 200);
      assert.equal((JSON.parse(res.body) as { views: number }).views, 1);
    });
  });
}
