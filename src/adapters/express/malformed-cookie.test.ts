// A forged, malformed or oversized cookie means "no session": a fresh one, a 200, never a 500,
// and never a session under an ID the client chose. A cookie of the session's name that led
// nowhere is deleted (once: the client then sends none); a header without the name gets nothing.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { session } from './index.js';
import { SessionManager } from '../../index.js';
import { expressVersions, listen, type Listening } from '../../../test/helpers/express-apps.js';
import { HttpClient } from '../../../test/helpers/http-client.js';
import { GOOD_ID, hostileCookieCases } from '../../../test/helpers/hostile-cookies.js';
import { TEST_SECRET } from '../../../test/helpers/session-client.js';


for (const { name, express } of expressVersions) {
  describe(`tessera/express malformed cookies (${name})`, () => {
    const manager = new SessionManager({ secret: TEST_SECRET, warn: () => {} });
    let server: Listening;

    before(async () => {
      const app = express();
      app.use(session(manager));
      app.get('/me', (req, res) => {
        res.json({ isNew: req.session.isNew, id: req.sessionID, user: req.session.expressUser ?? null });
      });
      app.get('/login', (req, res) => {
        req.session.expressUser = 'alice';
        res.json({ id: req.sessionID });
      });
      server = await listen(app);
    });
    after(() => server.close());

    const cases = hostileCookieCases();

    for (const [label, cookie, sent = true] of cases) {
      it(`${label}: a fresh session, 200`, async () => {
        const res = await new HttpClient(server.url).request('/me', { headers: { cookie } });
        assert.equal(res.status, 200);
        const body = JSON.parse(res.body) as { isNew: boolean; id: string; user: string | null };
        assert.equal(body.isNew, true);
        assert.equal(body.user, null);
        assert.notEqual(body.id, GOOD_ID, 'the server never adopts an ID the client sent');
        if (sent) {
          assert.deepEqual(res.setCookies, ['sid=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; SameSite=Lax'], 'the dead cookie is deleted');
          assert.equal(res.headers.get('cache-control'), 'no-store');
        } else {
          assert.deepEqual(res.setCookies, [], 'an untouched fresh session sends nothing');
          assert.equal(res.headers.get('cache-control'), null);
        }
      });
    }

    it('a tampered copy of a real cookie gets nothing of its session', async () => {
      const client = new HttpClient(server.url);
      await client.request('/login');
      const real = client.jar.get('sid') ?? '';
      const tampered = real.slice(0, -2) + (real.endsWith('AA') ? 'BB' : 'AA');
      const res = await new HttpClient(server.url).request('/me', { headers: { cookie: `sid=${tampered}` } });
      assert.equal(res.status, 200);
      assert.equal((JSON.parse(res.body) as { user: string | null }).user, null);
      const genuine = await client.request('/me');
      assert.equal((JSON.parse(genuine.body) as { user: string | null }).user, 'alice', 'the real cookie still works');
    });

    it('a genuine cookie next to junk still works', async () => {
      const client = new HttpClient(server.url);
      await client.request('/login');
      const res = await client.request('/me', { headers: { cookie: `junk=%%%; sid=${client.jar.get('sid') ?? ''}; other="x` } });
      assert.equal((JSON.parse(res.body) as { user: string | null }).user, 'alice');
    });
  });
}
