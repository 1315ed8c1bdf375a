// The manager's events, each with its payload, in the order a session's life produces them.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { StoreError } from './errors.js';
import type { Session } from './session.js';
import type { Store, StoreRecord } from './store.js';
import { SessionManager } from '../index.js';
import { signId } from './signature.js';
import { manualClock } from '../../test/helpers/manual-clock.js';
import { SessionClient, setupSessions, TEST_SECRET } from '../../test/helpers/session-client.js';

describe('engine: events', () => {
  it('emits created, saved, touched, regenerated and destroyed with the session', async () => {
    const { client, clock, manager } = setupSessions();
    const log: Array<[string, string]> = [];
    for (const name of ['created', 'saved', 'touched', 'regenerated', 'destroyed'] as const) {
      manager.on(name, (session: Session) => log.push([name, session.id]));
    }
    const a = (await client.request((s) => void (s.n = 1))).session.id;
    assert.deepEqual(log.splice(0), [['created', a], ['saved', a]]);

    await client.request();
    assert.deepEqual(log.splice(0), [], 'loading an existing session creates nothing');

    clock.advance(60_000);
    await client.request();
    assert.deepEqual(log.splice(0), [['touched', a]]);

    const b = (await client.request((s) => s.regenerate())).session.id;
    assert.deepEqual(log.splice(0), [['regenerated', b], ['saved', b]]);

    await client.request((s) => s.destroy());
    assert.deepEqual(log.splice(0), [['destroyed', b]]);
  });

  it('emits created for every new visitor, even one never stored', async () => {
    const { manager } = setupSessions();
    let created = 0;
    manager.on('created', () => created++);
    await new SessionClient(manager).request();
    await new SessionClient(manager).request();
    assert.equal(created, 2);
  });

  it('emits expired with the store key of a record past its expiry', async () => {
    const clock = manualClock();
    // A store that returns whatever it holds (its server's clock lags ours).
    const records = new Map<string, StoreRecord>();
    const store: Store = {
      get: (key) => Promise.resolve(records.get(key)),
      set: (key, record) => Promise.resolve(void records.set(key, record)),
      touch: () => Promise.resolve(),
      delete: (key) => Promise.resolve(void records.delete(key)),
    };
    const manager = new SessionManager({ secret: TEST_SECRET, store, clock: clock.now, warn: () => {} });
    const client = new SessionClient<{ n?: number }>(manager);
    const expired: string[] = [];
    manager.on('expired', ({ key, limit }) => expired.push(`${limit}:${key}`));
    const { session } = await client.request((s) => void (s.n = 1));
    clock.advance(30 * 60_000);
    await client.request();
    assert.deepEqual(expired, [`idle:${manager.storeKey(session.id)}`]);
  });

  it('emits storeError with the StoreError before it reaches the caller', async () => {
    const store: Store = {
      get: () => Promise.reject(new Error('connection refused')),
      set: () => Promise.resolve(),
      touch: () => Promise.resolve(),
      delete: () => Promise.resolve(),
    };
    const manager = new SessionManager({ secret: TEST_SECRET, store, warn: () => {} });
    const seen: StoreError[] = [];
    manager.on('storeError', (e) => seen.push(e));
    const client = new SessionClient(manager);
    // Only a correctly signed cookie reaches the store.
    client.value = encodeURIComponent(signId('some-id', TEST_SECRET));
    const error = await client.request().then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.equal(seen.length, 1);
    assert.equal(seen[0], error);
    assert.equal(seen[0]?.operation, 'get');
  });
});
