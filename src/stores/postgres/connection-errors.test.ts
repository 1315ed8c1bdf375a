// Which pg failures mark the server unreachable (isAvailable false) and which are a lost
// connection worth one more try. The errors below are the shapes pg and Node really produce.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import pg from 'pg';
import { isConnectFailure, isLostConnection } from './connection-errors.js';
import { sparePort } from '../../../test/helpers/redis-server.js';

const withCode = (code: string, message = code): Error => Object.assign(new Error(message), { code });

describe('isConnectFailure', () => {
  it('is true for a real refused connection (pg to a closed port)', async () => {
    const pool = new pg.Pool({ host: '127.0.0.1', port: await sparePort(), max: 1 });
    try {
      const error = await pool.query('SELECT 1').then(() => undefined, (e: unknown) => e);
      assert.ok(isConnectFailure(error), `expected a connect failure, got ${String(error)}`);
      assert.equal(isLostConnection(error), false);
    } finally {
      await pool.end();
    }
  });

  it('is true for unreachable hosts, refusing servers and the pool connect timeout; false for query errors', () => {
    for (const code of ['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ETIMEDOUT', '57P03', '08001']) assert.ok(isConnectFailure(withCode(code)), code);
    assert.ok(isConnectFailure(Object.assign(new AggregateError([withCode('ECONNREFUSED')]), {})));
    assert.ok(isConnectFailure(new Error('timeout exceeded when trying to connect')));
    for (const error of [withCode('42P01'), withCode('57P01'), withCode('23505'), new Error('boom'), null, 'ECONNREFUSED']) {
      assert.equal(isConnectFailure(error), false, String(error));
    }
  });
});

describe('isLostConnection', () => {
  it('is true for a terminated backend or a cut socket, false otherwise', () => {
    for (const error of [withCode('57P01', 'terminating connection due to administrator command'), withCode('ECONNRESET'), new Error('Connection terminated unexpectedly')]) {
      assert.ok(isLostConnection(error), String(error));
    }
    for (const error of [withCode('ECONNREFUSED'), withCode('42P01'), new Error('syntax error'), undefined]) assert.equal(isLostConnection(error), false, String(error));
  });
});
