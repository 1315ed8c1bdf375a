// The `disposable` hint on what the core hands a store's `set`: true exactly when the session
// holds no data and no user key, so a bounded store (MemoryStore) can drop those first.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { StoreRecord } from './store.js';
import { SessionClient, setupSessions } from '../../test/helpers/session-client.js';

function recordingSets() {
  const setup = setupSessions({ saveUninitialized: true });
  const sets: StoreRecord[] = [];
  const { store } = setup;
  const set = store.set.bind(store);
  store.set = (key, record) => {
    sets.push({ ...record });
    return set(key, record);
  };
  // The writes of `concurrency: 'merge'` (the default on MemoryStore).
  const setIfVersion = store.setIfVersion.bind(store);
  store.setIfVersion = (key, record, expected) => {
    sets.push({ ...record });
    return setIfVersion(key, record, expected);
  };
  return { ...setup, sets };
}

describe('engine: the disposable hint', () => {
  it('marks a session saved with no data and no user key (saveUninitialized)', async () => {
    const { client, sets } = recordingSets();
    await client.request();
    assert.equal(sets.length, 1);
    assert.equal(sets[0]?.disposable, true);
  });

  it('does not mark a session with data, nor one with a user key and no data', async () => {
    const { client, sets, manager } = recordingSets();
    await client.request((s) => {
      s.user = 'alice';
    });
    assert.equal(sets.at(-1)?.disposable, undefined);
    const other = new SessionClient(manager);
    await other.request((s) => {
      s.userKey = 'user-42';
    });
    assert.equal(sets.at(-1)?.userKey, 'user-42');
    assert.equal(sets.at(-1)?.disposable, undefined);
  });

  it('marks a session again once its data is emptied (after logout)', async () => {
    const { client, sets } = recordingSets();
    await client.request((s) => {
      s.user = 'alice';
    });
    await client.request((s) => {
      delete s.user;
    });
    assert.equal(sets.length, 2);
    assert.equal(sets[0]?.disposable, undefined);
    assert.equal(sets[1]?.disposable, true);
  });
});
