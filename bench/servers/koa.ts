/**
 * Koa 3 contenders: koa-session with an external store (its `store` option, written here in a
 * few lines as a user would) in memory (s) and on Redis (u), against `tessera/koa` on MemoryStore
 * (t) and RedisStore (v).
 *
 * The peer gets the settings the Tessera side has: cookie `sid`, `maxAge` 30 min, `httpOnly`,
 * `SameSite=Lax`, signed (its default: a second `sid.sig` cookie, HMAC by `app.keys`),
 * `rolling: false`, `renew: false`. It saves a session only when its data changed (a hash of the
 * JSON), as Tessera does. Its stores keep JSON strings (what a Redis store must do; the Map does
 * the same so the memory pair compares equal work) with the expiry koa-session asks for.
 *
 * @module
 */
import { createServer, type Server } from 'node:http';
import Koa, { type Middleware } from 'koa';
import { listening, type Factory, type ServerBuilt } from './built.js';
import { connect, deletePrefix } from './redis.js';
import { createRoutes, routeOf, type BenchData } from './routes.js';
import { tesseraMemory, tesseraRedis, type TesseraSetup } from './tessera.js';
import { importAs, importTessera } from './untyped.js';
import { MAX_AGE, SECRET } from '../session-data.js';

/** A Koa app with the session middleware (built for this app) in front of the four routes. */
function koaServer(session: (app: Koa) => Middleware, cleanup: () => Promise<void>): ServerBuilt {
  const app = new Koa();
  app.keys = [SECRET];
  app.use(session(app));
  const steps = createRoutes();
  app.use((ctx) => {
    const key = routeOf(ctx.method, ctx.url);
    if (!key) return; // Koa answers 404
    const answer = steps[key]((ctx as unknown as { session: BenchData }).session, ctx.url);
    ctx.status = answer.status;
    ctx.type = 'text/plain; charset=utf-8';
    ctx.body = answer.body;
  });
  return {
    start: (): Promise<Server> => listening(createServer(app.callback()).listen(0, '127.0.0.1')),
    close: cleanup,
  };
}

/** koa-session's external store contract (`store` option): promise-returning get/set/destroy. */
interface KoaExternalStore {
  get(key: string): Promise<object | undefined>;
  set(key: string, session: object, maxAge: number): Promise<void>;
  destroy(key: string): Promise<void>;
}

type KoaSessionModule = { default: (options: object, app: Koa) => Middleware };

async function peer(store: KoaExternalStore, cleanup: () => Promise<void>): Promise<ServerBuilt> {
  const { default: koaSession } = await importAs<KoaSessionModule>('koa-session');
  const options = { key: 'sid', maxAge: MAX_AGE, httpOnly: true, sameSite: 'lax', signed: true, rolling: false, renew: false, store };
  return koaServer((app) => koaSession(options, app), cleanup);
}

/** A Map of JSON strings with their expiry: the smallest honest in-memory external store. */
function mapStore(): KoaExternalStore {
  const map = new Map<string, { json: string; expiresAt: number }>();
  return {
    get: async (key) => {
      const entry = map.get(key);
      if (!entry) return undefined;
      if (entry.expiresAt <= Date.now()) {
        map.delete(key);
        return undefined;
      }
      return JSON.parse(entry.json) as object;
    },
    set: async (key, session, maxAge) => {
      map.set(key, { json: JSON.stringify(session), expiresAt: Date.now() + maxAge });
    },
    destroy: async (key) => {
      map.delete(key);
    },
  };
}

export const koaPeerMemory: Factory = () => peer(mapStore(), async () => {});

export const koaPeerRedis: Factory = async (tag) => {
  const client = await connect();
  const prefix = `bench:${tag}:`;
  const store: KoaExternalStore = {
    get: async (key) => {
      const json = await client.get(prefix + key);
      return json === null ? undefined : (JSON.parse(json) as object);
    },
    set: async (key, session, maxAge) => {
      await client.set(prefix + key, JSON.stringify(session), { expiration: { type: 'PX', value: maxAge } });
    },
    destroy: async (key) => {
      await client.del(prefix + key);
    },
  };
  return peer(store, async () => {
    await deletePrefix(client, prefix);
    await client.quit();
  });
};

type TesseraKoaModule = { session: (manager: TesseraSetup['manager']) => Middleware };

async function tessera(setup: TesseraSetup): Promise<ServerBuilt> {
  const { session } = await importTessera<TesseraKoaModule>('adapters/koa/index.js');
  return koaServer(() => session(setup.manager), () => setup.close());
}

export const koaTesseraMemory: Factory = async () => tessera(await tesseraMemory());
export const koaTesseraRedis: Factory = async (tag) => tessera(await tesseraRedis(tag));
