/**
 * A private three-node Redis Cluster a test starts on spare ports (data and bus ports both
 * picked by the OS), so it can kill, pause and restart its nodes; never the shared cluster on
 * 7000-7002, which other test files use at the same time. Masters only, each writing an
 * append-only file fsynced per write, so a killed node restarts with what it acknowledged.
 *
 * @module
 */
import { execFile, spawnSync } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { PrivateRedis, rawCommand, sparePort } from './redis-server.js';

/** True when `redis-cli` (which forms the cluster) is on the PATH. */
export function redisCliInstalled(): boolean {
  return spawnSync('redis-cli', ['--version'], { stdio: 'ignore' }).status === 0;
}

/** A private cluster; `stop()` kills every node and removes its files. */
export class PrivateCluster {
  readonly nodes: readonly PrivateRedis[];

  private constructor(nodes: readonly PrivateRedis[]) {
    this.nodes = nodes;
  }

  /**
   * Starts `size` nodes with a `nodeTimeout` (ms: how long before the others count a silent
   * node as failed), joins them (`redis-cli --cluster create`, slots split evenly) and resolves
   * once every node reports `cluster_state:ok`.
   */
  static async start(size = 3, nodeTimeout = 1000): Promise<PrivateCluster> {
    const ports = new Set<number>();
    while (ports.size < size * 2) ports.add(await sparePort());
    const [data, bus] = [[...ports].slice(0, size), [...ports].slice(size)];
    const nodes = data.map((port, i) => new PrivateRedis(port, { persist: true, cluster: { nodeTimeout, busPort: bus[i] as number } }));
    const cluster = new PrivateCluster(nodes);
    try {
      await Promise.all(nodes.map((node) => node.start()));
      await new Promise<void>((resolve, reject) => {
        const args = ['--cluster', 'create', ...data.map((p) => `127.0.0.1:${p}`), '--cluster-replicas', '0', '--cluster-yes'];
        execFile('redis-cli', args, { timeout: 30_000 }, (error, stdout) => (error ? reject(new Error(`redis-cli --cluster create failed: ${stdout}`)) : resolve()));
      });
      await cluster.waitUntilOk();
    } catch (error) {
      await cluster.stop();
      throw error;
    }
    return cluster;
  }

  /** `{ host, port }` of every node (a client's root nodes). */
  get addresses(): { host: string; port: number }[] {
    return this.nodes.map((n) => ({ host: '127.0.0.1', port: n.port }));
  }

  /** Whether every node answers and reports `cluster_state:ok`. */
  async ok(): Promise<boolean> {
    const infos = await Promise.all(this.nodes.map((n) => rawCommand(n.port, 'CLUSTER INFO', 300)));
    return infos.every((info) => info.includes('cluster_state:ok'));
  }

  /** Resolves once every node reports `cluster_state:ok` (a restarted node rejoins from its nodes.conf). */
  async waitUntilOk(ms = 20_000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!(await this.ok())) {
      if (Date.now() > deadline) throw new Error('the private Redis Cluster did not reach cluster_state:ok');
      await sleep(50);
    }
  }

  /** Kills every node and removes their directories. */
  async stop(): Promise<void> {
    await Promise.all(this.nodes.map((n) => n.stop()));
  }
}
