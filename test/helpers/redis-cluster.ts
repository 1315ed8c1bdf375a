/**
 * The test Redis Cluster on 127.0.0.1:7000-7002. CI starts it with `scripts/redis-cluster.sh`;
 * on a developer machine the first test file that needs it starts it through the same script
 * (when redis-server is installed), so `npm test` alone works. `scripts/test.mjs` (which
 * `npm test` runs) stops it after the run when it was not running before, so a test run leaves
 * nothing behind; a cluster that was already running (CI starts its own) is reused and kept.
 * Running a file with `node --test` directly leaves it running: `bash scripts/redis-cluster.sh stop`.
 *
 * @module
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { rawCommand } from './redis-server.js';

/** The cluster's nodes, all masters (no replicas). */
export const clusterNodes: ReadonlyArray<{ host: string; port: number }> = [7000, 7001, 7002].map((port) => ({
  host: '127.0.0.1',
  port,
}));

const script = fileURLToPath(new URL('../../scripts/redis-cluster.sh', import.meta.url));

async function clusterOk(): Promise<boolean> {
  const infos = await Promise.all(clusterNodes.map(({ port }) => rawCommand(port, 'CLUSTER INFO')));
  return infos.every((info) => info.includes('cluster_state:ok'));
}

function runScript(command: 'start'): Promise<boolean> {
  return new Promise((resolve) => {
    execFile('bash', [script, command], { timeout: 120_000 }, (error, _stdout, stderr) => {
      if (error !== null) process.stderr.write(`redis-cluster.sh ${command} failed: ${stderr}\n`);
      resolve(error === null);
    });
  });
}

let pending: Promise<boolean> | undefined;

/**
 * True when the cluster answers with `cluster_state:ok`, starting it first (via
 * `scripts/redis-cluster.sh start`) if it does not. Pair with `skipUnless` from `services.ts`.
 */
export function redisClusterAvailable(): Promise<boolean> {
  pending ??= (async () => {
    if (await clusterOk()) return true;
    if (!(await runScript('start'))) return false;
    return clusterOk();
  })();
  return pending;
}
