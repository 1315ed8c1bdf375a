// express-mysql-session (a third-party promise/callback store) on MariaDB (127.0.0.1:3306,
// root, database `test`), Express 5 and 4, side by side with express-session 1.19, with
// `resave: false`: create, read back, destroy; an unmodified request touches the row's expiry
// (moved back by hand first, so no sleeping); a row past its expiry is "no session". Each app
// gets its own table (a unique name per run), dropped afterwards.
import { createRequire } from 'node:module';
import { describe, it, type TestContext } from 'node:test';
import { reachable, skipUnless, uniqueName } from '../helpers/services.js';
import { data, eachExpress, idOf, SECRET, setCookieFor, sideBySide, viewRoutes, type AppBuilder } from './helpers.js';

const require = createRequire(import.meta.url);
const mariadb = { host: '127.0.0.1', port: 3306, user: 'root', password: '', database: 'test' };
type MySQLStore = { onReady(): Promise<void>; close(): Promise<void> };
type MySQLStoreConstructor = new (options: object) => MySQLStore;
const factory = require('express-mysql-session') as (session: unknown) => MySQLStoreConstructor;
const mysql = require('mysql2/promise') as typeof import('mysql2/promise');

describe('express-mysql-session on MariaDB', skipUnless(await reachable('mysql://127.0.0.1:3306', 3306), 'MariaDB'), () => {
  /** Stores made before each app (the builder is synchronous), by table name. */
  async function prepare(t: TestContext, impls: string[], sessionOptions: object = { resave: false, saveUninitialized: false }): Promise<{ build: AppBuilder; tables: Record<string, string>; sql: import('mysql2/promise').Connection }> {
    const sql = await mysql.createConnection(mariadb);
    const tables: Record<string, string> = {};
    const stores: Record<string, MySQLStore> = {};
    for (const name of impls) {
      const module = name === 'express-session' ? require('express-session') : (await import('../../src/adapters/express-session/index.js')).default;
      const Store = factory(module);
      tables[name] = uniqueName('tessera_interop');
      stores[name] = new Store({ ...mariadb, clearExpired: false, schema: { tableName: tables[name] } });
      await stores[name].onReady();
    }
    t.after(async () => {
      for (const name of impls) {
        await stores[name]!.close();
        await sql.query(`DROP TABLE IF EXISTS \`${tables[name]}\``);
      }
      await sql.end();
    });
    const build: AppBuilder = (app, impl) => {
      app.use(impl.module({ secret: SECRET, ...sessionOptions, store: stores[impl.name], cookie: { maxAge: 3_600_000 } }));
      viewRoutes(app);
    };
    return { build, tables, sql };
  }

  eachExpress((createApp) => {
    it('create, read, touch (resave: false), destroy; an expired row is no session', async (t) => {
      const { build, tables, sql } = await prepare(t, ['express-session', 'drop-in']);
      const row = async (table: string, id: string | undefined) => {
        const [rows] = await sql.query(`SELECT expires, data FROM \`${table}\` WHERE session_id = ?`, [id]);
        return (rows as Array<{ expires: number; data: string }>)[0];
      };
      await sideBySide(t, createApp, build, async (app, impl) => {
        const table = tables[impl.name]!;
        const client = app.client();
        const created = await client.request('/write');
        const id = idOf(setCookieFor(created.setCookies));
        const stored = await row(table, id);
        const storedData = stored === undefined ? undefined : (JSON.parse(stored.data) as Record<string, unknown>);
        // Move the expiry back ten minutes, then an unmodified request: the touch moves it on.
        await sql.query(`UPDATE \`${table}\` SET expires = expires - 600 WHERE session_id = ?`, [id]);
        const movedBack = (await row(table, id))?.expires ?? 0;
        const read = await client.request('/read');
        const touched = (await row(table, id))?.expires ?? 0;
        // Past its expiry: the store says no session.
        await sql.query(`UPDATE \`${table}\` SET expires = ? WHERE session_id = ?`, [Math.floor(Date.now() / 1000) - 10, id]);
        const expired = await client.request('/read');
        // A live one again, then logout.
        const fresh = app.client();
        const second = await fresh.request('/write');
        const secondId = idOf(setCookieFor(second.setCookies));
        const logout = await fresh.request('/logout');
        const afterLogout = await fresh.request('/read');
        return {
          created: created.body,
          storedViews: storedData?.views,
          storedCookie: typeof storedData?.cookie === 'object',
          read: `${read.status} ${read.body}`,
          readSentCookie: read.setCookies.length > 0,
          touchedForward: touched - movedBack >= 590,
          expired: `${expired.status} ${expired.body}`,
          logout: `${logout.status} ${logout.body}`,
          rowAfterLogout: (await row(table, secondId)) ?? null,
          afterLogout: afterLogout.body,
        };
      }, {
        expected: {
          created: '{"views":1}',
          storedViews: 1,
          storedCookie: true,
          read: '200 {"views":1}',
          readSentCookie: false,
          touchedForward: true,
          expired: '200 {"views":null}',
          logout: '200 bye',
          rowAfterLogout: null,
          afterLogout: '{"views":null}',
        },
      });
    });

    it('with the express-session defaults and rolling: every visitor stored, a cookie on every response, the expiry moved on', async (t) => {
      const { build, tables, sql } = await prepare(t, ['express-session', 'drop-in'], { resave: true, saveUninitialized: true, rolling: true });
      await sideBySide(t, createApp, build, async (app, impl) => {
        const table = tables[impl.name]!;
        const count = async () => ((await sql.query(`SELECT COUNT(*) AS n FROM \`${table}\``))[0] as Array<{ n: number }>)[0]!.n;
        for (let i = 0; i < 3; i++) await app.client().request('/read');
        const visitors = await count();
        const client = app.client();
        const first = await client.request('/read');
        const id = idOf(setCookieFor(first.setCookies));
        await sql.query(`UPDATE \`${table}\` SET expires = expires - 600 WHERE session_id = ?`, [id]);
        const [before] = (await sql.query(`SELECT expires FROM \`${table}\` WHERE session_id = ?`, [id]))[0] as Array<{ expires: number }>;
        const second = await client.request('/read');
        const [after] = (await sql.query(`SELECT expires FROM \`${table}\` WHERE session_id = ?`, [id]))[0] as Array<{ expires: number }>;
        return {
          visitors,
          firstCookie: first.setCookies.length,
          secondCookie: second.setCookies.length,
          sameId: idOf(setCookieFor(second.setCookies)) === id,
          movedOn: (after?.expires ?? 0) - (before?.expires ?? 0) >= 590,
          total: await count(),
        };
      }, { expected: { visitors: 3, firstCookie: 1, secondCookie: 1, sameId: true, movedOn: true, total: 4 } });
    });
  });
});
