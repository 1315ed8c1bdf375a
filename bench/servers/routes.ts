/**
 * The four benchmark routes as framework-neutral steps over a session's data, so the Fastify,
 * Koa, Hono and node:http servers run exactly the work bench/servers/app.ts runs on Express:
 *
 * - `POST /login?u=<name>`: writes a logged-in session.
 * - `GET /read`: the user's name (401 without a valid session).
 * - `POST /modify`: increments a counter (a store write on every request).
 * - `POST /create`: no cookie; writes a cart into a brand-new session.
 *
 * Each step mutates `data` (the session, or a copy a server writes back) and returns the text
 * answer with its status.
 *
 * @module
 */
import { cartData, loggedInData, type LoggedIn } from '../session-data.js';

/** A session's data as the routes use it: every library's session object fits. */
export type BenchData = Partial<LoggedIn> & Record<string, unknown>;

/** A route's answer: a `text/plain` body and its status. */
export interface Answer {
  status: 200 | 401;
  body: string;
}

const NO_SESSION: Answer = { status: 401, body: 'no session' };
const OK: Answer = { status: 200, body: 'ok' };

/** The route names, by method and path. */
export type RouteKey = 'login' | 'read' | 'modify' | 'create';

/** Which route a request is for, from its method and path (query string ignored), or undefined. */
export function routeOf(method: string | undefined, url: string | undefined): RouteKey | undefined {
  const q = url?.indexOf('?') ?? -1;
  const path = q >= 0 ? url!.slice(0, q) : url;
  if (method === 'GET') return path === '/read' ? 'read' : undefined;
  if (method !== 'POST') return undefined;
  return path === '/login' ? 'login' : path === '/modify' ? 'modify' : path === '/create' ? 'create' : undefined;
}

/** The `u` query parameter of a login URL (`anonymous` when absent). */
export function userOf(url: string | undefined): string {
  const q = url?.indexOf('?') ?? -1;
  return (q >= 0 && new URLSearchParams(url!.slice(q + 1)).get('u')) || 'anonymous';
}

/** The route steps; `created` counts the carts of `create`, as the Express app does. */
export function createRoutes(): { [K in RouteKey]: (data: BenchData, url: string | undefined) => Answer } {
  let created = 0;
  return {
    login(data, url) {
      Object.assign(data, loggedInData(userOf(url)));
      return OK;
    },
    read(data) {
      const user = data.user;
      return user ? { status: 200, body: user.name } : NO_SESSION;
    },
    modify(data) {
      if (!data.user) return NO_SESSION;
      data.counter = (data.counter ?? 0) + 1;
      return { status: 200, body: String(data.counter) };
    },
    create(data) {
      Object.assign(data, cartData(created++));
      return OK;
    },
  };
}

/** True for the routes that change the session (the Hono peer writes only those back). */
export function writes(route: RouteKey): boolean {
  return route !== 'read';
}
