// The cookie cache's guarantees over real HTTP (native Express, MemoryStore, an injected clock):
// it is bound to its session, forged / truncated / old-key / swapped copies fall through to the
// store (never an error), it never outlives a lifetime limit, a logout or a regenerate, a write
// never recreates a session deleted since the copy was made, and a session too large for a
// cookie works without one.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SessionManager, type SessionManagerOptions } from '../../src/index.js';
import { generateSecret } from '../../src/index.js';
import { MemoryStore } from '../../src/stores/memory/index.js';
import type { Listening } from '../helpers/express-apps.js';
import { cookieAttributes, HttpClient } from '../helpers/http-client.js';
import { manualClock } from '../helpers/manual-clock.js';
import { TEST_SECRET } from '../helpers/session-client.js';
import { counted, serveCache, type Counted } from './cookie-cache-setups.js';

const TTL = 60_000;
const k1 = { id: 'k1', key: generateSecret() };
const k2 = { id: 'k2', key: generateSecret() };
const CACHE = 'sid-cache';

describe('cookie cache: what it may never do', () => {
  const clock = manualClock();
  let store: MemoryStore;
  let c: Counted;
  let manager: SessionManager;
  let server: Listening;
  const make = (options: Partial<SessionManagerOptions> = {}): SessionManager =>
    new SessionManager({ secret: TEST_SECRET, store: c.store, clock: clock.now, warn: () => {}, encryption: { keys: [k1] }, cookieCache: { ttl: TTL }, lifetime: { idle: '5m', absolute: '1h' }, ...options });
  const me = async (client: HttpClient): Promise<{ user: string | null; note: string | null; isNew: boolean }> => {
    const res = await client.request('/me');
    assert.equal(res.status, 200);
    return JSON.parse(res.body);
  };
  const loggedIn = async (name = 'ann'): Promise<HttpClient> => {
    const client = new HttpClient(server.url);
    await client.request(`/login/${name}`);
    assert.ok(client.jar.has(CACHE), 'the login response carries a cache cookie');
    return client;
  };

  before(async () => {
    store = new MemoryStore({ clock: clock.now, sweepInterval: 0 });
    c = counted(store);
    manager = make();
    server = await serveCache(manager);
  });
  after(async () => {
    await server.close();
    await manager.close();
    await store.close();
  });

  it('sends the cache cookie with the session cookie: same attributes, Max-Age of the TTL, sealed', async () => {
    const client = new HttpClient(server.url);
    const res = await client.request('/login/ann');
    const line = res.setCookies.find((l) => l.startsWith(`${CACHE}=`));
    assert.ok(line !== undefined, 'a second Set-Cookie');
    assert.ok(res.setCookies.some((l) => l.startsWith('sid=')));
    const attrs = cookieAttributes(line);
    assert.ok(attrs.has('httponly') && attrs.has('path=/') && attrs.has('samesite=lax'));
    assert.ok(attrs.has(`max-age=${TTL / 1000}`));
    assert.match(client.jar.get(CACHE)!, /^enc1\.k1\./);
    assert.doesNotMatch(Buffer.from(client.jar.get(CACHE)!.split('.')[2]!, 'base64url').toString('latin1'), /ann/, 'the user key is not readable');
  });

  it('forged, truncated, tampered, empty or oversized copies fall through to the store, never an error', async () => {
    const client = await loggedIn();
    const real = client.jar.get(CACHE)!;
    const flip = (s: string, i: number): string => s.slice(0, i) + (s[i] === 'A' ? 'B' : 'A') + s.slice(i + 1);
    const forgeries = ['', 'garbage', 'enc1.k1.', 'enc1.k1.AAAA', 'enc2.k1.' + real.slice(8), real.slice(0, -10), flip(real, real.length - 5), flip(real, 20), real.replace('enc1.k1.', 'enc1.k9.'), 'x'.repeat(5000), real + real];
    for (const forged of forgeries) {
      client.jar.set(CACHE, forged);
      c.reads.get = 0;
      const body = await me(client);
      assert.equal(body.user, 'ann', `still the real session (${forged.slice(0, 20)})`);
      assert.equal(c.reads.get, 1, 'read from the store');
    }
  });

  it("is bound to its session: another session's copy is no copy", async () => {
    const ann = await loggedIn('ann');
    const bob = await loggedIn('bob');
    ann.jar.set(CACHE, bob.jar.get(CACHE)!);
    c.reads.get = 0;
    assert.equal((await me(ann)).user, 'ann');
    assert.equal(c.reads.get, 1);
    // Bob's copy with no session cookie at all: nothing.
    const thief = new HttpClient(server.url);
    thief.jar.set(CACHE, bob.jar.get(CACHE)!);
    assert.equal((await me(thief)).user, null);
  });

  it('a copy sealed with a key since removed from the keyring falls through; one with a retired but kept key still opens', async () => {
    const rotated = make({ encryption: { keys: [k2, k1] } });
    const removed = make({ encryption: { keys: [k2] }, cookieCache: { ttl: TTL } });
    const [sRotated, sRemoved] = [await serveCache(rotated), await serveCache(removed)];
    try {
      const client = await loggedIn();
      const onRotated = new HttpClient(sRotated.url);
      onRotated.jar.set('sid', client.jar.get('sid')!);
      onRotated.jar.set(CACHE, client.jar.get(CACHE)!);
      c.reads.get = 0;
      assert.equal((await me(onRotated)).user, 'ann');
      assert.equal(c.reads.get, 0, 'k1 still opens');
      const onRemoved = new HttpClient(sRemoved.url);
      onRemoved.jar.set('sid', client.jar.get('sid')!);
      onRemoved.jar.set(CACHE, client.jar.get(CACHE)!);
      const res = await onRemoved.request('/me');
      assert.equal(res.status, 200, 'never an error');
      assert.ok(c.reads.get >= 1, 'fell through to the store');
    } finally {
      await sRotated.close();
      await sRemoved.close();
      await rotated.close();
      await removed.close();
    }
  });

  it('never outlives the idle or absolute limit, even within its TTL', async () => {
    const long = make({ cookieCache: { ttl: '10m' } });
    const sLong = await serveCache(long);
    try {
      const idle = new HttpClient(sLong.url);
      await idle.request('/login/idle');
      clock.advance(5 * 60_000 + 1);
      assert.equal((await me(idle)).user, null, 'idle for 5 min: the 5-minute-old copy is not used');
      const busy = new HttpClient(sLong.url);
      await busy.request('/login/busy');
      for (let minute = 4; minute < 60; minute += 4) {
        clock.advance(4 * 60_000);
        assert.equal((await me(busy)).user, 'busy', `alive at ${minute} min (touched, the copy's expiry moved with it)`);
      }
      clock.advance(4 * 60_000);
      assert.equal((await me(busy)).user, null, 'the absolute limit (1 h) ends it, cache or not');
    } finally {
      await sLong.close();
      await long.close();
    }
  });

  it('a session due for renewal is read from the store (renewed once), then cached under its new ID', async () => {
    const renewing = make({ cookieCache: { ttl: '10m' }, lifetime: { idle: '30m', absolute: '12h', renew: '2m' } });
    const sRenew = await serveCache(renewing);
    try {
      const client = new HttpClient(sRenew.url);
      await client.request('/login/ren');
      const oldSid = client.jar.get('sid');
      clock.advance(2 * 60_000);
      c.reads.get = 0;
      assert.equal((await me(client)).user, 'ren');
      assert.equal(c.reads.get, 1, 'the copy was not used: the store path renews');
      assert.notEqual(client.jar.get('sid'), oldSid, 'a new ID');
      c.reads.get = 0;
      assert.equal((await me(client)).user, 'ren');
      assert.equal(c.reads.get, 0, 'the new copy serves the new ID');
    } finally {
      await sRenew.close();
      await renewing.close();
    }
  });

  it('the in-process epochs vouch only for sessions bound after they went live; an older one reads the epoch, and a raise before then still revokes it', async () => {
    const client = await loggedIn('early');
    // A raise the next manager cannot have heard of: it was made before that manager watched.
    clock.advance(1000);
    await store.raiseUserEpoch('early', clock.now()); // e.g. another process's revokeAllSessions, its index entry for `client` lost
    clock.advance(1000);
    const late = make();
    const sLate = await serveCache(late);
    try {
      await late.cookieCache?.epochs?.ready();
      const onLate = new HttpClient(sLate.url);
      onLate.jar.set('sid', client.jar.get('sid')!); // no copy: the store path
      c.reads.userEpoch = 0;
      assert.equal((await me(onLate)).user, null, 'revoked by the epoch read from the store');
      assert.equal(c.reads.userEpoch, 1);
      const fresh = new HttpClient(sLate.url);
      await fresh.request('/login/early');
      fresh.jar.delete(CACHE);
      c.reads.userEpoch = 0;
      assert.equal((await me(fresh)).user, 'early');
      assert.equal(c.reads.userEpoch, 0, 'bound after the watch went live: the map vouches');
    } finally {
      await sLate.close();
      await late.close();
    }
  });

  it('logout deletes the copy; a stolen copy replayed later cannot write the session back', async () => {
    const client = await loggedIn();
    await client.request('/set/secret');
    const stolen = new Map(client.jar);
    const res = await client.request('/logout');
    assert.ok(res.setCookies.some((l) => l.startsWith(`${CACHE}=;`) && /max-age=0/i.test(l)), 'the cache cookie is deleted');
    assert.equal(client.jar.has(CACHE), false);
    assert.equal((await me(client)).user, null);
    // A thief replays both cookies within the TTL and writes: compare-and-set finds no record.
    const thief = new HttpClient(server.url);
    for (const [k, v] of stolen) thief.jar.set(k, v);
    await thief.request('/set/planted');
    clock.advance(TTL);
    assert.equal((await me(thief)).user, null, 'the destroyed session stays destroyed');
    assert.equal((await store.all()).some(([, r]) => r.userKey === 'ann' && r.value.includes('planted')), false);
  });

  it('regenerate moves the copy to the new ID; the old pair cannot write the old ID back', async () => {
    const client = await loggedIn();
    const old = new Map(client.jar);
    await client.request('/regenerate');
    assert.notEqual(client.jar.get('sid'), old.get('sid'));
    assert.notEqual(client.jar.get(CACHE), old.get(CACHE));
    c.reads.get = 0;
    assert.equal((await me(client)).user, 'ann');
    assert.equal(c.reads.get, 0, 'the new copy serves the new ID');
    const thief = new HttpClient(server.url);
    for (const [k, v] of old) thief.jar.set(k, v);
    await thief.request('/set/planted');
    clock.advance(TTL);
    assert.equal((await me(thief)).user, null, 'the old ID stays dead');
  });

  it('a session too large for a cookie works without a copy, and the old copy is deleted', async () => {
    const client = await loggedIn();
    const res = await client.request('/big');
    assert.equal(res.status, 200);
    assert.ok(res.setCookies.some((l) => l.startsWith(`${CACHE}=;`)), 'the stale copy is deleted');
    assert.equal(client.jar.has(CACHE), false);
    c.reads.get = 0;
    const body = await me(client);
    assert.equal(body.user, 'ann');
    assert.equal(body.note?.length, 5000);
    assert.equal(c.reads.get, 1, 'read from the store');
  });

  it('refuses options it cannot keep safe, with a TypeError naming what is missing', () => {
    const base = { secret: TEST_SECRET, warn: () => {} };
    assert.throws(() => new SessionManager({ ...base, cookieCache: true }), { name: 'TypeError', message: /encryption/ });
    assert.throws(() => new SessionManager({ ...base, encryption: { keys: [k1] }, cookieCache: true, concurrency: 'last-write-wins' }), { name: 'TypeError', message: /merge/ });
    assert.throws(() => new SessionManager({ ...base, encryption: { keys: [k1] }, cookieCache: { ttl: '11m' } }), { name: 'TypeError', message: /cookieCache\.ttl/ });
    assert.throws(() => new SessionManager({ ...base, encryption: { keys: [k1] }, cookieCache: true, devices: { epoch: false } }), { name: 'TypeError', message: /devices\.epoch/ });
    assert.throws(() => new SessionManager({ ...base, encryption: { keys: [k1] }, cookieCache: 'yes' as never }), TypeError);
  });
});
