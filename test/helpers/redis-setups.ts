/**
 * The four Redis setups the RedisStore tests run against - node-redis and ioredis, each
 * standalone (the shared server, `services.ts`) and on the test Cluster (`redis-cluster.ts`) -
 * opened on demand, plus deletion of every key under a test's prefix afterwards.
 *
 * @module
 */
import { Cluster, Redis } from 'ioredis';
import { createClient, createCluster } from 'redis';
import type { RedisClientLike } from '../../src/stores/redis/index.js';
import { redisClusterAvailable, clusterNodes } from './redis-cluster.js';
import { redisAvailable, redisUrl } from './services.js';

/** Names of the setups, as test titles show them. */
export type RedisSetupName = 'node-redis' | 'ioredis' | 'node-redis cluster' | 'ioredis cluster';

/** Every setup, standalone first. */
export const redisSetupNames: readonly RedisSetupName[] = ['node-redis', 'ioredis', 'node-redis cluster', 'ioredis cluster'];

/** An open client of one setup. */
export interface RedisSetup {
  readonly name: RedisSetupName;
  readonly cluster: boolean;
  readonly client: RedisClientLike;
  /** Sends a raw command through the setup's own client (routed by `key` on a Cluster). */
  command(key: string, args: string[]): Promise<unknown>;
  /** Closes the client. */
  close(): Promise<void>;
}

/** Whether the servers a setup needs are up (starting the local test Cluster if needed). */
export function setupAvailable(name: RedisSetupName): Promise<boolean> {
  return name.endsWith('cluster') ? redisClusterAvailable() : redisAvailable();
}

const { hostname, port } = new URL(redisUrl);
const standalone = { host: hostname.replace(/^\[|\]$/g, '') || '127.0.0.1', port: Number(port) || 6379 };

/** Connects a client of the named setup (errors are logged, never thrown from an emitter). */
export async function openSetup(name: RedisSetupName): Promise<RedisSetup> {
  const logError = (error: unknown): void => {
    if (process.env.TESSERA_TEST_DEBUG) console.error(`[${name}]`, error);
  };
  switch (name) {
    case 'node-redis': {
      const client = createClient({ url: redisUrl });
      client.on('error', logError);
      await client.connect();
      return { name, cluster: false, client, command: (_key, args) => client.sendCommand(args), close: () => client.close() };
    }
    case 'node-redis cluster': {
      const client = createCluster({ rootNodes: clusterNodes.map((n) => ({ url: `redis://${n.host}:${n.port}` })) });
      client.on('error', logError);
      await client.connect();
      return { name, cluster: true, client, command: (key, args) => client.sendCommand(key, false, args), close: () => client.close() };
    }
    case 'ioredis': {
      const client = new Redis({ ...standalone, lazyConnect: true });
      client.on('error', logError);
      await client.connect();
      return {
        name,
        cluster: false,
        client,
        command: (_key, [cmd, ...args]) => client.call(cmd as string, ...args),
        close: async () => void (await client.quit()),
      };
    }
    case 'ioredis cluster': {
      const client = new Cluster([...clusterNodes], { lazyConnect: true });
      client.on('error', logError);
      await client.connect();
      return {
        name,
        cluster: true,
        client,
        command: (key, [cmd, ...args]) => client.call(cmd as string, ...args),
        close: async () => void (await client.quit()),
      };
    }
  }
}

/** Escapes Redis glob characters, so a prefix matches only itself. */
function globEscape(text: string): string {
  return text.replace(/[*?[\]\\]/g, '\\$&');
}

/**
 * Deletes every key starting with `prefix` on the standalone server or on every Cluster node
 * (each node is scanned directly, and keys are deleted one by one there, so no CROSSSLOT).
 */
export async function deleteKeysWithPrefix(cluster: boolean, prefix: string): Promise<number> {
  const nodes = cluster ? clusterNodes : [standalone];
  let deleted = 0;
  for (const node of nodes) {
    const client = new Redis({ ...node, lazyConnect: true });
    try {
      await client.connect();
      let cursor = '0';
      do {
        const [next, keys] = await client.scan(cursor, 'MATCH', `${globEscape(prefix)}*`, 'COUNT', 500);
        cursor = next;
        for (const key of keys) deleted += await client.del(key);
      } while (cursor !== '0');
    } finally {
      client.disconnect();
    }
  }
  return deleted;
}
