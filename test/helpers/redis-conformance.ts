/**
 * Registers `storeConformance` for `RedisStore` on one of the four Redis setups: one shared
 * client per setup, a random key prefix per file run, and every key under it deleted afterwards.
 *
 * @module
 */
import { after } from 'node:test';
import { storeConformance } from '../../src/testing/index.js';
import { RedisStore } from '../../src/stores/redis/index.js';
import { deleteKeysWithPrefix, openSetup, setupAvailable, type RedisSetup, type RedisSetupName } from './redis-setups.js';
import { skipUnless, uniqueName } from './services.js';

/** The default `maxValueBytes` of `RedisStore` (1 MiB + 64 KiB), which the suite checks exactly. */
export const defaultMaxValueBytes = 1024 * 1024 + 64 * 1024;

/** Registers the conformance suite for `RedisStore` on the named setup (skipped, or failed under CI, when it is down). */
export async function registerConformance(name: RedisSetupName): Promise<void> {
  const available = await setupAvailable(name);
  const label = name.endsWith('cluster') ? 'Redis Cluster (127.0.0.1:7000-7002)' : 'Redis';
  const prefix = `${uniqueName()}:`;
  let setup: Promise<RedisSetup> | undefined;
  after(async () => {
    if (setup === undefined) return;
    const open = await setup;
    await deleteKeysWithPrefix(open.cluster, prefix);
    await open.close();
  });
  storeConformance(
    `RedisStore (${name})`,
    async () => {
      setup ??= openSetup(name);
      // No maxValueBytes here: the default is what the suite checks.
      return new RedisStore({ client: (await setup).client, prefix });
    },
    { skip: skipUnless(available, label).skip ?? false, maxValueBytes: defaultMaxValueBytes },
  );
}
