// The store conformance suite on a standalone Redis, through node-redis and through ioredis.
import { registerConformance } from '../../../test/helpers/redis-conformance.js';

await registerConformance('node-redis');
await registerConformance('ioredis');
