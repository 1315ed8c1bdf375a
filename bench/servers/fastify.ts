/**
 * Fastify 5 contenders: @fastify/session (+ @fastify/cookie) on its own MemoryStore (o) and on
 * connect-redis 9 (q), against `tessera/fastify` on MemoryStore (p) and RedisStore (r).
 *
 * The peer gets the settings the Tessera side has: cookie `sid`, `maxAge` 30 min, `httpOnly`,
 * `SameSite=Lax`, `secure: false` (plain HTTP here; its default `true` would send no cookie),
 * `saveUninitialized: false`, and `rolling: false` (its default `true` saves every session on
 * every request; off, an unchanged session costs it one store read, as it does Tessera).
 *
 * @module
 */
import type { Server } from 'node:http';
import Fastify, { type FastifyInstance, type FastifyPluginAsync, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Factory, ServerBuilt } from './built.js';
import { connect, deletePrefix } from './redis.js';
import { createRoutes, type BenchData, type RouteKey } from './routes.js';
import { tesseraMemory, tesseraRedis, type TesseraSetup } from './tessera.js';
import { importAs, importTessera } from './untyped.js';
import { MAX_AGE, SECRET } from '../session-data.js';

/** A plugin and its options, as `app.register` takes them. */
type Registration = [plugin: FastifyPluginAsync<Record<string, unknown>>, options: Record<string, unknown>];

/** A Fastify app with the session plugins registered in order and the four routes. */
function fastifyServer(registrations: readonly Registration[], cleanup: () => Promise<void>): ServerBuilt {
  const app: FastifyInstance = Fastify({ logger: false });
  for (const [plugin, options] of registrations) void app.register(plugin, options);
  const steps = createRoutes();
  const route = (key: RouteKey) => (request: FastifyRequest, reply: FastifyReply) => {
    const answer = steps[key]((request as unknown as { session: BenchData }).session, request.url);
    void reply.code(answer.status).type('text/plain; charset=utf-8').send(answer.body);
  };
  app.post('/login', route('login'));
  app.get('/read', route('read'));
  app.post('/modify', route('modify'));
  app.post('/create', route('create'));
  return {
    start: async (): Promise<Server> => {
      await app.listen({ port: 0, host: '127.0.0.1' });
      return app.server;
    },
    close: cleanup,
  };
}

/** A plugin package's exports. */
type PluginModule = { default?: unknown; [key: string]: unknown };

/** The default export of a plugin package, whichever way it is exported. */
function pluginOf(mod: PluginModule, named?: string): FastifyPluginAsync<Record<string, unknown>> {
  const plugin = mod.default ?? (named ? mod[named] : undefined);
  if (typeof plugin !== 'function') throw new Error(`no Fastify plugin exported${named ? ` (default or ${named})` : ''}`);
  return plugin as FastifyPluginAsync<Record<string, unknown>>;
}

async function peerPlugins(store: object | undefined): Promise<Registration[]> {
  const cookie = pluginOf(await importAs<PluginModule>('@fastify/cookie'));
  const session = pluginOf(await importAs<PluginModule>('@fastify/session'));
  const options = {
    secret: SECRET,
    cookieName: 'sid',
    cookie: { maxAge: MAX_AGE, httpOnly: true, sameSite: 'lax', secure: false, path: '/' },
    saveUninitialized: false,
    rolling: false,
    ...(store ? { store } : {}),
  };
  return [
    [cookie, {}],
    [session, options],
  ];
}

export const fastifyPeerMemory: Factory = async () => fastifyServer(await peerPlugins(undefined), async () => {});

interface ConnectRedisModule {
  RedisStore: new (options: { client: unknown; prefix: string }) => object;
}

export const fastifyPeerRedis: Factory = async (tag) => {
  const { RedisStore } = await importAs<ConnectRedisModule>('connect-redis');
  const client = await connect();
  const prefix = `bench:${tag}:`;
  return fastifyServer(await peerPlugins(new RedisStore({ client, prefix })), async () => {
    await deletePrefix(client, prefix);
    await client.quit();
  });
};

/** `tessera/fastify`'s plugin, registered with the shared manager (`{ manager }`). */
async function tessera(setup: TesseraSetup): Promise<ServerBuilt> {
  const plugin = pluginOf(await importTessera<PluginModule>('adapters/fastify/index.js'), 'tesseraSession');
  return fastifyServer([[plugin, { manager: setup.manager }]], () => setup.close());
}

export const fastifyTesseraMemory: Factory = async () => tessera(await tesseraMemory());
export const fastifyTesseraRedis: Factory = async (tag) => tessera(await tesseraRedis(tag));
