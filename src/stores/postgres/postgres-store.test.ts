import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { isTesseraError } from '../../core/errors.js';
import { storeConformance } from '../../testing/index.js';
import { postgresAvailable, postgresUrl, skipUnless, uniqueName } from '../../../test/helpers/services.js';
import { PostgresStore, type PostgresStoreOptions } from './index.js';
import { jitteredDelay } from './postgres-store.js';

const available = await postgresAvailable();

// The conformance suite gets its own schema, created on first use and dropped after the file.
const conformance: { pool?: pg.Pool; ready?: Promise<void> } = {};
const conformanceSchema = uniqueName();
after(async () => {
  if (conformance.pool === undefined) return;
  await conformance.pool.query(`DROP SCHEMA IF EXISTS "${conformanceSchema}" CASCADE`);
  await conformance.pool.end();
});
storeConformance(
  'PostgresStore',
  async () => {
    conformance.pool ??= new pg.Pool({ connectionString: postgresUrl, max: 4 });
    conformance.ready ??= conformance.pool.query(`CREATE SCHEMA IF NOT EXISTS "${conformanceSchema}"`).then(() => undefined);
    await conformance.ready;
    return new PostgresStore({ pool: conformance.pool, schema: conformanceSchema });
  },
  { skip: skipUnless(available, 'PostgreSQL').skip ?? false, maxValueBytes: 1024 * 1024 },
);

describe('PostgresStore options', () => {
  const pool = { query: () => Promise.reject(new Error('not used')) } as unknown as pg.Pool;
  for (const [name, options, pattern] of [
    ['pool missing', {}, /`pool` is required/],
    ['schema with a quote', { pool, schema: 'a"b' }, /`schema`/],
    ['table starting with a digit', { pool, table: '1sessions' }, /`table`/],
    ['table too long', { pool, table: 'x'.repeat(49) }, /`table`/],
    ['negative timeout', { pool, timeout: -1 }, /`timeout`/],
    ['NaN pruneInterval', { pool, pruneInterval: Number.NaN }, /`pruneInterval`/],
    ['zero maxValueBytes', { pool, maxValueBytes: 0 }, /`maxValueBytes`/],
    ['string createTable', { pool, createTable: 'yes' }, /`createTable`/],
  ] as const) {
    it(`throws a TypeError naming the option: ${name}`, () => {
      assert.throws(() => new PostgresStore(options as unknown as PostgresStoreOptions), (error: unknown) => {
        assert.ok(error instanceof TypeError);
        assert.match(error.message, pattern);
        return true;
      });
    });
  }
});

describe('PostgresStore background prune timer', () => {
  it('is jittered by +/-20% around the interval', () => {
    assert.equal(jitteredDelay(300_000, () => 0), 240_000);
    assert.equal(jitteredDelay(300_000, () => 0.5), 300_000);
    assert.ok(Math.abs(jitteredDelay(300_000, () => 1) - 360_000) < 1e-6);
    const seen = new Set(Array.from({ length: 20 }, () => jitteredDelay(300_000)));
    assert.ok(seen.size > 1, 'successive ticks differ');
    assert.equal(jitteredDelay(1e12, () => 0.5), 2_147_483_647, 'capped at the largest setTimeout delay');
  });

  it('never keeps the process alive, and 0 disables it', async () => {
    const timers = (): number => process.getActiveResourcesInfo().filter((name) => name === 'Timeout').length;
    const pool = { query: () => Promise.reject(new Error('not used')) } as unknown as pg.Pool;
    const before = timers();
    const stores = [new PostgresStore({ pool }), new PostgresStore({ pool, pruneInterval: 0 })];
    assert.equal(timers(), before, 'no ref\'d timer was added');
    for (const store of stores) await store.close();
  });
});

describe('PostgresStore', skipUnless(available, 'PostgreSQL'), () => {
  const schema = uniqueName();
  let pool: pg.Pool;
  let now = 1_700_000_000_000;
  const clock = (): number => now;
  const stores: PostgresStore[] = [];
  const open = (options: Partial<PostgresStoreOptions> = {}): PostgresStore => {
    const store = new PostgresStore({ pool, schema, clock, pruneInterval: 0, ...options });
    stores.push(store);
    return store;
  };
  const count = async (table = 'tessera_sessions'): Promise<number> => {
    const { rows } = await pool.query<{ n: string }>(`SELECT count(*) AS n FROM "${schema}"."${table}"`);
    return Number(rows[0]?.n);
  };

  before(async () => {
    pool = new pg.Pool({ connectionString: postgresUrl, max: 4 });
    await pool.query(`CREATE SCHEMA "${schema}"`);
  });

  after(async () => {
    for (const store of stores) await store.close();
    await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await pool.end();
  });

  it('creates the table and both indexes once, even when many first calls race', async () => {
    const racers = Array.from({ length: 6 }, () => open({ table: 'race' }));
    await Promise.all(racers.map((store, i) => store.set(`k${i}`, { value: 'v', expiresAt: now + 1000 })));
    assert.equal(await count('race'), 6);
    const { rows } = await pool.query<{ indexname: string }>(
      'SELECT indexname FROM pg_indexes WHERE schemaname = $1 AND tablename = $2 ORDER BY indexname',
      [schema, 'race'],
    );
    assert.deepEqual(
      rows.map((r) => r.indexname),
      ['race_expires_at_idx', 'race_pkey', 'race_user_key_idx'],
    );
  });

  it('round-trips value, expiry and user key, and replaces on set', async () => {
    const store = open();
    const value = '{"cookie":{},"name":"Zoë 🎉"}';
    await store.set('a', { value, expiresAt: now + 60_000, userKey: 'u1' });
    assert.deepEqual(await store.get('a'), { value, expiresAt: now + 60_000, userKey: 'u1', version: 1 });
    await store.set('a', { value: 'second', expiresAt: now + 5 });
    assert.deepEqual(await store.get('a'), { value: 'second', expiresAt: now + 5, version: 2 });
    assert.equal(await store.get('missing'), undefined);
  });

  it('adds the version column to a table from before versions, whose rows read as version 0 and stay writable', async () => {
    await pool.query(`CREATE TABLE "${schema}"."legacy" (key text PRIMARY KEY, value text NOT NULL, expires_at bigint NOT NULL, user_key text NULL)`);
    await pool.query(`INSERT INTO "${schema}"."legacy" VALUES ('old', 'legacy', $1, 'u')`, [now + 60_000]);
    const store = open({ table: 'legacy' });
    assert.deepEqual(await store.get('old'), { value: 'legacy', expiresAt: now + 60_000, userKey: 'u', version: 0 });
    assert.equal(await store.setIfVersion('old', { value: 'stale', expiresAt: now + 60_000 }, 1), false);
    assert.equal(await store.setIfVersion('old', { value: 'migrated', expiresAt: now + 60_000, userKey: 'u' }, 0), 1);
    // A second store on the migrated table finds the column and changes nothing.
    assert.deepEqual(await open({ table: 'legacy' }).get('old'), { value: 'migrated', expiresAt: now + 60_000, userKey: 'u', version: 1 });
  });

  it('explains a table without the version column when createTable is false', async () => {
    await pool.query(`CREATE TABLE "${schema}"."unmigrated" (key text PRIMARY KEY, value text NOT NULL, expires_at bigint NOT NULL, user_key text NULL)`);
    const store = open({ table: 'unmigrated', createTable: false });
    await assert.rejects(store.get('k'), (error: unknown) => {
      assert.ok(isTesseraError(error, 'ERR_STORE_FAILED'));
      assert.match((error as Error).message, /ADD COLUMN IF NOT EXISTS version bigint/);
      return true;
    });
  });

  it('keeps an infinite expiry infinite', async () => {
    const store = open();
    await store.set('forever', { value: 'v', expiresAt: Number.POSITIVE_INFINITY });
    assert.equal((await store.get('forever'))?.expiresAt, Number.POSITIVE_INFINITY);
  });

  it('never returns a record at or after its expiry, before any prune', async () => {
    const store = open();
    await store.set('soon', { value: 'v', expiresAt: now + 10 });
    now += 9;
    assert.equal((await store.get('soon'))?.value, 'v');
    now += 1;
    assert.equal(await store.get('soon'), undefined);
  });

  it('touch extends an unexpired record without rewriting its value', async () => {
    const store = open();
    await store.set('t', { value: 'original', expiresAt: now + 100, userKey: 'u' });
    await store.touch('t', { value: 'ignored', expiresAt: now + 5000 });
    assert.deepEqual(await store.get('t'), { value: 'original', expiresAt: now + 5000, userKey: 'u', version: 1 });
  });

  it('touch writes nothing for a missing or expired key', async () => {
    const store = open();
    await store.touch('never-set', { value: 'v', expiresAt: now + 5000 });
    assert.equal(await store.get('never-set'), undefined);
    await store.set('stale', { value: 'v', expiresAt: now - 1 });
    await store.touch('stale', { value: 'v', expiresAt: now + 5000 });
    assert.equal(await store.get('stale'), undefined);
  });

  it('delete removes a record and resolves for a missing key', async () => {
    const store = open();
    await store.set('d', { value: 'v', expiresAt: now + 1000 });
    await store.delete('d');
    await store.delete('d');
    assert.equal(await store.get('d'), undefined);
  });

  it('lists and deletes a user\'s sessions, and only theirs', async () => {
    const store = open({ table: 'users' });
    await store.set('s1', { value: 'v', expiresAt: now + 1000, userKey: 'alice' });
    await store.set('s2', { value: 'v', expiresAt: now + 1000, userKey: 'alice' });
    await store.set('s3', { value: 'v', expiresAt: now - 1, userKey: 'alice' });
    await store.set('s4', { value: 'v', expiresAt: now + 1000, userKey: 'bob' });
    await store.set('s5', { value: 'v', expiresAt: now + 1000 });
    assert.deepEqual(await store.listByUser('alice'), ['s1', 's2']);
    assert.equal(await store.deleteByUser('alice'), 3);
    assert.deepEqual(await store.listByUser('alice'), []);
    assert.deepEqual(await store.listByUser('bob'), ['s4']);
    assert.equal(await count('users'), 2);
  });

  it('prune deletes expired rows only', async () => {
    const store = open({ table: 'prune' });
    await store.set('old1', { value: 'v', expiresAt: now - 1 });
    await store.set('old2', { value: 'v', expiresAt: now });
    await store.set('live', { value: 'v', expiresAt: now + 1 });
    assert.equal(await store.prune(), 2);
    assert.equal(await count('prune'), 1);
    assert.equal((await store.get('live'))?.value, 'v');
  });

  it('prunes in the background and stops when closed', async () => {
    const store = open({ table: 'background', pruneInterval: 20 });
    await store.set('old', { value: 'v', expiresAt: now - 1 });
    await store.set('live', { value: 'v', expiresAt: now + 1000 });
    const deadline = Date.now() + 2000;
    while ((await count('background')) > 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    assert.equal(await count('background'), 1);
    await store.close();
    await store.set('old2', { value: 'v', expiresAt: now - 1 });
    await new Promise((r) => setTimeout(r, 60));
    assert.equal(await count('background'), 2, 'no prune after close');
  });

  it('refuses a value over maxValueBytes before writing anything', async () => {
    const store = open({ maxValueBytes: 8 });
    await store.set('big', { value: 'small', expiresAt: now + 1000 });
    await assert.rejects(store.set('big', { value: 'éééé…', expiresAt: now + 1000 }), (error: unknown) => {
      assert.ok(isTesseraError(error, 'ERR_STORE_VALUE_TOO_LARGE'));
      assert.equal((error as { operation?: string }).operation, 'set');
      return true;
    });
    assert.equal((await store.get('big'))?.value, 'small');
  });

  it('with createTable: false, a missing table fails with a StoreError saying what to do', async () => {
    const store = open({ table: 'absent', createTable: false });
    await assert.rejects(store.get('k'), (error: unknown) => {
      assert.ok(isTesseraError(error, 'ERR_STORE_FAILED'));
      assert.equal((error as { operation?: string }).operation, 'get');
      assert.match((error as Error).message, /"absent" does not exist.*createTable/);
      return true;
    });
  });

  it('two stores on different tables sharing the pool do not clash', async () => {
    const one = open({ table: 'one' });
    const two = open({ table: 'two' });
    for (let i = 0; i < 8; i++) {
      await one.set('same', { value: `one${i}`, expiresAt: now + 1000 });
      await two.set('same', { value: `two${i}`, expiresAt: now + 1000 });
    }
    assert.equal((await one.get('same'))?.value, 'one7');
    assert.equal((await two.get('same'))?.value, 'two7');
  });

  it('close resolves twice and leaves the pool open', async () => {
    const store = open();
    await store.close();
    await store.close();
    const { rows } = await pool.query<{ one: number }>('SELECT 1 AS one');
    assert.equal(rows[0]?.one, 1);
  });
});

describe('PostgresStore with the server down', () => {
  it('rejects with a StoreError (not a hang) when nothing listens', async () => {
    const pool = new pg.Pool({ host: '127.0.0.1', port: 1, user: 'postgres', connectionTimeoutMillis: 500 });
    const store = new PostgresStore({ pool, pruneInterval: 0 });
    try {
      await assert.rejects(store.get('k'), (error: unknown) => {
        assert.ok(isTesseraError(error, 'ERR_STORE_FAILED'));
        assert.equal((error as { operation?: string }).operation, 'get');
        assert.ok((error as Error).cause !== undefined);
        return true;
      });
    } finally {
      await store.close();
      await pool.end();
    }
  });

  it('times out with ERR_STORE_TIMEOUT when the server never answers', async () => {
    const sockets = new Set<import('node:net').Socket>();
    const server: Server = createServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    const pool = new pg.Pool({ host: '127.0.0.1', port, user: 'postgres', connectionTimeoutMillis: 2000 });
    const store = new PostgresStore({ pool, pruneInterval: 0, timeout: 150 });
    const started = Date.now();
    try {
      await assert.rejects(store.set('k', { value: 'v', expiresAt: Date.now() + 1000 }), (error: unknown) => {
        assert.ok(isTesseraError(error, 'ERR_STORE_TIMEOUT'));
        assert.equal((error as { operation?: string }).operation, 'set');
        return true;
      });
      assert.ok(Date.now() - started < 1000);
    } finally {
      await store.close();
      for (const socket of sockets) socket.destroy();
      server.close();
      await pool.end();
    }
  });
});
