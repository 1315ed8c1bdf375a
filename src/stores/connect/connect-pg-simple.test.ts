import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import connectPgSimple from 'connect-pg-simple';
import session from 'express-session';
import pg from 'pg';
import { postgresAvailable, postgresUrl, skipUnless, uniqueName } from '../../../test/helpers/services.js';
import { storeConformance } from '../../testing/index.js';
import { fromExpressSessionStore } from './index.js';

const skip = skipUnless(await postgresAvailable(), 'PostgreSQL').skip ?? false;
const PGStore = connectPgSimple(session);
const schema = uniqueName();
let pool: pg.Pool | undefined;
let target: InstanceType<typeof PGStore> | undefined;

/** One connect-pg-simple store in its own schema; it creates its table there on first use. */
async function pgSimple(): Promise<InstanceType<typeof PGStore>> {
  if (target === undefined) {
    pool = new pg.Pool({ connectionString: postgresUrl, max: 4 });
    await pool.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
    target = new PGStore({ pool, schemaName: schema, tableName: 'session', createTableIfMissing: true, pruneSessionInterval: false });
  }
  return target;
}

after(async () => {
  await target?.close();
  if (pool === undefined) return;
  await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await pool.end();
});

// connect-pg-simple stores expiry in whole seconds, rounded up, and its touch updates only the
// expire column (of any row, expired or not): the adapter reports +Infinity, the store enforces
// the expiry, and checkBeforeTouch keeps touch from reviving an expired session.
const adapter = async (): Promise<ReturnType<typeof fromExpressSessionStore>> =>
  fromExpressSessionStore(await pgSimple(), { checkBeforeTouch: true });
storeConformance('fromExpressSessionStore(connect-pg-simple)', adapter, {
  skip,
  supportsExpiryReport: false,
  expiryPrecisionMs: 1000,
});

describe('fromExpressSessionStore(connect-pg-simple)', { skip }, () => {
  it('revives an expired session on touch without checkBeforeTouch, and not with it', async () => {
    const past = Date.now() - 5000;
    const row = async (): Promise<unknown> =>
      (await pool!.query(`SELECT sid FROM "${schema}"."session" WHERE sid = 'stale'`)).rows.length;
    for (const checkBeforeTouch of [false, true]) {
      const store = fromExpressSessionStore(await pgSimple(), { checkBeforeTouch });
      await store.set('stale', { value: 'v', expiresAt: past });
      assert.equal(await store.get('stale'), undefined);
      await store.touch('stale', { value: 'v', expiresAt: Date.now() + 60_000 });
      assert.equal((await store.get('stale'))?.value, checkBeforeTouch ? undefined : 'v');
      await store.delete('stale');
      assert.equal(await row(), 0);
    }
  });

  it('stores a Tessera session as the session object in the json column', async () => {
    const store = fromExpressSessionStore(await pgSimple());
    const expires = new Date(Date.now() + 60_000);
    const value = JSON.stringify({ cookie: { originalMaxAge: 60_000, expires: expires.toISOString() }, cart: [1, 2] });
    await store.set('pg-interop', { value, expiresAt: expires.getTime() });
    const { rows } = await pool!.query<{ sess: unknown; expire: Date }>(
      `SELECT sess, expire FROM "${schema}"."session" WHERE sid = $1`,
      ['pg-interop'],
    );
    assert.deepEqual(rows[0]?.sess, JSON.parse(value));
    assert.ok(Math.abs((rows[0]?.expire.getTime() ?? 0) - expires.getTime()) < 1000, 'expire follows cookie.expires');
    assert.equal((await store.get('pg-interop'))?.value, value);
  });
});
