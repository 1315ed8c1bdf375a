// The per-user revocation epoch (`devices: { epoch: true }`) over real HTTP on every store with
// one: revokeAllSessions raises it, and every session of the user bound before it is dead on its
// next request, including one the index lost (Redis: its user set deleted behind the store's
// back) and one loaded by another server; the kept session and later logins live on.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SessionManager } from '../../src/index.js';
import type { ExpiredInfo } from '../../src/core/engine-types.js';
import type { Listening } from '../helpers/express-apps.js';
import { HttpClient } from '../helpers/http-client.js';
import { manualClock } from '../helpers/manual-clock.js';
import { uniqueName } from '../helpers/services.js';
import { TEST_SECRET } from '../helpers/session-client.js';
import { deviceSetups, serveDevices } from './devices-apps.js';

for (const setup of deviceSetups) {
  describe(`revocation epoch on ${setup.name}`, await setup.skip(), () => {
    const clock = manualClock();
    let close: () => Promise<void>;
    let dropUserIndex: ((userKey: string) => Promise<void>) | undefined;
    let manager: SessionManager;
    let servers: Listening[] = [];
    const expired: ExpiredInfo[] = [];
    let n = 0;
    const user = (): string => `${uniqueName('bob')}-${n++}`;
    const device = (server: Listening, ua: string): HttpClient => new HttpClient(server.url, { 'user-agent': ua });
    const me = async (client: HttpClient): Promise<unknown> => (JSON.parse((await client.request('/me')).body) as { user: unknown }).user;

    before(async () => {
      const opened = await setup.open(clock.now);
      close = () => opened.close();
      dropUserIndex = opened.dropUserIndex;
      const options = { secret: TEST_SECRET, store: opened.store, clock: clock.now, warn: () => {}, devices: { epoch: true } };
      manager = new SessionManager(options);
      manager.on('expired', (info) => expired.push(info));
      // A second server on the same store: the epoch lives in the store, not in a process.
      servers = [await serveDevices(manager), await serveDevices(new SessionManager(options))];
    });
    after(async () => {
      for (const s of servers) await s.close();
      await close?.();
    });

    it('revokeAllSessions({ except }) kills every other session on its next request, on any server; the kept one lives on', async () => {
      const name = user();
      const [a, b] = servers as [Listening, Listening];
      const keep = device(a, 'Keep');
      const others = [device(a, 'Other A'), device(b, 'Other B')];
      for (const c of [keep, ...others]) await c.request(`/login/${name}`);
      clock.advance(1000);
      expired.length = 0;
      assert.deepEqual(JSON.parse((await keep.request('/revoke-others')).body), { count: 2 });
      assert.equal(await me(keep), name);
      for (const c of others) assert.equal(await me(c), null);
      clock.advance(1000);
      assert.equal(await me(keep), name, 'the kept session carries the new epoch');
      const later = device(b, 'Later');
      await later.request(`/login/${name}`);
      assert.equal(await me(later), name, 'a login after the revocation is not revoked');
    });

    it('reaches a session the index does not list', async (t) => {
      if (dropUserIndex === undefined) return void t.skip('this store gives no way to lose an index entry');
      const name = user();
      const [a, b] = servers as [Listening, Listening];
      const lost = device(a, 'Lost'); // on the server whose events are recorded
      await lost.request(`/login/${name}`);
      await dropUserIndex(name);
      assert.deepEqual(await manager.listSessions(name), [], 'the index lost it');
      const current = device(b, 'Current');
      await current.request(`/login/${name}`);
      clock.advance(1000);
      expired.length = 0;
      assert.deepEqual(JSON.parse((await current.request('/revoke-others')).body), { count: 0 });
      assert.equal(await me(lost), null, 'dead on its next request, by the epoch alone');
      assert.deepEqual(expired.map((e) => e.limit), ['revoked']);
      assert.equal(await me(current), name);
    });

    it('revokeAllSessions() without except kills them all and leaves the epoch at the revocation time', async () => {
      const name = user();
      const [a] = servers as [Listening, Listening];
      const clients = [device(a, 'One'), device(a, 'Two')];
      for (const c of clients) await c.request(`/login/${name}`);
      clock.advance(1000);
      await manager.revokeAllSessions(name);
      for (const c of clients) assert.equal(await me(c), null);
      assert.equal(await manager.store.userEpoch?.(name), clock.now());
    });
  });
}
