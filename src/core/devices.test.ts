import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { clientInfo, deferredClientInfo, ipPrefix, MAX_USER_AGENT, resolveDevices } from './devices.js';
import { isTesseraError } from './errors.js';
import { SessionManager } from '../index.js';
import { MemoryStore } from '../stores/memory/index.js';
import type { Store } from './store.js';

const SECRET = 'a-test-secret-of-at-least-32-chars-xyz';

/** A store with the four required methods only, as the express-session bridge is. */
function unindexedStore(): Store {
  const inner = new MemoryStore({ sweepInterval: 0 });
  return { get: (k) => inner.get(k), set: (k, r) => inner.set(k, r), touch: (k, r) => inner.touch(k, r), delete: (k) => inner.delete(k) };
}

describe('ipPrefix', () => {
  it('cuts IPv4 to /24 and IPv6 to /48, IPv4-mapped addresses as IPv4', () => {
    assert.equal(ipPrefix('203.0.113.77'), '203.0.113.0/24');
    assert.equal(ipPrefix('::ffff:198.51.100.9'), '198.51.100.0/24');
    assert.equal(ipPrefix('2001:0db8:00ab:1:2:3:4:5'), '2001:db8:ab::/48');
    assert.equal(ipPrefix('2001:db8::1'), '2001:db8::/48');
    assert.equal(ipPrefix('2001:0:ab::1'), '2001:0:ab::/48');
    assert.equal(ipPrefix('::1'), '::/48');
    assert.equal(ipPrefix('fe80::1%eth0'), 'fe80::/48');
  });

  it('keeps nothing of what is not an IP address', () => {
    assert.equal(ipPrefix('not-an-ip'), undefined);
    assert.equal(ipPrefix('999.1.1.1'), undefined);
    assert.deepEqual(clientInfo({ ip: 'prefix' }, undefined, 'evil<script>'), {});
  });
});

describe('clientInfo', () => {
  it('truncates the user agent and applies the IP mode', () => {
    const ua = 'x'.repeat(1000);
    assert.equal(clientInfo({ ip: 'prefix' }, ua, '192.0.2.5').userAgent?.length, MAX_USER_AGENT);
    assert.deepEqual(clientInfo({ ip: 'full' }, 'UA', '::ffff:192.0.2.5'), { userAgent: 'UA', ip: '192.0.2.5' });
    assert.deepEqual(clientInfo({ ip: false }, 'UA', '192.0.2.5'), { userAgent: 'UA' });
  });

  it('deferred, gives the same facts as at once, for any mode, user agent and address', () => {
    const agents = [undefined, '', 'UA', 'x'.repeat(300), 42];
    const ips = [undefined, '192.0.2.5', '::ffff:192.0.2.5', '2001:db8:1:2::5', 'evil<script>', 7];
    for (const ip of [false, 'prefix', 'full'] as const) {
      for (const agent of agents) {
        for (const address of ips) {
          const now = clientInfo({ ip }, agent, address);
          const deferred = deferredClientInfo({ ip }, agent, address);
          assert.deepEqual({ userAgent: deferred.userAgent, ip: deferred.ip }, { userAgent: now.userAgent, ip: now.ip }, `${ip} ${String(agent)} ${String(address)}`);
        }
      }
    }
  });
});

describe('the devices option', () => {
  it('is on by default with an indexed store, off with an unindexed one', () => {
    assert.deepEqual(resolveDevices(undefined, new MemoryStore({ sweepInterval: 0 })), { ip: 'prefix', epoch: false });
    assert.equal(resolveDevices(undefined, unindexedStore()), undefined);
    assert.equal(resolveDevices(false, new MemoryStore({ sweepInterval: 0 })), undefined);
    assert.deepEqual(resolveDevices({ ip: 'full', epoch: true }, new MemoryStore({ sweepInterval: 0 })), { ip: 'full', epoch: true });
  });

  it('throws a TypeError at construction when asked for with a store without a per-user index', () => {
    assert.throws(() => new SessionManager({ secret: SECRET, store: unindexedStore(), devices: true }), (e: unknown) => e instanceof TypeError && /devices needs a store with a per-user index/.test(e.message));
    assert.throws(() => new SessionManager({ secret: SECRET, devices: { ip: 'all' as never } }), /devices\.ip must be/);
    assert.throws(() => new SessionManager({ secret: SECRET, devices: 'yes' as never }), /devices must be/);
    assert.throws(() => new SessionManager({ secret: SECRET, devices: { epoch: 1 as never } }), /devices\.epoch must be a boolean/);
    const noEpoch = { ...unindexedStore(), listByUser: async () => [], deleteByUser: async () => 0 };
    assert.throws(() => new SessionManager({ secret: SECRET, store: noEpoch, devices: { epoch: true } }), /devices\.epoch needs a store with userEpoch/);
  });

  it('without device tracking, the methods reject with ERR_DEVICES_UNAVAILABLE', async () => {
    for (const manager of [new SessionManager({ secret: SECRET, store: unindexedStore() }), new SessionManager({ secret: SECRET, devices: false })]) {
      await assert.rejects(manager.listSessions('u1'), (e: unknown) => isTesseraError(e, 'ERR_DEVICES_UNAVAILABLE'));
      await assert.rejects(manager.revokeSession('u1', 'x'.repeat(22)), (e: unknown) => isTesseraError(e, 'ERR_DEVICES_UNAVAILABLE'));
      await assert.rejects(manager.revokeAllSessions('u1'), (e: unknown) => isTesseraError(e, 'ERR_DEVICES_UNAVAILABLE'));
    }
  });

  it('refuses a bad label, user ID or handle', async () => {
    const manager = new SessionManager({ secret: SECRET });
    const { session } = await manager.loadSession({ cookieHeader: undefined, secure: true });
    assert.throws(() => manager.setDeviceLabel(session, 'x'.repeat(65)), /label must be a string of 1 to 64/);
    assert.throws(() => manager.setDeviceLabel(session, 42 as never), TypeError);
    await assert.rejects(manager.listSessions('' as never), TypeError);
    await assert.rejects(manager.revokeSession('u1', 5 as never), /handle must be a string/);
    assert.equal(await manager.revokeSession('u1', 'short'), false);
  });
});

describe('device metadata in the record', () => {
  it('is recorded for a logged-in session only, and a forgery of the stored fields is cut to size', async () => {
    const store = new MemoryStore({ sweepInterval: 0 });
    const manager = new SessionManager({ secret: SECRET, store });
    const { session } = await manager.loadSession({ cookieHeader: undefined, secure: true, userAgent: 'UA', ip: '192.0.2.1' });
    (session as unknown as Record<string, unknown>).cart = 1;
    await session.save();
    assert.ok(!(await store.get(manager.storeKey(session.id)))?.value.includes('"device"'), 'an anonymous session keeps no device');
    await session.login('u1');
    const value = (await store.get(manager.storeKey(session.id)))?.value ?? '';
    assert.match(value, /"device":\{"userAgent":"UA","ip":"192\.0\.2\.0\/24","seenAt":\d+\}/);
    assert.ok(!Object.keys(session).includes('device'), 'off the enumerable data');
  });
});

describe('devices with encryption at rest', () => {
  it('lists sealed records (opened under their own key) and revokes them', async () => {
    const store = new MemoryStore({ sweepInterval: 0 });
    const manager = new SessionManager({ secret: SECRET, store, encryption: { keys: [{ id: 'k1', key: Buffer.alloc(32, 7) }] } });
    const { session } = await manager.loadSession({ cookieHeader: undefined, secure: true, userAgent: 'Sealed UA', ip: '192.0.2.1' });
    await session.login('sealed-user');
    const stored = (await store.get(manager.storeKey(session.id)))?.value ?? '';
    assert.ok(!stored.includes('Sealed UA'), 'the device metadata is sealed with the rest');
    const [only, ...rest] = await manager.listSessions('sealed-user', { current: session });
    assert.deepEqual(rest, []);
    assert.equal(only?.userAgent, 'Sealed UA');
    assert.equal(only?.current, true);
    assert.equal(await manager.revokeSession('sealed-user', only.handle), true);
    assert.equal(await store.get(manager.storeKey(session.id)), undefined);
  });
});

describe('the revocation epoch', () => {
  it('binds a session given its user by session.userKey at its write, not at its creation', async () => {
    let now = Date.UTC(2030, 0, 1);
    const clock = (): number => now;
    const store = new MemoryStore({ sweepInterval: 0, clock });
    const manager = new SessionManager({ secret: SECRET, store, clock, devices: { epoch: true } });
    const load = async (cookieHeader?: string) => (await manager.loadSession({ cookieHeader, secure: true })).session;
    const cookieOf = async (s: Awaited<ReturnType<typeof load>>): Promise<string> => {
      const { setCookie } = await manager.commitSession(s, { secure: true, cookieName: '__Host-sid' });
      return (setCookie ?? '').split(';', 1)[0] ?? '';
    };
    const early = await load();
    (early as unknown as Record<string, unknown>).cart = 1;
    const earlyCookie = await cookieOf(early); // anonymous, created before the revocation
    const old = await load();
    await old.login('eve');
    const oldCookie = await cookieOf(old);
    now += 1000;
    await manager.revokeAllSessions('eve');
    now += 1000;
    const bound = await load(earlyCookie);
    bound.userKey = 'eve';
    await cookieOf(bound);
    now += 1000;
    assert.equal((await load(earlyCookie)).userKey, 'eve', 'bound after the revocation: alive');
    assert.equal((await load(oldCookie)).userKey, undefined, 'logged in before it: dead');
  });
});
