// Runs every *.test.ts under src/ and test/ with node's own test runner (TypeScript through tsx).
// Node 20's `--test` does not expand globs, so the files are listed here.
//
// The Redis Cluster tests start a three-node cluster on ports 7000-7002 when none is running
// (test/helpers/redis-cluster.ts). This runner stops it afterwards if it was not running before
// the run: what the tests started is stopped, one that was already running (as .ci/run starts
// its own, and stops it on exit) is reused and left alone.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

function find(dir, out = []) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) find(path, out);
    else if (name.endsWith('.test.ts')) out.push(path);
  }
  return out;
}

const clusterScript = join(import.meta.dirname ?? new URL('.', import.meta.url).pathname, 'redis-cluster.sh');
/** 'ok' (every node in cluster_state:ok), 'partial' (some node answers) or 'down'. */
function clusterState() {
  const status = spawnSync('bash', [clusterScript, 'status'], { encoding: 'utf8' });
  if (status.error !== undefined) return 'down';
  if (status.status === 0) return 'ok';
  return /(cluster_state:ok|up, cluster not ok)/.test(status.stdout ?? '') ? 'partial' : 'down';
}

const filter = process.argv.slice(2);
let files = [...find('src'), ...find('test')].sort();
if (filter.length > 0) files = files.filter((f) => filter.some((p) => f.includes(p)));

const clusterBefore = clusterState();
// Ctrl-C reaches the test runner too; this process stays to clean up after it.
process.on('SIGINT', () => {});
process.on('SIGTERM', () => {});
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-concurrency=2', '--test-reporter=spec', ...files],
  { stdio: 'inherit' },
);
if (clusterBefore === 'down' && clusterState() !== 'down') {
  const stop = spawnSync('bash', [clusterScript, 'stop'], { encoding: 'utf8' });
  console.log(stop.status === 0 ? 'Stopped the Redis Cluster the tests started (ports 7000-7002).' : `Could not stop the Redis Cluster: ${stop.stderr}`);
}
process.exit(result.status ?? 1);
