// A forged, malformed, oversized or duplicated cookie means "no session" under Fastify too: a
// fresh session and a 200, never a 5xx, never a session under an ID the client chose. A dead
// cookie of the session's name is deleted; a header without the name gets nothing.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import tesseraSession from './index.js';
import { fastifyApp, listenFastify, type FastifyListening } from '../../../test/helpers/fastify-apps.js';
import { HttpClient } from '../../../test/helpers/http-client.js';
import { signId } from '../../core/signature.js';
import { GOOD_ID, hostileCookieCases } from '../../../test/helpers/hostile-cookies.js';
import { TEST_SECRET } from '../../../test/helpers/session-client.js';


describe('tessera/fastify malformed cookies', () => {
  let server: FastifyListening;

  before(async () => {
    const app = fastifyApp();
    await app.register(tesseraSession, { secret: TEST_SECRET, warn: () => {} });
    app.get('/me', async (request) => ({ isNew: request.session.isNew, id: request.session.id, user: request.session.fastifyUser ?? null }));
    app.get('/login', async (request) => {
      request.session.fastifyUser = 'alice';
      return { id: request.session.id };
    });
    server = await listenFastify(app);
  });
  after(() => server.close());

  const signed = encodeURIComponent(signId(GOOD_ID, TEST_SECRET));
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
      } else {
        assert.deepEqual(res.setCookies, [], 'an untouched fresh session sends nothing');
      }
    });
  }

  it('a tampered copy of a real cookie gets nothing of its session; the real one still works', async () => {
    const client = new HttpClient(server.url);
    await client.request('/login');
    const real = client.jar.get('sid') ?? '';
    const tampered = real.slice(0, -2) + (real.endsWith('AA') ? 'BB' : 'AA');
    const res = await new HttpClient(server.url).request('/me', { headers: { cookie: `sid=${tampered}` } });
    assert.equal(res.status, 200);
    assert.equal(JSON.parse(res.body).user, null);
    assert.equal(JSON.parse((await client.request('/me')).body).user, 'alice');
  });

  it('a planted cookie before the real one does not hide it', async () => {
    const client = new HttpClient(server.url);
    await client.request('/login');
    const real = client.jar.get('sid') ?? '';
    const res = await new HttpClient(server.url).request('/me', { headers: { cookie: `sid=${signed}; sid=${real}` } });
    assert.equal(res.status, 200);
    assert.equal(JSON.parse(res.body).user, 'alice');
  });
});
