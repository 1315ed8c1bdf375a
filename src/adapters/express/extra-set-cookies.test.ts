// tessera/express sends every cookie of a commit (`setCookieLines`: the session cookie, then the
// cookie cache's), beside the app's own, whatever way the response goes out: send, an explicit
// writeHead, a redirect; a streamed body gets no copy (its session may change after the head);
// on Express 4 and 5.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { session } from './index.js';
import { SessionManager } from '../../index.js';
import { generateSecret } from '../../core/secrets.js';
import { expressVersions, listen, type Listening } from '../../../test/helpers/express-apps.js';
import { TEST_SECRET } from '../../../test/helpers/session-client.js';
import { HttpClient } from '../../../test/helpers/http-client.js';

for (const { name, express } of expressVersions) {
  describe(`tessera/express sends every commit cookie (${name})`, () => {
    let server: Listening;
    let manager: SessionManager;

    before(async () => {
      manager = new SessionManager({ secret: TEST_SECRET, warn: () => {}, encryption: { keys: [{ id: 'k', key: generateSecret() }] }, cookieCache: true });
      const app = express();
      app.use(session(manager));
      app.use((req, res, next) => {
        (req.session as unknown as Record<string, unknown>).seen = true;
        res.cookie('app', '1');
        next();
      });
      app.get('/send', (_req, res) => void res.send('ok'));
      app.get('/head', (_req, res) => {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end('ok');
      });
      app.get('/redirect', (_req, res) => res.redirect('/send'));
      app.get('/stream', (_req, res) => {
        res.write('a');
        setImmediate(() => res.end('b'));
      });
      app.get('/stream-write', (req, res) => {
        res.write('a');
        setImmediate(() => {
          (req.session as unknown as Record<string, unknown>).late = 'written after the head';
          res.end('b');
        });
      });
      app.get('/late', (req, res) => void res.send(String((req.session as unknown as Record<string, unknown>).late)));
      server = await listen(app);
    });
    after(async () => {
      await server.close();
      await manager.close();
    });

    for (const path of ['/send', '/head', '/redirect']) {
      it(`${path}: the app's cookie, the session cookie and the cache cookie, each once`, async () => {
        const res = await fetch(`${server.url}${path}`, { redirect: 'manual' });
        await res.text();
        const names = res.headers.getSetCookie().map((line) => line.split('=', 1)[0]);
        assert.deepEqual(names.sort(), ['app', 'sid', 'sid-cache']);
      });
    }

    it('/stream: no copy of a session that may still change after the head', async () => {
      const res = await fetch(`${server.url}/stream`);
      await res.text();
      const names = res.headers.getSetCookie().map((line) => line.split('=', 1)[0]);
      assert.deepEqual(names.sort(), ['app', 'sid']);
    });

    it('a change made while the body streams is not hidden by an older copy', async () => {
      const client = new HttpClient(server.url);
      await client.request('/send');
      assert.ok(client.jar.has('sid-cache'));
      const res = await client.request('/stream-write');
      assert.ok(res.setCookies.some((line) => /^sid-cache=;/.test(line)), 'the older copy is deleted');
      assert.equal((await client.request('/late')).body, 'written after the head');
    });
  });
}
