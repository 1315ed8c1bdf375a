import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { isTesseraError } from '../../core/errors.js';
import { storeConformance } from '../../testing/index.js';
import { SqliteStore, type SqliteStoreOptions } from './index.js';

const dir = mkdtempSync(join(tmpdir(), 'tessera-sqlite-'));
const file = join(dir, 'conformance.db');
const sharedDb = new Database(join(dir, 'shared.db'));
after(() => {
  sharedDb.close();
  rmSync(dir, { recursive: true, force: true });
});

const MAX_VALUE_BYTES = 1024 * 1024 + 64 * 1024;
storeConformance('SqliteStore (its own file)', () => new SqliteStore({ path: file }), { maxValueBytes: MAX_VALUE_BYTES });
storeConformance('SqliteStore (a db passed in)', () => new SqliteStore({ db: sharedDb, table: 'custom_sessions' }), {
  maxValueBytes: MAX_VALUE_BYTES,
});

/** A store over a private in-memory database on a hand-driven clock, starting at t = 1000. */
function clocked(options: SqliteStoreOptions = {}): { store: SqliteStore; db: Database.Database; clock: { now: number } } {
  const clock = { now: 1000 };
  const db = new Database(':memory:');
  return { store: new SqliteStore({ db, pruneInterval: 0, ...options, clock: () => clock.now }), db, clock };
}

const count = (db: Database.Database, table = 'tessera_sessions'): number =>
  db.prepare(`SELECT count(*) FROM "${table}"`).pluck().get() as number;

describe('SqliteStore options', () => {
  const bad: Array<[string, SqliteStoreOptions]> = [
    ['path', { path: join(dir, 'x.db'), db: sharedDb }],
    ['path', { path: 42 as unknown as string }],
    ['db', { db: {} as unknown as Database.Database }],
    ['timeout', { db: sharedDb, timeout: 100 }],
    ['table', { db: sharedDb, table: 'sessions; DROP TABLE x' }],
    ['table', { db: sharedDb, table: '1sessions' }],
    ['table', { db: sharedDb, table: '' }],
    ['table', { db: sharedDb, table: 'a'.repeat(64) }],
    ['pruneInterval', { db: sharedDb, pruneInterval: -1 }],
    ['maxValueBytes', { db: sharedDb, maxValueBytes: 0 }],
    ['timeout', { path: join(dir, 'x.db'), timeout: -5 }],
    ['clock', { db: sharedDb, clock: 'now' as unknown as () => number }],
  ];
  for (const [name, options] of bad) {
    it(`rejects a bad ${name} with a TypeError naming it (${JSON.stringify(Object.keys(options))})`, () => {
      assert.throws(() => new SqliteStore(options), (e: unknown) => e instanceof TypeError && e.message.includes(name));
    });
  }
  it('did not create a file for the rejected options', () => {
    assert.equal(existsSync(join(dir, 'x.db')), false);
  });
});

describe('SqliteStore database', () => {
  it('survives a restart: a new instance on the same file reads what the old one wrote', async () => {
    const path = join(dir, 'restart.db');
    const expiresAt = Date.now() + 60_000;
    const first = new SqliteStore({ path });
    await first.set('k', { value: 'persisted ✓', expiresAt, userKey: 'u' });
    await first.close();
    const second = new SqliteStore({ path });
    assert.deepEqual(await second.get('k'), { value: 'persisted ✓', expiresAt, userKey: 'u', version: 1 });
    assert.deepEqual(await second.listByUser('u'), ['k']);
    await second.close();
  });

  it('adds the version column to a table from before versions, whose rows read as version 0 and stay writable', async () => {
    const db = new Database(':memory:');
    db.exec(`CREATE TABLE tessera_sessions (key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL, expires_at INTEGER NOT NULL, user_key TEXT)`);
    db.prepare(`INSERT INTO tessera_sessions VALUES ('old', 'legacy', ?, 'u')`).run(Date.now() + 60_000);
    const store = new SqliteStore({ db, pruneInterval: 0 });
    const legacy = await store.get('old');
    assert.equal(legacy?.value, 'legacy');
    assert.equal(legacy?.version, 0);
    assert.equal(await store.setIfVersion('old', { value: 'stale', expiresAt: Date.now() + 60_000 }, 1), false);
    assert.equal(await store.setIfVersion('old', { value: 'migrated', expiresAt: Date.now() + 60_000, userKey: 'u' }, 0), 1);
    assert.equal((await store.get('old'))?.value, 'migrated');
    // Opening it again finds the column and leaves the table alone.
    const again = new SqliteStore({ db, pruneInterval: 0 });
    assert.equal((await again.get('old'))?.version, 1);
    await store.close();
    await again.close();
    db.close();
  });

  it('creates the parent folder of its file and puts the file in WAL mode', async () => {
    const path = join(dir, 'nested', 'deeper', 'sessions.db');
    const store = new SqliteStore({ path });
    await store.close();
    const db = new Database(path, { readonly: true });
    assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
    db.close();
  });

  it('creates the documented schema: columns, and indexes on expiry and user key', async () => {
    const { store, db } = clocked({ table: 'web_sessions' });
    const columns = db.prepare(`SELECT name, type, pk, "notnull" FROM pragma_table_info('web_sessions')`).all();
    assert.deepEqual(columns, [
      { name: 'key', type: 'TEXT', pk: 1, notnull: 1 },
      { name: 'value', type: 'TEXT', pk: 0, notnull: 1 },
      { name: 'expires_at', type: 'INTEGER', pk: 0, notnull: 1 },
      { name: 'user_key', type: 'TEXT', pk: 0, notnull: 0 },
      { name: 'version', type: 'INTEGER', pk: 0, notnull: 1 },
    ]);
    const indexed = db.prepare(`SELECT il.name, ii.name AS col FROM pragma_index_list('web_sessions') il, pragma_index_info(il.name) ii`).all();
    assert.ok(indexed.some((row) => (row as { col: string }).col === 'expires_at'), 'an index on expires_at');
    assert.ok(indexed.some((row) => (row as { col: string }).col === 'user_key'), 'an index on user_key');
    const plan = db.prepare(`EXPLAIN QUERY PLAN SELECT key FROM web_sessions WHERE user_key = ? AND expires_at > ?`).all('u', 0);
    assert.match(JSON.stringify(plan), /USING INDEX/, 'listByUser uses an index');
    await store.close();
    db.close();
  });

  it('never closes a db passed in, even when closed twice', async () => {
    const db = new Database(':memory:');
    const store = new SqliteStore({ db });
    await store.close();
    await store.close();
    assert.equal(db.open, true);
    assert.equal(count(db), 0);
    db.close();
  });

  it('opens an in-memory database with path ":memory:" and closes it', async () => {
    const store = new SqliteStore({ path: ':memory:', pruneInterval: 0 });
    await store.set('k', { value: 'v', expiresAt: Date.now() + 60_000 });
    assert.equal((await store.get('k'))?.value, 'v');
    await store.close();
    await assert.rejects(store.get('k'), (e: unknown) => isTesseraError(e, 'ERR_STORE_FAILED'));
  });

  it('reads expiries as numbers from a db opened with defaultSafeIntegers', async () => {
    const db = new Database(':memory:').defaultSafeIntegers(true);
    const store = new SqliteStore({ db });
    await store.set('k', { value: 'v', expiresAt: Date.now() + 60_000 });
    assert.equal(typeof (await store.get('k'))?.expiresAt, 'number');
    await store.close();
    db.close();
  });
});

describe('SqliteStore expiry', () => {
  it('filters expires_at > now on get and listByUser, using the injected clock', async () => {
    const { store, clock } = clocked();
    await store.set('k', { value: 'v', expiresAt: 2000, userKey: 'u' });
    clock.now = 1999;
    assert.deepEqual(await store.get('k'), { value: 'v', expiresAt: 2000, userKey: 'u', version: 1 });
    clock.now = 2000;
    assert.equal(await store.get('k'), undefined);
    assert.deepEqual(await store.listByUser('u'), []);
  });

  it('touch updates only an unexpired row, and never its value or user key', async () => {
    const { store, db, clock } = clocked();
    await store.set('live', { value: 'v', expiresAt: 1500, userKey: 'u' });
    await store.set('dead', { value: 'v', expiresAt: 1200 });
    clock.now = 1300;
    await store.touch('live', { value: 'other', expiresAt: 9000 });
    await store.touch('dead', { value: 'other', expiresAt: 9000 });
    assert.deepEqual(await store.get('live'), { value: 'v', expiresAt: 9000, userKey: 'u', version: 1 });
    assert.equal(db.prepare(`SELECT expires_at FROM tessera_sessions WHERE key = 'dead'`).pluck().get(), 1200);
  });

  it('prune deletes exactly the expired rows; deleteByUser counts only live sessions', async () => {
    const { store, db, clock } = clocked();
    await store.set('a', { value: 'v', expiresAt: 1500, userKey: 'u' });
    await store.set('b', { value: 'v', expiresAt: 1500 });
    await store.set('c', { value: 'v', expiresAt: 3000, userKey: 'u' });
    await store.set('d', { value: 'v', expiresAt: 3000, userKey: 'u' });
    clock.now = 2000;
    assert.equal(await store.deleteByUser('u'), 2, 'c and d were live; a had expired');
    assert.equal(count(db), 1, 'every row of u is gone, b is left');
    assert.equal(await store.prune(), 1);
    assert.equal(count(db), 0);
  });

  it('prunes in the background every pruneInterval until closed', async (t) => {
    t.mock.timers.enable({ apis: ['setInterval'] });
    const { store, db, clock } = clocked({ pruneInterval: 1000 });
    await store.set('a', { value: 'v', expiresAt: 1500 });
    await store.set('b', { value: 'v', expiresAt: 5000 });
    clock.now = 2000;
    t.mock.timers.tick(1000);
    assert.equal(count(db), 1);
    await store.close();
    clock.now = 6000;
    t.mock.timers.tick(5000);
    assert.equal(count(db), 1, 'no prune after close');
  });
});

describe('SqliteStore errors', () => {
  it('reports a failed statement as a StoreError with the operation and the SQLite error as cause', async () => {
    const { store } = clocked();
    await assert.rejects(store.set('k', { value: 'v', expiresAt: Number.NaN }), (e: unknown) => {
      assert.ok(isTesseraError(e, 'ERR_STORE_FAILED'));
      assert.equal((e as { operation?: unknown }).operation, 'set');
      assert.match(String((e as { cause?: { code?: unknown } }).cause?.code), /SQLITE_CONSTRAINT/);
      return true;
    });
  });

  it('reports calls on a database the user closed as StoreErrors', async () => {
    const { store, db } = clocked();
    db.close();
    for (const [operation, call] of [
      ['get', () => store.get('k')],
      ['touch', () => store.touch('k', { value: 'v', expiresAt: 2000 })],
      ['delete', () => store.delete('k')],
      ['listByUser', () => store.listByUser('u')],
      ['prune', () => store.prune()],
    ] as const) {
      await assert.rejects(call(), (e: unknown) => isTesseraError(e, 'ERR_STORE_FAILED') && (e as { operation?: unknown }).operation === operation);
    }
  });

  it('refuses a value over maxValueBytes, counting UTF-8 bytes, before writing', async () => {
    const { store, db } = clocked({ maxValueBytes: 30 });
    await store.set('ok', { value: '語'.repeat(10), expiresAt: 5000 });
    await assert.rejects(store.set('big', { value: '語'.repeat(10) + 'x', expiresAt: 5000 }), (e: unknown) =>
      isTesseraError(e, 'ERR_STORE_VALUE_TOO_LARGE'),
    );
    assert.equal(count(db), 1);
  });
});
