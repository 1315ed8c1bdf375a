/**
 * Reachability of the real services store tests run against (Redis, PostgreSQL), and the rule
 * for when one is down: skip with the reason on a developer machine, fail under `CI=true`, so a
 * broken CI service can never turn into a green run of skipped tests.
 *
 * @module
 */
import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';

/** Redis URL for tests (`TESSERA_TEST_REDIS_URL`, default `redis://127.0.0.1:6379`). */
export const redisUrl = process.env.TESSERA_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** PostgreSQL URL for tests (`TESSERA_TEST_POSTGRES_URL`, default the local `test` database). */
export const postgresUrl = process.env.TESSERA_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

const cache = new Map<string, Promise<boolean>>();

/** True when a TCP connection to the URL's host and port opens within `timeoutMs`. */
export function reachable(url: string, defaultPort: number, timeoutMs = 1000): Promise<boolean> {
  const { hostname, port } = new URL(url);
  const host = hostname.replace(/^\[|\]$/g, '') || '127.0.0.1';
  const key = `${host}:${port || defaultPort}`;
  let pending = cache.get(key);
  if (pending === undefined) {
    pending = new Promise<boolean>((resolve) => {
      const socket = connect({ host, port: Number(port) || defaultPort });
      const done = (ok: boolean): void => {
        socket.destroy();
        resolve(ok);
      };
      socket.setTimeout(timeoutMs, () => done(false));
      socket.once('connect', () => done(true));
      socket.once('error', () => done(false));
    });
    cache.set(key, pending);
  }
  return pending;
}

/** True when the test Redis server accepts connections. */
export function redisAvailable(): Promise<boolean> {
  return reachable(redisUrl, 6379);
}

/** True when the test PostgreSQL server accepts connections. */
export function postgresAvailable(): Promise<boolean> {
  return reachable(postgresUrl, 5432);
}

/**
 * Test options for a suite that needs `service`: `{}` when it is available, `{ skip: reason }`
 * when it is not. Under `CI=true` an unavailable service throws instead, failing the test file.
 *
 * @example
 * describe('RedisStore', skipUnless(await redisAvailable(), 'Redis'), () => { ... });
 */
export function skipUnless(available: boolean, service: string): { skip?: string } {
  if (available) return {};
  const reason = `${service} is not reachable`;
  if (process.env.CI === 'true') throw new Error(`${reason}, and CI=true makes that a failure`);
  return { skip: `${reason} (set CI=true to fail instead of skipping)` };
}

/** A random lowercase name for a per-run schema, table or key prefix, e.g. `tessera_t_1a2b3c4d5e6f`. */
export function uniqueName(prefix = 'tessera_t'): string {
  return `${prefix}_${randomBytes(6).toString('hex')}`;
}
