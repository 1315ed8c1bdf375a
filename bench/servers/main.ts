/**
 * One benchmark server process: `node --import tsx bench/servers/main.ts <contender-id>`.
 * An Express contender's middleware goes in front of the shared Express app (app.ts); a
 * contender on another framework starts its own server (fastify.ts, koa.ts, hono.ts, node.ts).
 * Listens on a free port of 127.0.0.1, prints `READY <port>` once it serves, and on SIGTERM or
 * SIGINT closes its store and removes what it created (keys, tables, files) before exiting.
 *
 * @module
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp } from './app.js';
import { listening, type Built, type Factory } from './built.js';

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
  'fastify-peer-memory': async () => (await import('./fastify.js')).fastifyPeerMemory,
  'fastify-ts-memory': async () => (await import('./fastify.js')).fastifyTesseraMemory,
  'fastify-peer-redis': async () => (await import('./fastify.js')).fastifyPeerRedis,
  'fastify-ts-redis': async () => (await import('./fastify.js')).fastifyTesseraRedis,
  'koa-peer-memory': async () => (await import('./koa.js')).koaPeerMemory,
  'koa-ts-memory': async () => (await import('./koa.js')).koaTesseraMemory,
  'koa-peer-redis': async () => (await import('./koa.js')).koaPeerRedis,
  'koa-ts-redis': async () => (await import('./koa.js')).koaTesseraRedis,
  'hono-peer-cookie': async () => (await import('./hono.js')).honoPeerCookie,
  'hono-peer': async () => (await import('./hono.js')).honoPeer,
  'hono-ts': async () => (await import('./hono.js')).honoTessera,
  'node-bare': async () => (await import('./node.js')).nodeBare,
  'node-ts': async () => (await import('./node.js')).nodeTessera,
  'node-floor': async () => (await import('./node.js')).nodeFloor,
};

/** Listens on a free port of 127.0.0.1: the Express app around the middleware, or the contender's own server. */
function start(built: Built): Promise<Server> {
  if ('middleware' in built) return listening(createApp(built.middleware).listen(0, '127.0.0.1'));
  return built.start();
}

async function main(): Promise<void> {
  const id = process.argv[2] ?? '';
  const load = FACTORIES[id];
  if (!load) throw new Error(`unknown contender "${id}"; one of ${Object.keys(FACTORIES).join(', ')}`);
  const tag = `${id.replace(/-/g, '_')}_${process.pid}`;
  const built = await (await load())(tag);
  const server = await start(built);
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
