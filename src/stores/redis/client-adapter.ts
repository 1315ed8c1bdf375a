/**
 * Recognises the Redis client the application passed in (node-redis or ioredis, standalone or
 * Cluster) by duck typing and reduces it to one function: send a raw command routed by its key.
 * Nothing is imported from `redis` or `ioredis` at runtime, so `tessera/redis` loads without
 * either installed.
 *
 * @module
 */

/**
 * A node-redis (v5+) client, client pool or cluster: anything with node-redis's `sendCommand`.
 * `createClient()`, `createClientPool()` and `createCluster()` results all fit.
 */
export interface NodeRedisClientLike {
  sendCommand(...args: never[]): Promise<unknown>;
}

/** An ioredis (v5+) `Redis` or `Cluster` instance: anything with ioredis's `call` and `isCluster`. */
export interface IoRedisClientLike {
  call(...args: never[]): Promise<unknown>;
  readonly isCluster: boolean;
}

/** Any Redis (or Valkey) client `RedisStore` accepts: node-redis or ioredis, standalone or Cluster. */
export type RedisClientLike = NodeRedisClientLike | IoRedisClientLike;

/** Sends one command (name first, all arguments as strings) to the node that owns `key`'s slot. */
export type SendCommand = (key: string, args: readonly string[]) => Promise<unknown>;

/** The client reduced to what the store needs. */
export interface RedisConnection {
  /** Which driver the client is, for error messages and tests. */
  readonly driver: 'node-redis' | 'ioredis';
  /** True for a Redis Cluster client (node-redis `createCluster`, ioredis `Cluster`). */
  readonly cluster: boolean;
  readonly send: SendCommand;
  /**
   * What the client knows of its connection: node-redis `isReady`, ioredis `status === 'ready'`.
   * `true` when the client exposes neither (a node-redis cluster or pool), so nothing is refused
   * on a guess.
   */
  readonly ready: () => boolean;
}

type AnyFunction = (...args: unknown[]) => unknown;
const isFunction = (value: unknown): value is AnyFunction => typeof value === 'function';

/**
 * Adapts the user's client. Throws a `TypeError` naming the `client` option when it is missing
 * or not a client this store can drive. The client is used as is: never connected, duplicated
 * or closed here.
 */
export function adaptClient(client: unknown): RedisConnection {
  if (client === undefined || client === null) {
    throw new TypeError(
      'RedisStore: `client` is required: pass a connected node-redis client/cluster (createClient, createCluster) or an ioredis Redis/Cluster',
    );
  }
  const c = client as Record<string, unknown>;
  // ioredis: `call` routes by the command's key positions, on both Redis and Cluster.
  if (isFunction(c['call']) && typeof c['isCluster'] === 'boolean') {
    const call = c['call'] as (command: string, ...args: string[]) => Promise<unknown>;
    return {
      driver: 'ioredis',
      cluster: c['isCluster'],
      send: (_key, args) => call.call(client, args[0] as string, ...args.slice(1)),
      ready: () => typeof c['status'] !== 'string' || c['status'] === 'ready',
    };
  }
  if (isFunction(c['sendCommand'])) {
    // node-redis cluster: sendCommand(firstKey, isReadonly, args). Reads go to the master too,
    // so a session written a moment ago is never read stale from a replica.
    if (isFunction(c['getSlotMaster'])) {
      const sendCommand = c['sendCommand'] as (key: string, readonly: boolean, args: string[]) => Promise<unknown>;
      return { driver: 'node-redis', cluster: true, send: (key, args) => sendCommand.call(client, key, false, [...args]), ready: () => nodeRedisReady(c) };
    }
    // node-redis sentinel's sendCommand(isReadonly, args) takes other arguments; refuse it
    // clearly rather than send garbage.
    if (isFunction(c['getSentinelNode'])) {
      throw new TypeError(
        'RedisStore: `client` is a node-redis sentinel (createSentinel), which is not supported yet: pass its master client or an ioredis client with `sentinels`',
      );
    }
    const sendCommand = c['sendCommand'] as (args: string[]) => Promise<unknown>;
    return { driver: 'node-redis', cluster: false, send: (_key, args) => sendCommand.call(client, [...args]), ready: () => nodeRedisReady(c) };
  }
  throw new TypeError(
    'RedisStore: `client` must be a node-redis client/cluster (createClient, createCluster) or an ioredis Redis/Cluster instance',
  );
}

/** node-redis's `isReady` (a client's socket is connected and past its handshake); `true` when absent. */
function nodeRedisReady(client: Record<string, unknown>): boolean {
  return client['isReady'] !== false;
}

/**
 * A bulk-string reply as a JavaScript string. Clients configured to return Buffers (node-redis
 * type mapping, ioredis `*Buffer` calls) are decoded as UTF-8, the encoding values were written in.
 */
export function replyString(reply: unknown): string | undefined {
  if (typeof reply === 'string') return reply;
  if (reply instanceof Uint8Array) return Buffer.from(reply.buffer, reply.byteOffset, reply.byteLength).toString('utf8');
  return undefined;
}

/** An integer reply as a number (RESP2 and RESP3 clients both reply with numbers). */
export function replyNumber(reply: unknown): number {
  if (typeof reply === 'number') return reply;
  if (typeof reply === 'bigint' || typeof reply === 'string') return Number(reply);
  return Number.NaN;
}
