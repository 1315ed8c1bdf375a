/**
 * Hono 4 contenders on @hono/node-server: @hono/session with a session storage in memory (w) and
 * with its default, the data in its encrypted cookie (y), against `tessera/hono` on MemoryStore (x).
 *
 * @hono/session's settings: `duration: { absolute: 1800 }` (the cookie `maxAge` of 30 min every
 * contender has; its cookie is `sid`, `httpOnly`, `SameSite=Lax`, `path=/`, encrypted with
 * A256GCM). Its storage (w) keeps JSON strings in a Map with their expiry, as Tessera's
 * MemoryStore keeps encoded records. Its API is asynchronous: the read route calls `get()`, the
 * writing routes call `update(fn)` once (one cookie decrypt and one storage read, as a user
 * would write them), not `get()` then `update()`.
 *
 * @module
 */
import type { Server } from 'node:http';
import { serve } from '@hono/node-server';
import { Hono, type Context, type MiddlewareHandler } from 'hono';
import { listening, type Factory, type ServerBuilt } from './built.js';
import { createRoutes, type Answer, type BenchData, type RouteKey } from './routes.js';
import { tesseraMemory } from './tessera.js';
import { importAs, importTessera } from './untyped.js';
import { MAX_AGE, SECRET } from '../session-data.js';

/** How a route reaches its session: run `step` on the data, writing it back if the library needs that. */
type Run = (c: Context, key: RouteKey, step: (data: BenchData) => Answer) => Promise<Answer> | Answer;

/** A Hono app with `middleware` in front of the four routes. */
function honoServer(middleware: readonly MiddlewareHandler[], run: Run, cleanup: () => Promise<void>): ServerBuilt {
  const app = new Hono();
  for (const m of middleware) app.use(m);
  const steps = createRoutes();
  const route = (key: RouteKey) => async (c: Context) => {
    const answer = await run(c, key, (data) => steps[key](data, c.req.url));
    return c.text(answer.body, answer.status);
  };
  app.post('/login', route('login'));
  app.get('/read', route('read'));
  app.post('/modify', route('modify'));
  app.post('/create', route('create'));
  return {
    start: (): Promise<Server> => listening(serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }) as Server),
    close: cleanup,
  };
}

/** The parts of @hono/session's `c.var.session` the routes use. */
interface HonoSession {
  get(): Promise<BenchData | null>;
  update(data: (previous: BenchData | null) => BenchData): Promise<void>;
}

interface HonoSessionModule {
  useSession(options: object): MiddlewareHandler;
  useSessionStorage(storage: object): MiddlewareHandler;
}

/** @hono/session's way: `get()` to read; one `update(fn)` to write. */
const peerRun: Run = async (c, key, step) => {
  const session = c.get('session' as never) as HonoSession;
  if (key === 'read') return step((await session.get()) ?? {});
  let answer: Answer | undefined;
  await session.update((previous) => {
    const data = { ...(previous ?? {}) };
    answer = step(data);
    return data;
  });
  return answer!;
};

async function peer(storage: boolean): Promise<ServerBuilt> {
  const { useSession, useSessionStorage } = await importAs<HonoSessionModule>('@hono/session');
  const middleware = [useSession({ secret: SECRET, duration: { absolute: MAX_AGE / 1000 } })];
  if (storage) {
    const map = new Map<string, { json: string; expiresAt: number }>();
    const memory = {
      get: (sid: string) => {
        const entry = map.get(sid);
        if (!entry || entry.expiresAt <= Date.now()) return null;
        return JSON.parse(entry.json) as BenchData;
      },
      set: (sid: string, data: BenchData) => {
        map.set(sid, { json: JSON.stringify(data), expiresAt: Date.now() + MAX_AGE });
      },
      delete: (sid: string) => {
        map.delete(sid);
      },
    };
    middleware.unshift(useSessionStorage(memory));
  }
  return honoServer(middleware, peerRun, async () => {});
}

export const honoPeer: Factory = () => peer(true);
export const honoPeerCookie: Factory = () => peer(false);

type TesseraHonoModule = { session: (manager: object) => MiddlewareHandler };

export const honoTessera: Factory = async () => {
  const setup = await tesseraMemory();
  const { session } = await importTessera<TesseraHonoModule>('adapters/hono/index.js');
  // tessera/hono's session is synchronous to use: the middleware loaded it and commits it after the handler.
  const run: Run = (c, _key, step) => step(c.get('session' as never) as BenchData);
  return honoServer([session(setup.manager)], run, () => setup.close());
};
