// A stand-in for the Redis Cluster tests, used only by package-test-runner.test.ts: with
// TESSERA_CLUSTER_PROBE=1 it starts a cluster (on the ports TESSERA_REDIS_CLUSTER_PORTS names)
// the way test/helpers/redis-cluster.ts does; otherwise it does nothing.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { it } from 'node:test';
import { fileURLToPath } from 'node:url';

it('starts a Redis Cluster when asked to (probe for scripts/test.mjs)', { skip: process.env.TESSERA_CLUSTER_PROBE !== '1' && 'only run by package-test-runner.test.ts' }, () => {
  const script = fileURLToPath(new URL('../scripts/redis-cluster.sh', import.meta.url));
  execFileSync('bash', [script, 'start'], { stdio: 'ignore', timeout: 120_000 });
  assert.equal(execFileSync('bash', [script, 'status']).toString().includes('cluster_state:ok'), true);
});
