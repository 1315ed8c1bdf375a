// A streamed response sends its head at the first write, so the session is committed then;
// changes the app makes to the session while it keeps streaming must still be saved at `end`.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { session } from './index.js';
import { SessionManager } from '../../index.js';
import { MemoryStore } from '../../stores/memory/memory-store.js';
import { expressVersions, listen, type Listening } from '../../../test/helpers/express-apps.js';
import { HttpClient } from '../../../test/helpers/http-client.js';
import { TEST_SECRET } from '../../../test/helpers/session-client.js';

for (const { name, express } of expressVersions) {
  describe(`tessera/express saves changes made while streaming (${name})`, () => {
    const store = new MemoryStore({ sweepInterval: 0 });
    const manager = new SessionManager({ secret: TEST_SECRET, store, warn: () => {} });
    let server: Listening;
    let saves = 0;
    manager.on('saved', () => saves++);

    before(async () => {
      const app = express();
      app.use(session(manager));
      app.get('/stream', (req, res) => {
        req.session.expressViews = 1;
        res.write('a');
        // After the head has gone out: this change can no longer ride on the first commit.
        req.session.expressViews = 2;
        setTimeout(() => {
          req.session.expressUser = 'late';
          res.end('b');
        }, 10);
      });
      app.get('/stream-unchanged', (req, res) => {
        res.write('a');
        res.end('b');
      });
      app.get('/read', (req, res) => {
        res.json({ views: req.session.expressViews ?? null, user: req.session.expressUser ?? null });
      });
      server = await listen(app);
    });
    after(() => server.close());

    it('writes the late changes before the response ends, and the next request sees them', async () => {
      const client = new HttpClient(server.url);
      saves = 0;
      const res = await client.request('/stream');
      assert.equal(res.body, 'ab');
      assert.equal(saves, 2, 'one save at the head, one for the changes made while streaming');
      const read = await client.request('/read');
      assert.deepEqual(JSON.parse(read.body), { views: 2, user: 'late' });
    });

    it('writes nothing more when nothing changed while streaming', async () => {
      const client = new HttpClient(server.url);
      await client.request('/stream'); // a stored session
      saves = 0;
      const res = await client.request('/stream-unchanged');
      assert.equal(res.body, 'ab');
      assert.equal(saves, 0);
    });
  });
}
