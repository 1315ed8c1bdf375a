// The server-side idle timeout and the throttled touch through a real Express server, on an
// injected clock (shared by the manager and its default MemoryStore).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { session } from './index.js';
import { SessionManager } from '../../index.js';
import { expressVersions, listen, type Listening } from '../../../test/helpers/express-apps.js';
import { HttpClient } from '../../../test/helpers/http-client.js';
import { manualClock } from '../../../test/helpers/manual-clock.js';
import { TEST_SECRET } from '../../../test/helpers/session-client.js';

const MINUTE = 60_000;

for (const { name, express } of expressVersions) {
  describe(`tessera/express idle timeout and touch (${name})`, () => {
    const clock = manualClock();
    const manager = new SessionManager({ secret: TEST_SECRET, clock: clock.now, warn: () => {} });
    const writes = { saved: 0, touched: 0 };
    manager.on('saved', () => writes.saved++);
    manager.on('touched', () => writes.touched++);
    let server: Listening;

    before(async () => {
      const app = express();
      app.use(session(manager));
      app.get('/count', (req, res) => {
        req.session.expressViews = (req.session.expressViews ?? 0) + 1;
        res.json({ views: req.session.expressViews });
      });
      app.get('/read', (req, res) => {
        res.json({ views: req.session.expressViews ?? 0 });
      });
      server = await listen(app);
    });
    after(() => server.close());

    const views = async (client: HttpClient, path: string): Promise<number> =>
      (JSON.parse((await client.request(path)).body) as { views: number }).views;

    it('ends a session idle for 30 minutes, although the browser still sends its cookie', async () => {
      const client = new HttpClient(server.url);
      assert.equal(await views(client, '/count'), 1);
      assert.equal(await views(client, '/count'), 2);
      const cookie = client.cookieHeader;
      clock.advance(30 * MINUTE - 1);
      assert.equal(await views(client, '/read'), 2, 'still alive just before the timeout');
      clock.advance(30 * MINUTE);
      assert.equal(client.cookieHeader, cookie);
      assert.equal(await views(client, '/count'), 1, 'a new session after 30 idle minutes');
    });

    it('keeps an active session alive (reads touch the store expiry)', async () => {
      const client = new HttpClient(server.url);
      await views(client, '/count');
      for (let i = 0; i < 4; i++) {
        clock.advance(20 * MINUTE);
        assert.equal(await views(client, '/read'), 1, `after ${(i + 1) * 20} minutes`);
      }
    });

    it('touches the store at most once a minute for an unchanged session', async () => {
      const client = new HttpClient(server.url);
      await views(client, '/count');
      writes.saved = 0;
      writes.touched = 0;
      for (const step of [10_000, 20_000, 29_999]) {
        clock.advance(step);
        await views(client, '/read');
      }
      assert.deepEqual(writes, { saved: 0, touched: 0 }, 'no write within the first minute');
      clock.advance(1);
      await views(client, '/read');
      assert.deepEqual(writes, { saved: 0, touched: 1 });
      for (let i = 0; i < 5; i++) {
        clock.advance(5000);
        await views(client, '/read');
      }
      assert.deepEqual(writes, { saved: 0, touched: 1 }, 'throttled again after the touch');
      await views(client, '/count');
      assert.deepEqual(writes, { saved: 1, touched: 1 }, 'a change is saved at once');
    });
  });
}
