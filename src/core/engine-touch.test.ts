// Throttled touch: an unchanged session's store expiry is extended at most once per
// touchAfter, without rewriting its value. Time is a manual clock shared with the store.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setupSessions } from '../../test/helpers/session-client.js';

const IDLE = 30 * 60_000;

describe('engine: throttled touch', () => {
  it('touches an unchanged session at most once per touchAfter (default 60 s)', async () => {
    const { client, clock, store, manager } = setupSessions();
    let touches = 0;
    manager.on('touched', () => touches++);
    const { session } = await client.request((s) => {
      s.n = 1;
    });
    const key = manager.storeKey(session.id);
    const written = await store.get(key);

    clock.advance(59_999);
    assert.equal((await client.request()).stored, 'none');
    assert.equal(await store.get(key), written, 'nothing written before touchAfter');

    clock.advance(1);
    assert.equal((await client.request()).stored, 'touched');
    assert.equal(touches, 1);
    const touched = await store.get(key);
    assert.equal(touched?.expiresAt, clock.now() + IDLE, 'expiry renewed from now');
    assert.equal(touched?.value, written?.value, 'the value is not rewritten');

    clock.advance(30_000);
    assert.equal((await client.request()).stored, 'none', 'the throttle counts from the last touch');
    clock.advance(30_000);
    assert.equal((await client.request()).stored, 'touched');
    assert.equal(touches, 2);
  });

  it('an explicit session.touch() is never throttled; the next plain request is again', async () => {
    const { client, clock, store, manager } = setupSessions();
    const { session } = await client.request((s) => {
      s.n = 1;
    });
    const key = manager.storeKey(session.id);
    clock.advance(1_000);
    assert.equal((await client.request((s) => void s.touch())).stored, 'touched');
    assert.equal((await store.get(key))?.expiresAt, clock.now() + IDLE);
    clock.advance(1_000);
    assert.equal((await client.request()).stored, 'none');
  });

  it('touches on every request with touchAfter 0', async () => {
    const { client, clock, manager } = setupSessions({ touchAfter: 0 });
    let touches = 0;
    manager.on('touched', () => touches++);
    await client.request((s) => {
      s.n = 1;
    });
    for (let i = 0; i < 3; i++) {
      clock.advance(1);
      assert.equal((await client.request()).stored, 'touched');
    }
    assert.equal(touches, 3);
  });

  it('never touches a session the same request saved', async () => {
    const { client, clock, manager } = setupSessions({ touchAfter: 0 });
    let touches = 0;
    manager.on('touched', () => touches++);
    await client.request((s) => {
      s.n = 1;
    });
    clock.advance(120_000);
    assert.equal((await client.request((s) => void (s.n = 2))).stored, 'saved');
    assert.equal(touches, 0);
  });

  it('does not touch a new session', async () => {
    const { client, manager } = setupSessions({ touchAfter: 0 });
    let touches = 0;
    manager.on('touched', () => touches++);
    assert.equal((await client.request()).stored, 'none');
    assert.equal(touches, 0);
  });
});
