/**
 * `tessera/redis`: the Redis / Valkey session store, standalone or Cluster, on the node-redis
 * or ioredis client the application passes in. Importing it loads neither driver.
 *
 * @module
 */
export { RedisStore, type RedisStoreOptions } from './redis-store.js';
export type { IoRedisClientLike, NodeRedisClientLike, RedisClientLike } from './client-adapter.js';
