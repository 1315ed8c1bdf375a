// Third-party stores are not timed out by default (express-session waits as long as a store
// takes); the `storeTimeout` option sets a deadline on every store call.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { describe, it } from 'node:test';
import type { Express } from 'express';
import session from '../../src/adapters/express-session/index.js';
import { expressVersions } from '../helpers/express-apps.js';
import { reachable, skipUnless } from '../helpers/services.js';
import { CountingStore, data, eachExpress, SECRET, start } from './helpers.js';

const require = createRequire(import.meta.url);
const mariadb = { host: '127.0.0.1', port: 3306, user: 'root', password: '', database: 'test' };

/** A callback store whose `get` answers after `delay` ms, or when `release()` is called. */
class SlowStore extends CountingStore {
  delay = Number.POSITIVE_INFINITY;
  readonly #waiting: Array<() => void> = [];
  gets = 0;

  override get(sid: string, callback: (err: any, session?: any) => void): void {
    this.gets++;
    const answer = () => super.get(sid, callback);
    if (Number.isFinite(this.delay)) setTimeout(answer, this.delay);
    else this.#waiting.push(answer);
  }

  release(): void {
    for (const answer of this.#waiting.splice(0)) answer();
  }
}

const routes = (app: Express) => {
  app.get('/write', (req, res) => {
    data(req).n = 1;
    res.send('written');
  });
  app.get('/read', (req, res) => res.send(String(data(req).n ?? 'none')));
};

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setImmediate(resolve));
}

eachExpress((express) => {
  it('by default a store call has no deadline: still waiting after a (mocked) minute, then 200', async (t) => {
    const store = new SlowStore();
    const app = await start(t, express, { secret: SECRET, store }, routes);
    const client = app.client();
    store.delay = 0;
    await client.request('/write');
    store.delay = Number.POSITIVE_INFINITY;
    store.gets = 0;
    let settled = false;
    // Only setTimeout is mocked: a deadline armed for the store call is fake, and ticking past it
    // fires it (the old default was 5 s; fetch's own timers are minutes long).
    t.mock.timers.enable({ apis: ['setTimeout'] });
    const pending = client.request('/read').finally(() => {
      settled = true;
    });
    await until(() => store.gets === 1);
    t.mock.timers.tick(60_000);
    for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
    assert.equal(settled, false, 'the request must still be waiting for the store');
    t.mock.timers.reset();
    store.release();
    const res = await pending;
    assert.deepEqual([res.status, res.body], [200, '1']);
  });

  it('storeTimeout: a store slower than it is a 500 with ERR_STORE_TIMEOUT; a faster one is 200', async (t) => {
    let failure: unknown;
    const slow = new SlowStore();
    const app = await start(t, express, { secret: SECRET, store: slow, storeTimeout: 100 }, (a) => {
      routes(a);
      a.use((err: Error, _req: unknown, _res: unknown, next: (e: unknown) => void) => {
        failure = err;
        next(err);
      });
    });
    const client = app.client();
    slow.delay = 0;
    await client.request('/write');
    slow.delay = 300;
    const late = await client.request('/read');
    assert.equal(late.status, 500);
    assert.equal((failure as { code?: unknown }).code, 'ERR_STORE_TIMEOUT');
    slow.delay = 20;
    const inTime = await client.request('/read');
    assert.deepEqual([inTime.status, inTime.body], [200, '1']);
  });

  it('storeTimeout must be a positive number of milliseconds', () => {
    for (const bad of [0, -1, Number.NaN, Number.POSITIVE_INFINITY, '100', null]) {
      assert.throws(() => session({ secret: SECRET, storeTimeout: bad as number }), (e: unknown) => e instanceof TypeError && /storeTimeout/.test((e as Error).message));
    }
    assert.doesNotThrow(() => session({ secret: SECRET, storeTimeout: 1500 }));
  });
});

// A real third-party store behind a locked table: express-mysql-session on MariaDB, its
// `sessions` table write-locked by another connection for LOCK_MS.
const LOCK_MS = 1500;
describe('express-mysql-session, table locked', skipUnless(await reachable('mysql://127.0.0.1:3306', 3306), 'MariaDB'), () => {
  const express = expressVersions[0]!.express;
  const mysql = require('mysql2/promise') as typeof import('mysql2/promise');
  const MySQLStoreFactory = require('express-mysql-session') as (s: unknown) => new (options: object) => {
    onReady(): Promise<void>;
    close(): Promise<void>;
  };

  async function lockedRun(t: import('node:test').TestContext, storeTimeout: number | undefined): Promise<{ status: number; ms: number }> {
    const tableName = `sessions_timeout_${randomBytes(4).toString('hex')}`;
    const MySQLStore = MySQLStoreFactory(session);
    const store = new MySQLStore({ ...mariadb, clearExpired: false, schema: { tableName } });
    await store.onReady();
    const locker = await mysql.createConnection(mariadb);
    t.after(async () => {
      await locker.query('UNLOCK TABLES').catch(() => undefined);
      await locker.query(`DROP TABLE IF EXISTS \`${tableName}\``);
      await locker.end();
      await store.close();
    });
    const options = storeTimeout === undefined ? { secret: SECRET, store: store as never } : { secret: SECRET, store: store as never, storeTimeout };
    const app = await start(t, express, options, routes);
    const client = app.client();
    assert.equal((await client.request('/write')).status, 200);
    await locker.query(`LOCK TABLES \`${tableName}\` WRITE`);
    const unlock = setTimeout(() => void locker.query('UNLOCK TABLES'), LOCK_MS);
    t.after(() => clearTimeout(unlock));
    const started = Date.now();
    const res = await client.request('/read');
    return { status: res.status, ms: Date.now() - started };
  }

  it('without storeTimeout the request waits for the lock, as under express-session: 200', async (t) => {
    const { status, ms } = await lockedRun(t, undefined);
    assert.equal(status, 200);
    assert.ok(ms >= LOCK_MS - 100, `answered after ${ms} ms, before the lock was released`);
  });

  it('with storeTimeout below the lock: 500 after about storeTimeout', async (t) => {
    const { status, ms } = await lockedRun(t, 500);
    assert.equal(status, 500);
    assert.ok(ms < LOCK_MS, `answered after ${ms} ms`);
  });
});
