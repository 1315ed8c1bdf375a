// reload() re-reads the stored data in place; save() writes now, and the end of the request
// then writes only what changed after it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isTesseraError } from './errors.js';
import { SessionClient, setupSessions } from '../../test/helpers/session-client.js';

describe('engine: save', () => {
  it('writes the session at once, and commit does not write it again', async () => {
    const { client, store, manager } = setupSessions();
    let saves = 0;
    manager.on('saved', () => saves++);
    const result = await client.request(async (s) => {
      s.n = 1;
      await s.save();
      assert.match((await store.get(manager.storeKey(s.id)))?.value ?? '', /"n":1/, 'stored before the response');
    });
    assert.equal(saves, 1);
    assert.equal(result.stored, 'none');
    assert.notEqual(result.setCookie, undefined, 'the new session still gets its cookie');
    assert.equal((await client.request()).session.n, 1);
  });

  it('writes again at commit what changed after save', async () => {
    const { client } = setupSessions();
    const result = await client.request(async (s) => {
      s.n = 1;
      await s.save();
      s.n = 2;
    });
    assert.equal(result.stored, 'saved');
    assert.equal((await client.request()).session.n, 2);
  });

  it('works with a callback', async () => {
    const { client, store } = setupSessions();
    await client.request((s) => new Promise<void>((resolve, reject) => {
      s.n = 1;
      s.save((e) => (e ? reject(e as Error) : resolve()));
    }));
    assert.equal(store.size, 1);
  });
});

describe('engine: reload', () => {
  it('picks up what another request stored meanwhile', async () => {
    const { client, manager } = setupSessions();
    await client.request((s) => void (s.n = 1));
    const other = new SessionClient(manager);
    other.value = client.value;
    await client.request(async (s) => {
      assert.equal(s.n, 1);
      await other.request((o) => void (o.n = 42));
      await s.reload();
      assert.equal(s.n, 42);
    });
  });

  it('drops unsaved changes of this request', async () => {
    const { client } = setupSessions();
    await client.request((s) => void (s.n = 1));
    const result = await client.request(async (s) => {
      s.n = 99;
      s.user = 'mallory';
      await s.reload();
    });
    assert.equal(result.session.n, 1);
    assert.equal(result.session.user, undefined);
    assert.equal(result.stored, 'none');
  });

  it('fails with ERR_SESSION_NOT_FOUND when the record is gone', async () => {
    const { client, store, manager } = setupSessions();
    await client.request((s) => void (s.n = 1));
    await client.request(async (s) => {
      await store.delete(manager.storeKey(s.id));
      await assert.rejects(s.reload(), (e: unknown) => isTesseraError(e, 'ERR_SESSION_NOT_FOUND'));
    });
  });

  it('fails with ERR_SESSION_NOT_FOUND when the record expired meanwhile', async () => {
    const { client, clock } = setupSessions();
    await client.request((s) => void (s.n = 1));
    await client.request(async (s) => {
      clock.advance(30 * 60_000);
      await assert.rejects(s.reload(), (e: unknown) => isTesseraError(e, 'ERR_SESSION_NOT_FOUND'));
    });
  });

  it('fails for a new session that was never stored', async () => {
    const { client } = setupSessions();
    await client.request(async (s) => {
      await assert.rejects(s.reload(), (e: unknown) => isTesseraError(e, 'ERR_SESSION_NOT_FOUND'));
    });
  });

  it('works with a callback', async () => {
    const { client } = setupSessions();
    await client.request((s) => void (s.n = 1));
    await client.request((s) => new Promise<void>((resolve, reject) => {
      s.n = 2;
      s.reload((e) => (e ? reject(e as Error) : resolve()));
    }).then(() => assert.equal(s.n, 1)));
  });
});
