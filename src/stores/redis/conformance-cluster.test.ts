// The store conformance suite on a Redis Cluster, through node-redis `createCluster` and ioredis `Cluster`.
import { registerConformance } from '../../../test/helpers/redis-conformance.js';

await registerConformance('node-redis cluster');
await registerConformance('ioredis cluster');
