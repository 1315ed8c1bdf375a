// RedisStore's own behaviour beyond the conformance suite, on all four setups: the documented
// key layout, the per-user index (scores, lazy cleanup, expiry, no CROSSSLOT on a Cluster),
// server errors as StoreErrors, and the user's client left open.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { RESP_TYPES } from 'redis';
import { isTesseraError, StoreError } from '../../core/errors.js';
import type { StoreRecord } from '../../core/store.js';
import { deleteKeysWithPrefix, openSetup, redisSetupNames, setupAvailable, type RedisSetup } from '../../../test/helpers/redis-setups.js';
import { skipUnless, uniqueName } from '../../../test/helpers/services.js';
import { RedisStore, type RedisClientLike } from './index.js';
import { encodePayload } from './record-format.js';

const HOUR = 3_600_000;

for (const name of redisSetupNames) {
  const label = name.endsWith('cluster') ? 'Redis Cluster (127.0.0.1:7000-7002)' : 'Redis';
  describe(`RedisStore on ${name}`, skipUnless(await setupAvailable(name), label), () => {
    const prefix = `${uniqueName()}:`;
    let setup: RedisSetup;
    let store: RedisStore;
    /** A raw command on `key`: `raw(key, 'GET')` sends `GET key`. */
    const raw = (key: string, ...args: string[]): Promise<unknown> => setup.command(key, [args[0] as string, key, ...args.slice(1)]);
    const sessionKey = (key: string): string => `${prefix}s:${key}`;
    const indexKey = (userKey: string): string => `${prefix}u:{${userKey}}`;
    const rec = (value: string, ms: number, userKey?: string): StoreRecord =>
      userKey === undefined ? { value, expiresAt: Date.now() + ms } : { value, expiresAt: Date.now() + ms, userKey };

    before(async () => {
      setup = await openSetup(name);
      store = new RedisStore({ client: setup.client, prefix });
    });
    after(async () => {
      if (setup === undefined) return;
      await deleteKeysWithPrefix(setup.cluster, prefix);
      await setup.close();
    });

    it('stores sessions under the documented key layout', async () => {
      const mine = rec('{"n":1}', HOUR, 'alice@example.com');
      const anonymous = rec('plain', HOUR);
      await store.set('layout1', mine);
      await store.set('layout2', anonymous);
      const expiry = (at: number): string => String(at).padStart(13, '0');
      assert.equal(await raw(sessionKey('layout1'), 'GET'), `t1:alice%40example.com;1;${expiry(mine.expiresAt)}\n{"n":1}`);
      assert.equal(await raw(sessionKey('layout2'), 'GET'), `t1;1;${expiry(anonymous.expiresAt)}\nplain`);
      assert.equal(await raw(sessionKey('layout2'), 'GET'), encodePayload('plain', undefined, 1, anonymous.expiresAt), 'the script and encodePayload agree');
      await store.set('layout2', anonymous);
      assert.equal(await raw(sessionKey('layout2'), 'GET'), `t1;2;${expiry(anonymous.expiresAt)}\nplain`, 'each write moves the version on');
      assert.equal(Number(await raw(sessionKey('layout1'), 'PEXPIRETIME')), mine.expiresAt);
      const index = indexKey('alice@example.com');
      assert.equal(await raw(index, 'TYPE'), 'zset');
      assert.equal(Number(await raw(index, 'ZSCORE', 'layout1')), mine.expiresAt);
      assert.equal(Number(await raw(index, 'PEXPIRETIME')), mine.expiresAt, 'the index expires with its last member');
    });

    it('touch moves the expiry in the header and with PEXPIREAT, re-scores the index member and never rewrites the value', async () => {
      const first = rec('kept', 60_000, 'bob');
      await store.set('t1', first);
      const later = first.expiresAt + HOUR;
      await store.touch('t1', { value: 'DECOY', expiresAt: later, userKey: 'bob' });
      assert.equal(await raw(sessionKey('t1'), 'GET'), encodePayload('kept', 'bob', 1, later));
      assert.equal(Number(await raw(sessionKey('t1'), 'PEXPIRETIME')), later);
      assert.deepEqual(await store.get('t1'), { value: 'kept', userKey: 'bob', version: 1, expiresAt: later });
      assert.equal(Number(await raw(indexKey('bob'), 'ZSCORE', 't1')), later);
      assert.equal(Number(await raw(indexKey('bob'), 'PEXPIRETIME')), later);
    });

    it('touch finds the expiry behind a header longer than 1 KiB, and rewrites one of another width', async () => {
      const userKey = 'w'.repeat(1500);
      await store.set('long-touch', rec('v', 60_000, userKey));
      const later = Date.now() + HOUR;
      await store.touch('long-touch', { value: '', expiresAt: later });
      assert.deepEqual(await store.get('long-touch'), { value: 'v', userKey, version: 1, expiresAt: later });
      assert.equal(Number(await raw(sessionKey('long-touch'), 'PEXPIRETIME')), later);
      // An expiry past 13 digits (after 2286; only a caller can force one) widens the field.
      const far = 100_000_000_000_123;
      await store.set('wide', { value: 'w;\n', expiresAt: far });
      assert.equal((await store.get('wide'))?.expiresAt, far);
      await store.touch('wide', { value: '', expiresAt: later });
      assert.equal(await raw(sessionKey('wide'), 'GET'), encodePayload('w;\n', undefined, 1, later));
      assert.deepEqual(await store.get('wide'), { value: 'w;\n', version: 1, expiresAt: later });
    });

    it('reads and touches a session written before the header carried its expiry, from the key itself', async () => {
      await raw(sessionKey('no-expiry'), 'SET', 't1:lee;3\nold', 'PX', '60000');
      const before = await store.get('no-expiry');
      assert.equal(before?.expiresAt, Number(await raw(sessionKey('no-expiry'), 'PEXPIRETIME')));
      assert.deepEqual({ ...before, expiresAt: 0 }, { value: 'old', userKey: 'lee', version: 3, expiresAt: 0 });
      const later = Date.now() + HOUR;
      await store.touch('no-expiry', { value: '', expiresAt: later });
      assert.equal(await raw(sessionKey('no-expiry'), 'GET'), 't1:lee;3\nold', 'the old header is left as it was');
      assert.equal((await store.get('no-expiry'))?.expiresAt, later);
      assert.equal(await store.setIfVersion('no-expiry', rec('new', HOUR, 'lee'), 3), 4);
      assert.equal((await raw(sessionKey('no-expiry'), 'GET') as string).split('\n')[0]?.split(';').length, 3, 'the next write adds the expiry');
    });

    it('touch of a missing session writes nothing, not even to the index', async () => {
      await store.touch('ghost', rec('ghost', HOUR, 'carol'));
      assert.equal(await raw(sessionKey('ghost'), 'EXISTS'), 0);
      assert.equal(await raw(indexKey('carol'), 'EXISTS'), 0);
    });

    it('drops expired index members on the next write, and the index expires with its last member', async () => {
      await store.set('short', rec('s', 300, 'dave'));
      await store.set('long', rec('l', HOUR, 'dave'));
      await store.set('only', rec('o', 300, 'erin'));
      await sleep(450);
      await store.set('new', rec('n', HOUR, 'dave'));
      assert.deepEqual((await raw(indexKey('dave'), 'ZRANGE', '0', '-1')) as string[], ['long', 'new']);
      assert.equal(await raw(indexKey('erin'), 'EXISTS'), 0, "erin's index expired with her only session");
    });

    it('deleteByUser never deletes a session since re-set for another user', async () => {
      await store.set('moved', rec('m', HOUR, 'frank'));
      await store.set('moved', rec('m', HOUR, 'grace'));
      assert.equal(await store.deleteByUser('frank'), 0);
      assert.equal((await store.get('moved'))?.userKey, 'grace');
      assert.deepEqual(await store.listByUser('grace'), ['moved']);
    });

    it('does not store a record whose expiry has passed, and rounds a fractional expiry down', async () => {
      await store.set('past', rec('p', -1000));
      await store.set('zero', { value: 'z', expiresAt: 0 });
      assert.equal(await raw(sessionKey('past'), 'EXISTS'), 0);
      assert.equal(await store.get('zero'), undefined);
      const at = Date.now() + HOUR + 0.75;
      await store.set('fraction', { value: 'f', expiresAt: at });
      assert.equal((await store.get('fraction'))?.expiresAt, Math.floor(at));
    });

    it('reads a session written before versions as version 0, and writes it from there', async () => {
      await raw(sessionKey('legacy'), 'SET', 't1:kim\nold', 'PX', '60000');
      const legacy = await store.get('legacy');
      assert.deepEqual({ ...legacy, expiresAt: 0 }, { value: 'old', userKey: 'kim', version: 0, expiresAt: 0 });
      assert.equal(await store.setIfVersion('legacy', rec('stale', HOUR, 'kim'), 1), false);
      assert.equal(await store.setIfVersion('legacy', rec('new', HOUR, 'kim'), 0), 1);
      assert.match(await raw(sessionKey('legacy'), 'GET') as string, /^t1:kim;1;[0-9]{13}\nnew$/);
      assert.deepEqual(await store.listByUser('kim'), ['legacy']);
      await raw(sessionKey('legacy2'), 'SET', 't1:kim\nold', 'PX', '60000');
      await raw(indexKey('kim'), 'ZADD', String(Date.now() + 60_000), 'legacy2');
      assert.deepEqual((await store.listByUser('kim')).sort(), ['legacy', 'legacy2']);
      assert.equal(await store.deleteByUser('kim'), 2, 'deleteByUser finds sessions with and without a version');
    });

    it('finds the version of a session whose header is longer than the 1 KiB the script reads first', async () => {
      const userKey = 'u'.repeat(2000);
      await store.set('long-header', rec('v', HOUR, userKey));
      const loaded = await store.get('long-header');
      assert.equal(loaded?.version, 1);
      assert.equal(await store.setIfVersion('long-header', rec('w', HOUR, userKey), 1), 2);
      assert.equal((await store.get('long-header'))?.value, 'w');
    });

    it('reads a string in another format, or without an expiry, under the prefix as no session', async () => {
      await raw(sessionKey('foreign'), 'SET', 'written by someone else', 'PX', '60000');
      await raw(sessionKey('forever'), 'SET', 't1\nno expiry');
      assert.equal(await store.get('foreign'), undefined);
      assert.equal(await store.get('forever'), undefined);
    });

    it('rejects with a StoreError naming the operation and keeping the original error as cause', async () => {
      await raw(sessionKey('list'), 'RPUSH', 'not a string');
      await raw(indexKey('judy'), 'SET', 'not a sorted set');
      for (const [operation, call, cause] of [
        ['get', () => store.get('list'), /WRONGTYPE/],
        ['listByUser', () => store.listByUser('judy'), /WRONGTYPE/],
        ['touch', () => store.touch('list', { value: '', expiresAt: Number.NaN }), /expiresAt/],
      ] as const) {
        await assert.rejects(call(), (error: unknown) => {
          assert.ok(error instanceof StoreError && isTesseraError(error, 'ERR_STORE_FAILED'), String(error));
          assert.equal(error.operation, operation);
          assert.ok(error.cause instanceof Error, 'the original error is the cause');
          assert.match(error.cause.message, cause);
          return true;
        });
      }
    });

    it('close() leaves the client the application passed in open and working', async () => {
      const own = new RedisStore({ client: setup.client, prefix });
      await own.close();
      await own.close();
      assert.equal(await raw(sessionKey('after-close'), 'SET', 'still open'), 'OK');
      await own.set('after-close', rec('v', HOUR));
      assert.equal((await own.get('after-close'))?.value, 'v');
    });

    if (name === 'node-redis') {
      it('reads through a node-redis client that maps strings to Buffers, decoding UTF-8', async () => {
        const client = setup.client as import('redis').RedisClientType;
        const buffers = client.withTypeMapping({ [RESP_TYPES.BLOB_STRING]: Buffer });
        const viaBuffers = new RedisStore({ client: buffers as unknown as RedisClientLike, prefix });
        const value = 'é 日本 😀'.repeat(1000);
        await store.set('buffers', rec(value, HOUR, 'heidi'));
        assert.equal((await viaBuffers.get('buffers'))?.value, value);
        assert.deepEqual(await viaBuffers.listByUser('heidi'), ['buffers']);
      });
    }

    it('lists and deletes 120 sessions of one user, spread over every Cluster node, without CROSSSLOT', async () => {
      const keys = Array.from({ length: 120 }, (_, i) => (i % 4 === 0 ? `x{${i}}y` : `many-${i}`));
      await Promise.all(keys.map((key) => store.set(key, rec(`v${key}`, HOUR, 'ivan'))));
      if (setup.cluster) {
        const slots = (await setup.command(sessionKey(keys[0] as string), ['CLUSTER', 'SLOTS'])) as [number, number, [string, number]][];
        const ports = new Set<number>();
        for (const key of keys) {
          const slot = Number(await setup.command(sessionKey(key), ['CLUSTER', 'KEYSLOT', sessionKey(key)]));
          const owner = slots.find(([from, to]) => slot >= from && slot <= to);
          assert.ok(owner !== undefined, `slot ${slot} has an owner`);
          ports.add(Number(owner[2][1]));
        }
        assert.equal(ports.size, 3, 'the sessions live on all three nodes');
      }
      assert.deepEqual((await store.listByUser('ivan')).sort(), [...keys].sort());
      assert.equal(await store.deleteByUser('ivan'), 120);
      assert.deepEqual(await store.listByUser('ivan'), []);
      const left = await Promise.all(keys.map((key) => store.get(key)));
      assert.ok(left.every((r) => r === undefined), 'every session is gone');
    });
  });
}
