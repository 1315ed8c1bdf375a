// Which clients RedisStore accepts, and the TypeErrors for bad options. Real client objects,
// never connected: recognising a client must not need (or open) a connection.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Cluster, Redis } from 'ioredis';
import { createClient, createClientPool, createCluster, createSentinel } from 'redis';
import { adaptClient } from './client-adapter.js';
import { RedisStore, type RedisStoreOptions } from './index.js';

describe('RedisStore client detection', () => {
  const unconnected = {
    'node-redis createClient': () => createClient({ url: 'redis://127.0.0.1:1' }),
    'node-redis createClientPool': () => createClientPool({ url: 'redis://127.0.0.1:1' }),
    'node-redis createCluster': () => createCluster({ rootNodes: [{ url: 'redis://127.0.0.1:1' }] }),
    'ioredis Redis': () => new Redis({ port: 1, lazyConnect: true }),
    'ioredis Cluster': () => new Cluster([{ port: 1 }], { lazyConnect: true }),
  };
  const expected: Record<keyof typeof unconnected, [string, boolean]> = {
    'node-redis createClient': ['node-redis', false],
    'node-redis createClientPool': ['node-redis', false],
    'node-redis createCluster': ['node-redis', true],
    'ioredis Redis': ['ioredis', false],
    'ioredis Cluster': ['ioredis', true],
  };
  for (const [name, make] of Object.entries(unconnected) as [keyof typeof unconnected, () => unknown][]) {
    it(`recognises ${name} without connecting it`, () => {
      const client = make();
      const connection = adaptClient(client);
      assert.deepEqual([connection.driver, connection.cluster], expected[name]);
      if (client instanceof Redis) assert.equal(client.status, 'wait', 'the ioredis client stays unconnected');
      if (client instanceof Cluster) assert.equal(client.status, 'wait', 'the ioredis cluster stays unconnected');
      if (typeof client === 'object' && client !== null && 'isOpen' in client) assert.equal(client.isOpen, false);
    });
  }

  it('refuses a node-redis sentinel with a TypeError naming `client`', () => {
    const sentinel = createSentinel({ name: 'mymaster', sentinelRootNodes: [{ host: '127.0.0.1', port: 1 }] });
    assert.throws(() => new RedisStore({ client: sentinel as never }), (error: unknown) => {
      assert.ok(error instanceof TypeError);
      assert.match(error.message, /`client`.*sentinel/);
      return true;
    });
  });
});

describe('RedisStore options', () => {
  const client = createClient({ url: 'redis://127.0.0.1:1' });
  for (const [name, options, pattern] of [
    ['no options at all', undefined, /options are required/],
    ['client missing', {}, /`client` is required/],
    ['client of the wrong kind', { client: { get: () => undefined } }, /`client` must be a node-redis/],
    ['prefix not a string', { client, prefix: 42 }, /`prefix`/],
    ['timeout zero', { client, timeout: 0 }, /`timeout`/],
    ['timeout NaN', { client, timeout: Number.NaN }, /`timeout`/],
    ['timeout as a string', { client, timeout: '5000' }, /`timeout`/],
    ['maxValueBytes zero', { client, maxValueBytes: 0 }, /`maxValueBytes`/],
    ['maxValueBytes infinite', { client, maxValueBytes: Number.POSITIVE_INFINITY }, /`maxValueBytes`/],
  ] as const) {
    it(`throws a TypeError naming the problem: ${name}`, () => {
      assert.throws(() => new RedisStore(options as unknown as RedisStoreOptions), (error: unknown) => {
        assert.ok(error instanceof TypeError, `expected a TypeError, got ${String(error)}`);
        assert.match(error.message, pattern);
        return true;
      });
    });
  }

  it('accepts every option at a valid value, and an empty prefix', () => {
    assert.ok(new RedisStore({ client, prefix: '', timeout: 1, maxValueBytes: 1 }) instanceof RedisStore);
  });
});
