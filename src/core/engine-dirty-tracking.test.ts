// Dirty tracking: a session is written only when a request changed it (or when it is new and
// saveUninitialized asks for it), and the cookie is sent only when the browser needs it.
// MemoryStore hands back its own frozen record, so an unchanged object identity proves that
// nothing was written.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setupSessions } from '../../test/helpers/session-client.js';

describe('engine: dirty tracking', () => {
  it('neither stores nor sends a cookie for a visitor whose session was not touched', async () => {
    const { client, store } = setupSessions();
    const result = await client.request();
    assert.equal(result.stored, 'none');
    assert.equal(result.setCookie, undefined);
    assert.equal(store.size, 0);
  });

  it('stores a new session once data is set, and sends its cookie', async () => {
    const { client, store, manager } = setupSessions();
    const { session, stored, setCookie } = await client.request((s) => {
      s.n = 1;
    });
    assert.equal(stored, 'saved');
    assert.match(setCookie ?? '', /^sid=s%3A/);
    const record = await store.get(manager.storeKey(session.id));
    assert.match(record?.value ?? '', /"n":1/);
  });

  it('does not write an unchanged session back', async () => {
    const { client, store, manager } = setupSessions();
    const { session } = await client.request((s) => {
      s.n = 1;
    });
    const before = await store.get(manager.storeKey(session.id));
    const again = await client.request((s) => {
      assert.equal(s.n, 1);
      s.n = 1; // same value: not a change
    });
    assert.equal(again.session.id, session.id);
    assert.equal(again.stored, 'none');
    assert.equal(again.setCookie, undefined);
    assert.equal(await store.get(manager.storeKey(session.id)), before, 'the record was not rewritten');
  });

  it('writes a changed session, without resending an unchanged browser-session cookie', async () => {
    const { client, store, manager } = setupSessions();
    await client.request((s) => {
      s.n = 1;
    });
    const result = await client.request((s) => {
      s.n = (s.n ?? 0) + 1;
    });
    assert.equal(result.stored, 'saved');
    assert.equal(result.setCookie, undefined);
    assert.match((await store.get(manager.storeKey(result.session.id)))?.value ?? '', /"n":2/);
  });

  it('notices nested changes and deleted keys (the fingerprint is the data, not references)', async () => {
    const { client } = setupSessions();
    await client.request((s) => {
      s.cart = ['a'];
      s.user = 'alice';
    });
    const pushed = await client.request((s) => {
      s.cart?.push('b');
    });
    assert.equal(pushed.stored, 'saved');
    const deleted = await client.request((s) => {
      delete s.user;
    });
    assert.equal(deleted.stored, 'saved');
    const after = await client.request();
    assert.deepEqual(after.session.cart, ['a', 'b']);
    assert.equal(after.session.user, undefined);
  });

  it('does not write a change that was undone within the request', async () => {
    const { client } = setupSessions();
    await client.request((s) => {
      s.n = 1;
    });
    const result = await client.request((s) => {
      s.n = 2;
      s.n = 1;
    });
    assert.equal(result.stored, 'none');
  });

  it('with saveUninitialized, stores and sends a cookie for an untouched new session', async () => {
    const { client, store } = setupSessions({ saveUninitialized: true });
    const result = await client.request();
    assert.equal(result.stored, 'saved');
    assert.notEqual(result.setCookie, undefined);
    assert.equal(store.size, 1);
  });

  it('with rolling, resends the cookie on every response, even unchanged', async () => {
    const { client } = setupSessions({ rolling: true, cookie: { maxAge: 60_000 } });
    await client.request((s) => {
      s.n = 1;
    });
    const result = await client.request();
    assert.equal(result.stored, 'none');
    assert.match(result.setCookie ?? '', /Expires=/);
  });

  it('with cookie.maxAge, resends the renewed cookie when the session changed', async () => {
    const { client, clock } = setupSessions({ cookie: { maxAge: 3_600_000 } });
    await client.request((s) => {
      s.n = 1;
    });
    clock.advance(10 * 60_000);
    const unchanged = await client.request();
    assert.equal(unchanged.setCookie, undefined);
    const changed = await client.request((s) => {
      s.n = 2;
    });
    const expected = new Date(clock.now() + 3_600_000).toUTCString();
    assert.ok(changed.setCookie?.includes(`Expires=${expected}`), changed.setCookie);
  });

  it('counts setting only the user key as a change, and stores it with the record', async () => {
    const { client, store, manager } = setupSessions();
    const { session } = await client.request((s) => {
      s.userKey = 'user-1';
    });
    assert.equal((await store.get(manager.storeKey(session.id)))?.userKey, 'user-1');
    assert.deepEqual(await store.listByUser('user-1'), [manager.storeKey(session.id)]);
    const unchanged = await client.request();
    assert.equal(unchanged.session.userKey, 'user-1');
    assert.equal(unchanged.stored, 'none');
    const moved = await client.request((s) => {
      s.userKey = 'user-2';
    });
    assert.equal(moved.stored, 'saved');
    assert.deepEqual(await store.listByUser('user-1'), []);
    assert.deepEqual(await store.listByUser('user-2'), [manager.storeKey(session.id)]);
  });
});
