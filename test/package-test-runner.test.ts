// `npm test` leaves nothing running that it started: scripts/test.mjs stops a Redis Cluster the
// tests started, and leaves alone one that was running before (CI's .ci/run starts its own).
// Uses its own ports (7100-7102) and dir, so the suite's cluster on 7000-7002 is never touched.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { root } from './types/consumer-project.js';

const hasRedis = spawnSync('bash', ['-c', 'command -v redis-server && command -v redis-cli']).status === 0;
const dir = mkdtempSync(join(tmpdir(), 'tessera-runner-cluster-'));
const env: NodeJS.ProcessEnv = {
  ...process.env,
  TESSERA_REDIS_CLUSTER_PORTS: '7100 7101 7102',
  TESSERA_REDIS_CLUSTER_DIR: join(dir, 'cluster'),
  TESSERA_CLUSTER_PROBE: '1',
  NODE_OPTIONS: '',
};
delete env.NODE_TEST_CONTEXT;
const script = join(root, 'scripts/redis-cluster.sh');
const up = (): boolean => spawnSync('bash', [script, 'status'], { env }).status === 0;
const runner = (): number | null =>
  spawnSync(process.execPath, [join(root, 'scripts/test.mjs'), 'test/package-cluster-probe.test.ts'], { cwd: root, env, stdio: 'ignore', timeout: 180_000 }).status;

after(() => {
  execFileSync('bash', [script, 'stop'], { env, stdio: 'ignore' });
  rmSync(dir, { recursive: true, force: true });
});

describe('scripts/test.mjs and the Redis Cluster', { skip: !hasRedis && 'redis-server is not installed' }, () => {
  it('stops a cluster the tests started', () => {
    assert.equal(up(), false, 'ports 7100-7102 are already in use');
    assert.equal(runner(), 0);
    assert.equal(up(), false, 'the cluster the tests started is still running');
  });

  it('reuses and keeps a cluster that was running before', () => {
    execFileSync('bash', [script, 'start'], { env, stdio: 'ignore', timeout: 120_000 });
    assert.equal(up(), true);
    assert.equal(runner(), 0);
    assert.equal(up(), true, 'a cluster running before the tests was stopped');
  });
});
