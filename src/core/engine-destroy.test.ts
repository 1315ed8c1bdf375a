// destroy(): the record is deleted at once, nothing is saved for the session at the end of the
// request, and the native API sends a cookie that removes the browser's copy.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isTesseraError } from './errors.js';
import { SessionClient, setupSessions } from '../../test/helpers/session-client.js';

describe('engine: destroy', () => {
  it('deletes the record and sends a clearing cookie', async () => {
    const { client, store, manager } = setupSessions();
    const first = await client.request((s) => void (s.user = 'alice'));
    const key = manager.storeKey(first.session.id);
    const result = await client.request(async (s) => {
      await s.destroy();
      assert.equal(await store.get(key), undefined, 'gone before the response');
    });
    assert.equal(result.stored, 'none');
    assert.equal(result.setCookie, 'sid=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; SameSite=Lax');
    assert.equal(client.value, undefined, 'the browser dropped its cookie');
    assert.equal(store.size, 0);
  });

  it('clears the __Host- cookie with Secure over HTTPS', async () => {
    const { manager } = setupSessions();
    const client = new SessionClient(manager, { secure: true });
    await client.request((s) => void (s.n = 1));
    const result = await client.request((s) => s.destroy());
    assert.equal(result.setCookie, '__Host-sid=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; Secure; SameSite=Lax');
  });

  it('does not save changes made after destroy', async () => {
    const { client, store } = setupSessions();
    await client.request((s) => void (s.n = 1));
    await client.request(async (s) => {
      await s.destroy();
      s.n = 2;
    });
    assert.equal(store.size, 0);
  });

  it('sends no cookie when a session that was never sent is destroyed', async () => {
    const { client } = setupSessions();
    const result = await client.request(async (s) => {
      s.n = 1;
      await s.destroy();
    });
    assert.equal(result.setCookie, undefined);
    assert.equal(result.stored, 'none');
  });

  it('refuses an explicit save of a destroyed session (ERR_SESSION_DESTROYED)', async () => {
    const { client } = setupSessions();
    await client.request(async (s) => {
      s.n = 1;
      await s.destroy();
      await assert.rejects(s.save(), (e: unknown) => isTesseraError(e, 'ERR_SESSION_DESTROYED'));
    });
  });

  it('replaying the destroyed cookie gets a fresh session', async () => {
    const { client, manager } = setupSessions();
    await client.request((s) => void (s.user = 'alice'));
    const copy = new SessionClient(manager);
    copy.value = client.value;
    await client.request((s) => s.destroy());
    const replay = await copy.request();
    assert.equal(replay.session.isNew, true);
    assert.equal(replay.session.user, undefined);
  });

  it('can start over with regenerate after destroy in the same request', async () => {
    const { client, store } = setupSessions();
    await client.request((s) => void (s.n = 1));
    const result = await client.request(async (s) => {
      await s.destroy();
      await s.regenerate();
      s.n = 5;
    });
    assert.equal(result.stored, 'saved');
    assert.equal(store.size, 1);
    assert.equal((await client.request()).session.n, 5);
  });

  it('works with a callback', async () => {
    const { client, store } = setupSessions();
    await client.request((s) => void (s.n = 1));
    await client.request((s) => new Promise<void>((resolve, reject) => s.destroy((e) => (e ? reject(e as Error) : resolve()))));
    assert.equal(store.size, 0);
  });
});
