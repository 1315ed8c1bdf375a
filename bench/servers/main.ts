/**
 * One benchmark server process: `node --import tsx bench/servers/main.ts <contender-id>`.
 * Listens on a free port of 127.0.0.1, prints `READY <port>` once it serves, and on SIGTERM or
 * SIGINT closes its store and removes what it created (keys, tables, files) before exiting.
 *
 * @module
 */
import type { AddressInfo } from 'node:net';
import { createApp } from './app.js';
import type { Factory } from './built.js';

const FACTORIES: Record<string, () => Promise<Factory>> = {
  none: async () => (await import('./memory.js')).none,
  'es-memory': async () => (await import('./memory.js')).esMemory,
  'ts-memory': async () => (await import('./memory.js')).tsMemory,
  'native-memory': async () => (await import('./memory.js')).nativeMemory,
  'native-memory-secure': async () => (await import('./memory.js')).nativeMemorySecure,
  'native-memory-plain': async () => (await import('./memory.js')).nativeMemoryPlain,
  'es-sqlite': async () => (await import('./sqlite.js')).esSqlite,
  'ts-sqlite': async () => (await import('./sqlite.js')).tsSqlite,
  'es-redis': async () => (await import('./redis.js')).esRedis,
  'ts-redis': async () => (await import('./redis.js')).tsRedis,
  'native-redis-cache': async () => (await import('./native-redis.js')).nativeRedisCache,
  'native-redis-nocache': async () => (await import('./native-redis.js')).nativeRedisNoCache,
  'es-postgres': async () => (await import('./postgres.js')).esPostgres,
  'ts-postgres': async () => (await import('./postgres.js')).tsPostgres,
};

async function main(): Promise<void> {
  const id = process.argv[2] ?? '';
  const load = FACTORIES[id];
  if (!load) throw new Error(`unknown contender "${id}"; one of ${Object.keys(FACTORIES).join(', ')}`);
  const tag = `${id.replace(/-/g, '_')}_${process.pid}`;
  const built = await (await load())(tag);
  const server = createApp(built.middleware).listen(0, '127.0.0.1');
  await new Promise<void>((resolve, reject) => server.once('listening', resolve).once('error', reject));
  server.keepAliveTimeout = 60_000;

  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    server.close();
    server.closeAllConnections();
    built.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(`cleanup of ${id} failed:`, error);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  // stdin closing means the orchestrator is gone: clean up rather than linger.
  process.stdin.on('end', stop).resume();
  process.stdout.write(`READY ${(server.address() as AddressInfo).port}\n`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
