// tessera/express with SessionManager's defaults, on real Express 5 and Express 4 servers:
// the cookie's name and attributes, no cookie for untouched visitors, Vary: Cookie.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { session } from './index.js';
import { SessionManager } from '../../index.js';
import type { MemoryStore } from '../../stores/memory/memory-store.js';
import { expressVersions, listen, route, type Listening } from '../../../test/helpers/express-apps.js';
import { cookieAttributes, HttpClient } from '../../../test/helpers/http-client.js';
import { TEST_SECRET } from '../../../test/helpers/session-client.js';

for (const { name, express } of expressVersions) {
  describe(`tessera/express defaults (${name})`, () => {
    const warnings: string[] = [];
    const manager = new SessionManager({ secret: TEST_SECRET, warn: (w) => warnings.push(w) });
    let server: Listening;

    before(async () => {
      const app = express();
      app.set('trust proxy', true);
      app.use(session(manager));
      app.get('/count', (req, res) => {
        req.session.expressViews = (req.session.expressViews ?? 0) + 1;
        res.json({ views: req.session.expressViews, id: req.sessionID, sameStore: req.sessionStore === manager.store });
      });
      app.get('/read', (req, res) => {
        res.json({ views: req.session.expressViews ?? 0, isNew: req.session.isNew });
      });
      app.get('/vary', (_req, res) => {
        res.vary('Accept-Encoding');
        res.send('ok');
      });
      app.get(
        '/fail',
        route(() => {
          throw new Error('boom');
        }),
      );
      server = await listen(app);
    });
    after(() => server.close());

    it('sends sid over plain HTTP: HttpOnly, SameSite=Lax, Path=/, no Secure, no Expires', async () => {
      const client = new HttpClient(server.url);
      const res = await client.request('/count');
      assert.equal(res.status, 200);
      assert.equal(res.setCookies.length, 1);
      const header = res.setCookies[0] ?? '';
      assert.match(header, /^sid=s%3A[A-Za-z0-9_-]{43}\.[A-Za-z0-9%+/]+;/);
      assert.deepEqual(cookieAttributes(header), new Set(['path=/', 'httponly', 'samesite=lax']));
    });

    it('warns once about plain HTTP', async () => {
      await new HttpClient(server.url).request('/count');
      await new HttpClient(server.url).request('/count');
      assert.equal(warnings.length, 1);
      assert.match(warnings[0] ?? '', /plain HTTP.*__Host-sid/);
    });

    it('sends __Host-sid with Secure when the request is secure (trust proxy + X-Forwarded-Proto)', async () => {
      const client = new HttpClient(server.url, { 'x-forwarded-proto': 'https' });
      const res = await client.request('/count');
      const header = res.setCookies[0] ?? '';
      assert.match(header, /^__Host-sid=s%3A/);
      assert.deepEqual(cookieAttributes(header), new Set(['path=/', 'httponly', 'secure', 'samesite=lax']));
      const again = await client.request('/count');
      assert.equal((JSON.parse(again.body) as { views: number }).views, 2, 'the __Host- cookie is read back');
      const plain = await new HttpClient(server.url).request('/read', { headers: { cookie: client.cookieHeader ?? '' } });
      assert.equal((JSON.parse(plain.body) as { isNew: boolean }).isNew, true, 'a plain request does not read the __Host- cookie');
    });

    it('keeps the session across requests, with req.sessionID and req.sessionStore', async () => {
      const client = new HttpClient(server.url);
      const first = JSON.parse((await client.request('/count')).body) as { views: number; id: string; sameStore: boolean };
      const second = JSON.parse((await client.request('/count')).body) as { views: number; id: string };
      assert.equal(first.views, 1);
      assert.equal(second.views, 2);
      assert.equal(second.id, first.id);
      assert.equal(first.sameStore, true);
    });

    it('sends no cookie and stores nothing for a visitor whose session is untouched', async () => {
      const store = manager.store as MemoryStore;
      const before = store.size;
      const res = await new HttpClient(server.url).request('/read');
      assert.equal(res.status, 200);
      assert.deepEqual(res.setCookies, []);
      assert.equal(store.size, before);
    });

    it('does not resend the cookie when the session changes (browser-session cookie)', async () => {
      const client = new HttpClient(server.url);
      await client.request('/count');
      assert.deepEqual((await client.request('/count')).setCookies, []);
    });

    it('sends Vary: Cookie on every response, merged with the app’s own Vary', async () => {
      assert.equal((await new HttpClient(server.url).request('/read')).headers.get('vary'), 'Cookie');
      assert.equal((await new HttpClient(server.url).request('/count')).headers.get('vary'), 'Cookie');
      const vary = (await new HttpClient(server.url).request('/vary')).headers.get('vary') ?? '';
      assert.deepEqual(vary.split(/\s*,\s*/).sort(), ['Accept-Encoding', 'Cookie']);
    });

    it('leaves application errors to Express (500 from the route, not from the session)', async () => {
      const res = await new HttpClient(server.url).request('/fail');
      assert.equal(res.status, 500);
      assert.match(res.body, /boom|Internal Server Error/);
    });
  });
}

describe('session(manager)', () => {
  it('refuses anything but a SessionManager', () => {
    for (const bad of [undefined, null, {}, { secret: TEST_SECRET }]) {
      assert.throws(() => session(bad as unknown as SessionManager), /TypeError|manager must be a SessionManager/);
    }
  });
});
