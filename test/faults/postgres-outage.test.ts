// A PostgreSQL outage over real HTTP (native Express): the store's pool pointed at a port that
// refuses connections (a gate in front of the test server, closed and reopened), and the
// store's backends terminated mid-run (pg_terminate_backend on this file's application_name).
// No request waits past the store's timeout; once the outage is known errors come back within
// 100 ms; 'fail' answers 503, 'anonymous' 200 with a fresh session; then service recovers and
// the session acknowledged before the outage is still there.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { PostgresStore } from '../../src/stores/postgres/index.js';
import { postgresAvailable, postgresUrl, skipUnless, uniqueName } from '../helpers/services.js';
import { assertFast, body, until, outageApps, sameBrowser, timed, type OutageApps } from './outage-apps.js';
import { TcpGate } from './tcp-gate.js';

const TIMEOUT = 500;
const SLACK = 300;
const FAST = 100;

const available = await postgresAvailable();


describe('a PostgreSQL outage over HTTP', skipUnless(available, 'PostgreSQL'), () => {
  const schema = uniqueName();
  const applicationName = uniqueName('tessera_faults');
  const target = new URL(postgresUrl);
  let admin: pg.Pool;
  let gate: TcpGate;
  let pool: pg.Pool;
  let apps: OutageApps;

  before(async () => {
    admin = new pg.Pool({ connectionString: postgresUrl, max: 2 });
    await admin.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
    gate = await TcpGate.open(Number(target.port || 5432));
    const url = new URL(postgresUrl);
    url.hostname = '127.0.0.1';
    url.port = String(gate.port);
    pool = new pg.Pool({ connectionString: url.href, max: 4, application_name: applicationName, connectionTimeoutMillis: TIMEOUT });
    // An idle client whose connection dies is reported here; without a listener it would crash the process.
    pool.on('error', () => undefined);
    apps = await outageApps(new PostgresStore({ pool, schema, timeout: TIMEOUT, pruneInterval: 0 }));
  });
  after(async () => {
    await apps?.close();
    await pool?.end();
    await gate?.close();
    await admin?.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await admin?.end();
  });

  it('a refused port: 503 / a fresh session within 100 ms once known; reopened: the session saved before is back', async () => {
    const browser = apps.fail.client();
    assert.equal((await browser.request('/write?n=1', { method: 'POST' })).status, 200);
    const anonymous = sameBrowser(apps.anonymous, browser);
    await gate.close();

    const first = await timed(browser, '/read');
    assert.equal(first.status, 503);
    assert.ok(first.ms < TIMEOUT + SLACK, `the first failure in ${first.ms.toFixed(0)} ms`);
    const failed = [];
    for (let i = 0; i < 10; i++) {
      const res = await timed(browser, '/read');
      assert.equal(res.status, 503);
      assert.match(res.body, /session store get not attempted/);
      failed.push(res.ms);
    }
    assertFast('503 once the refusal is known', failed, FAST, TIMEOUT);
    const seen = [];
    for (let i = 0; i < 6; i++) seen.push(await timed(anonymous, '/read'));
    for (const res of seen) {
      assert.deepEqual([res.status, body(res.body), res.setCookies], [200, { n: null, degraded: true }, []]);
      assert.ok(res.ms < TIMEOUT + SLACK, `200 in ${res.ms.toFixed(0)} ms`);
    }
    assertFast('200 (degraded) once the refusal is known', seen.slice(1).map((r) => r.ms), FAST, TIMEOUT);
    assert.equal(apps.anonymous.degraded.length, 6);

    await gate.reopen();
    // The pool learns it can connect only by trying: the breaker lets one trial through per cool-down.
    await until('the fail app serves again', async () => (await browser.request('/read')).status === 200, 5000);
    assert.deepEqual(body((await browser.request('/read')).body), { n: 1, degraded: false });
    assert.deepEqual(body((await anonymous.request('/read')).body), { n: 1, degraded: false });
    assert.equal((await browser.request('/write?n=2', { method: 'POST' })).status, 200);
    assert.deepEqual(body((await anonymous.request('/read')).body), { n: 2, degraded: false });
    assert.deepEqual(apps.fail.circuit.slice(-1), ['closed']);
  });

  it('backends terminated mid-run: every request is answered within the timeout, and sessions keep working', async () => {
    const browser = apps.fail.client();
    assert.equal((await browser.request('/write?n=3', { method: 'POST' })).status, 200);
    let stop = false;
    const answered: { status: number; ms: number }[] = [];
    const load = Array.from({ length: 4 }, async () => {
      const client = sameBrowser(apps.fail, browser);
      while (!stop) {
        const res = await timed(client, '/read');
        answered.push({ status: res.status, ms: res.ms });
      }
    });
    let terminated = 0;
    for (let round = 0; round < 8; round++) {
      await sleep(60);
      const { rows } = await admin.query<{ pid: number }>(
        'SELECT pg_terminate_backend(pid) AS pid FROM pg_stat_activity WHERE application_name = $1 AND datname = current_database()',
        [applicationName],
      );
      terminated += rows.length;
    }
    stop = true;
    await Promise.all(load);
    assert.ok(terminated > 0, 'backends were terminated');
    assert.ok(answered.length >= 8, `${answered.length} requests during the run`);
    // PostgresStore sends a statement whose connection was lost once more, on a fresh connection.
    assert.ok(answered.some((r) => r.status === 200), 'requests succeeded between and despite the terminations');
    assert.ok(answered.every((r) => r.status === 200 || r.status === 503), `statuses ${[...new Set(answered.map((r) => r.status))].join(', ')}`);
    const slowest = Math.max(...answered.map((r) => r.ms));
    assert.ok(slowest < TIMEOUT + SLACK, `slowest request ${slowest.toFixed(0)} ms`);
    await until('the fail app serves again', async () => (await browser.request('/read')).status === 200, 5000);
    assert.deepEqual(body((await browser.request('/read')).body), { n: 3, degraded: false });
  });
});
