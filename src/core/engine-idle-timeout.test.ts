// The idle timeout is the server's: the store record expires idleTimeout after the last write
// or touch, so a cookie replayed later finds nothing, whatever the browser still holds.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SessionManager } from '../index.js';
import { MemoryStore } from '../stores/memory/memory-store.js';
import { manualClock } from '../../test/helpers/manual-clock.js';
import { SessionClient, setupSessions, TEST_SECRET, type TestData } from '../../test/helpers/session-client.js';

const IDLE = 30 * 60_000;

describe('engine: idle timeout', () => {
  it('stores sessions with an expiry idleTimeout (default 30 min) from now', async () => {
    const { client, store, clock, manager } = setupSessions();
    const { session } = await client.request((s) => void (s.n = 1));
    assert.equal((await store.get(manager.storeKey(session.id)))?.expiresAt, clock.now() + IDLE);
  });

  it('starts a new, empty session once the idle timeout has passed, although the cookie is still sent', async () => {
    const { client, clock } = setupSessions();
    const first = await client.request((s) => void (s.n = 1));
    assert.notEqual(client.value, undefined);
    clock.advance(IDLE);
    const later = await client.request();
    // The browser still sent the old cookie; the response deletes it (it leads nowhere now).
    assert.match(later.setCookie ?? '', /^sid=; Path=\/; Expires=Thu, 01 Jan 1970 00:00:00 GMT/);
    assert.equal(client.value, undefined);
    assert.notEqual(later.session.id, first.session.id);
    assert.equal(later.session.isNew, true);
    assert.equal(later.session.n, undefined);
  });

  it('keeps a session just short of the timeout', async () => {
    const { client, clock } = setupSessions();
    const first = await client.request((s) => void (s.n = 1));
    clock.advance(IDLE - 1);
    const later = await client.request();
    assert.equal(later.session.id, first.session.id);
    assert.equal(later.session.n, 1);
  });

  it('keeps an active session alive past the timeout (each touch renews it)', async () => {
    const { client, clock } = setupSessions();
    const first = await client.request((s) => void (s.n = 1));
    for (let i = 0; i < 6; i++) {
      clock.advance(20 * 60_000);
      assert.equal((await client.request()).session.id, first.session.id, `after ${(i + 1) * 20} minutes`);
    }
  });

  it('honours a custom idleTimeout', async () => {
    const { client, clock } = setupSessions({ idleTimeout: 5000, touchAfter: 0 });
    const first = await client.request((s) => void (s.n = 1));
    clock.advance(4999);
    assert.equal((await client.request()).session.id, first.session.id);
    clock.advance(5000);
    assert.notEqual((await client.request()).session.id, first.session.id);
  });

  it('checks expiry itself too: a record the store still returns but that is past its expiry is "expired"', async () => {
    // The store's clock lags the application's (clock skew between servers): the store hands
    // back a record the application considers expired.
    const appClock = manualClock();
    const store = new MemoryStore({ clock: () => appClock.now() - 60 * 60_000, sweepInterval: 0 });
    const manager = new SessionManager<TestData>({ secret: TEST_SECRET, store, clock: appClock.now, warn: () => {} });
    const client = new SessionClient(manager);
    const expired: string[] = [];
    manager.on('expired', ({ key, limit }) => expired.push(`${limit}:${key}`));
    const first = await client.request((s) => void (s.n = 1));
    appClock.advance(IDLE);
    const later = await client.request();
    assert.deepEqual(expired, [`idle:${manager.storeKey(first.session.id)}`]);
    assert.notEqual(later.session.id, first.session.id);
    assert.equal(later.session.n, undefined);
  });
});
