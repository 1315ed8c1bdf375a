// regenerate(): a new ID (session fixation), the old record deleted, data dropped unless `keep`.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SessionClient, setupSessions } from '../../test/helpers/session-client.js';

describe('engine: regenerate', () => {
  it('gives the session a new ID, deletes the old record and stores the new one at commit', async () => {
    const { client, store, manager } = setupSessions();
    const first = await client.request((s) => void (s.n = 1));
    const oldKey = manager.storeKey(first.session.id);
    const oldCookie = client.value;
    let midRequest: unknown = 'unset';
    const result = await client.request(async (s) => {
      await s.regenerate();
      midRequest = await store.get(oldKey);
      s.user = 'alice';
    });
    assert.equal(midRequest, undefined, 'the old record is gone as soon as regenerate resolves');
    assert.notEqual(result.session.id, first.session.id);
    assert.equal(result.stored, 'saved');
    assert.notEqual(client.value, oldCookie, 'a cookie with the new ID was sent');
    assert.equal(result.session.n, undefined, 'data is dropped by default');
    const record = await store.get(manager.storeKey(result.session.id));
    assert.match(record?.value ?? '', /"user":"alice"/);
    const next = await client.request();
    assert.equal(next.session.id, result.session.id);
    assert.equal(next.session.user, 'alice');
  });

  it('keeps the data under the new ID with { keep: true }', async () => {
    const { client } = setupSessions();
    const first = await client.request((s) => void (s.cart = ['book']));
    const result = await client.request(async (s) => {
      await s.regenerate({ keep: true });
    });
    assert.notEqual(result.session.id, first.session.id);
    assert.deepEqual(result.session.cart, ['book']);
    assert.deepEqual((await client.request()).session.cart, ['book']);
  });

  it('stores the regenerated session even when it is empty, so the new cookie points somewhere', async () => {
    const { client, store, manager } = setupSessions();
    await client.request((s) => void (s.n = 1));
    const result = await client.request((s) => s.regenerate());
    assert.equal(result.stored, 'saved');
    assert.notEqual(await store.get(manager.storeKey(result.session.id)), undefined);
  });

  it('leaves the old cookie worthless: replaying it gets a fresh session', async () => {
    const { client, manager } = setupSessions();
    await client.request((s) => void (s.user = 'alice'));
    const attacker = new SessionClient(manager);
    attacker.value = client.value; // the fixated cookie
    await client.request((s) => s.regenerate({ keep: true }));
    const replay = await attacker.request();
    assert.equal(replay.session.isNew, true);
    assert.equal(replay.session.user, undefined);
  });

  it('works with a callback, express-session style', async () => {
    const { client } = setupSessions();
    await client.request((s) => void (s.n = 1));
    const before = client.value;
    await client.request(
      (s) =>
        new Promise<void>((resolve, reject) => {
          s.regenerate((err) => (err ? reject(err as Error) : resolve()));
        }),
    );
    assert.notEqual(client.value, before);
  });

  it('uses genid for the new ID', async () => {
    let n = 0;
    const { client } = setupSessions({ genid: () => `id-${++n}` });
    const first = await client.request((s) => void (s.n = 1));
    assert.equal(first.session.id, 'id-1');
    const second = await client.request((s) => s.regenerate());
    assert.equal(second.session.id, 'id-2');
  });

  it('starts a fresh cookie (resetting its expiry) unless keep', async () => {
    const { client, clock } = setupSessions({ cookie: { maxAge: 60_000 } });
    await client.request((s) => void (s.n = 1));
    clock.advance(30_000);
    const result = await client.request(async (s) => {
      s.cookie.maxAge = 5000;
      await s.regenerate();
    });
    assert.equal(result.session.cookie.originalMaxAge, 60_000);
  });
});
