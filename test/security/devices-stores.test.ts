// Devices and "log out everywhere" over real HTTP (native Express, cookie jars, one manual
// clock) on every store with a per-user index: the memory store, SQLite, Redis (standalone and
// Cluster) and PostgreSQL. Each "device" is its own cookie jar with its own User-Agent and
// client address (X-Forwarded-For behind `trust proxy`).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SessionManager } from '../../src/index.js';
import type { DeviceSession } from '../../src/core/devices.js';
import type { Listening } from '../helpers/express-apps.js';
import { HttpClient } from '../helpers/http-client.js';
import { manualClock } from '../helpers/manual-clock.js';
import { uniqueName } from '../helpers/services.js';
import { TEST_SECRET } from '../helpers/session-client.js';
import { deviceSetups, hold, serveDevices } from './devices-apps.js';

for (const setup of deviceSetups) {
  describe(`devices on ${setup.name}`, await setup.skip(), () => {
    const clock = manualClock();
    let close: () => Promise<void>;
    let manager: SessionManager;
    let server: Listening;
    let n = 0;
    const user = (): string => `${uniqueName('alice')}-${n++}`;
    const device = (userAgent: string, ip: string): HttpClient => new HttpClient(server.url, { 'user-agent': userAgent, 'x-forwarded-for': ip });
    const json = async <T>(client: HttpClient, path: string): Promise<T> => JSON.parse((await client.request(path)).body) as T;
    const login = async (client: HttpClient, name: string): Promise<string> => (await json<{ id: string }>(client, `/login/${name}`)).id;

    before(async () => {
      const opened = await setup.open(clock.now);
      close = () => opened.close();
      manager = new SessionManager({ secret: TEST_SECRET, store: opened.store, clock: clock.now, warn: () => {} });
      server = await serveDevices(manager);
    });
    after(async () => {
      await server?.close();
      await close?.();
    });

    it('lists both devices of a user with their metadata, by a handle that is neither the ID nor the store key', async () => {
      const name = user();
      const laptop = device('Firefox/140 laptop', '203.0.113.77');
      const phone = device('Safari/18 phone', '2001:db8:abcd:12::5');
      const createdA = clock.now();
      const idA = await login(laptop, name);
      clock.advance(1000);
      const idB = await login(phone, name);
      const raw = (await laptop.request('/devices')).body;
      const list = JSON.parse(raw) as DeviceSession[];
      assert.deepEqual(
        list.map(({ handle: _h, ...rest }) => rest),
        [
          { createdAt: createdA, lastSeenAt: createdA, userAgent: 'Firefox/140 laptop', ip: '203.0.113.0/24', current: true },
          { createdAt: createdA + 1000, lastSeenAt: createdA + 1000, userAgent: 'Safari/18 phone', ip: '2001:db8:abcd::/48' },
        ],
      );
      for (const secret of [idA, idB, manager.storeKey(idA), manager.storeKey(idB)]) assert.ok(!raw.includes(secret), 'no ID or store key in the list');
      const handles = list.map((d) => d.handle);
      assert.equal(new Set(handles).size, 2);
      for (const h of handles) assert.match(h, /^[A-Za-z0-9_-]{22}$/);
      const again = await json<DeviceSession[]>(phone, '/devices');
      assert.deepEqual(again.map((d) => d.handle), handles, 'stable across calls');
      assert.deepEqual(again.map((d) => d.current === true), [false, true], 'current follows the asking session');
    });

    it('revokeSession kills exactly that device; a label and a touch show in the list', async () => {
      const name = user();
      const laptop = device('Laptop UA', '198.51.100.1');
      const phone = device('Phone UA', '198.51.100.2');
      await login(laptop, name);
      await login(phone, name);
      await laptop.request('/label?l=Work%20laptop');
      clock.advance(5 * 60_000);
      const seen = clock.now();
      await phone.request('/me'); // touched: past the 60 s throttle
      const list = await json<DeviceSession[]>(laptop, '/devices');
      assert.equal(list.find((d) => d.current)?.label, 'Work laptop');
      const other = list.find((d) => !d.current);
      assert.ok(other);
      assert.equal(other.lastSeenAt, seen, 'last seen moves with the touch');
      assert.deepEqual(await json(laptop, `/revoke/${other.handle}`), { revoked: true });
      assert.deepEqual((await json<{ user: unknown }>(phone, '/me')).user, null, 'the revoked device has no session');
      assert.deepEqual((await json<{ user: unknown }>(laptop, '/me')).user, name, 'the other one keeps it');
      assert.deepEqual(await json(laptop, `/revoke/${other.handle}`), { revoked: false });
      assert.equal((await json<DeviceSession[]>(laptop, '/devices')).length, 1);
    });

    it("revokeAllSessions({ except }) keeps only the current session; another user's are untouched", async () => {
      const name = user();
      const bystander = user();
      const devices = [0, 1, 2].map((i) => device(`UA ${i}`, `192.0.2.${i + 1}`));
      for (const d of devices) await login(d, name);
      const someoneElse = device('UA other', '192.0.2.99');
      await login(someoneElse, bystander);
      const [keep, ...gone] = devices as [HttpClient, ...HttpClient[]];
      assert.deepEqual(await json(keep, '/revoke-others'), { count: 2 });
      assert.equal((await json<{ user: unknown }>(keep, '/me')).user, name);
      for (const d of gone) assert.equal((await json<{ user: unknown }>(d, '/me')).user, null);
      assert.equal((await json<{ user: unknown }>(someoneElse, '/me')).user, bystander);
      assert.equal(await manager.revokeAllSessions(name), 1);
      assert.equal((await json<{ user: unknown }>(keep, '/me')).user, null);
    });

    it('a touch racing a revocation does not bring the revoked session back', async () => {
      const name = user();
      const laptop = device('Laptop UA', '198.51.100.1');
      const phone = device('Phone UA', '198.51.100.2');
      await login(laptop, name);
      await login(phone, name);
      clock.advance(5 * 60_000); // the phone's next request touches its record
      let release = (): void => {};
      const loaded = new Promise<void>((resolve) => {
        hold.loaded = resolve;
      });
      hold.release = new Promise<void>((resolve) => {
        release = resolve;
      });
      const inFlight = json<{ user: unknown }>(phone, '/slow');
      await loaded;
      const other = (await json<DeviceSession[]>(laptop, '/devices')).find((d) => !d.current);
      assert.ok(other);
      assert.deepEqual(await json(laptop, `/revoke/${other.handle}`), { revoked: true });
      release();
      assert.equal((await inFlight).user, name, 'the request already in flight ends normally');
      assert.equal((await json<{ user: unknown }>(phone, '/me')).user, null, 'but the session stays revoked');
      assert.equal((await manager.listSessions(name)).length, 1);
    });

    it('leaves expired sessions out of the list', async () => {
      const name = user();
      const old = device('Old UA', '192.0.2.10');
      const fresh = device('Fresh UA', '192.0.2.11');
      await login(old, name);
      clock.advance(20 * 60_000);
      await login(fresh, name);
      clock.advance(15 * 60_000); // the first is 35 minutes idle: past the 30-minute default
      const list = await manager.listSessions(name);
      assert.deepEqual(list.map((d) => d.userAgent), ['Fresh UA']);
    });

    it('two logins of the same user at the same moment both appear', async () => {
      const name = user();
      const clients = Array.from({ length: 6 }, (_, i) => device(`Parallel ${i}`, `192.0.2.${20 + i}`));
      await Promise.all(clients.map((c) => login(c, name)));
      const list = await manager.listSessions(name);
      assert.deepEqual(list.map((d) => d.userAgent).sort(), clients.map((_, i) => `Parallel ${i}`));
    });
  });
}
