/**
 * Shared pieces of the `tessera/express-session` suites: real Express 4 and 5 apps on real
 * ports, a browser-like client, cookie helpers computed independently of Tessera's own
 * signing code, and a small Map-backed express-session store that counts its calls.
 *
 * @module
 */
import { createHmac } from 'node:crypto';
import { createRequire } from 'node:module';
import { describe, type TestContext } from 'node:test';
import type express from 'express';
import type { Express, NextFunction, Request, Response } from 'express';
import session, { type ExpressSessionOptions, type SessionObject } from '../../src/adapters/express-session/index.js';
import { expressVersions, listen } from '../helpers/express-apps.js';
import { HttpClient } from '../helpers/http-client.js';

const require = createRequire(import.meta.url);

/** The secret most tests sign with. */
export const SECRET = 'keyboard cat';

/** Runs `suite` once per Express major (5 and 4), each in its own `describe`. */
export function eachExpress(suite: (createApp: typeof express) => void): void {
  for (const { name, express } of expressVersions) describe(name, () => suite(express));
}

/** The session of `req` as a loose record: tests keep arbitrary keys. */
export function data(req: Request): Record<string, any> {
  return req.session as unknown as Record<string, any>;
}

/** A running app. */
export interface RunningApp {
  url: string;
  /** A new browser-like client (its own cookie jar). */
  client(headers?: Record<string, string>): HttpClient;
}

/** Options of {@link start}. */
export interface StartOptions {
  /** Middleware mounted before the session middleware (e.g. cookie-parser). */
  before?: (app: Express) => void;
  /** How errors are answered: `'message'` (default) sends `500 error: <message>`; `'express'` leaves it to Express's final handler. */
  errors?: 'message' | 'express';
  /** Mounts the session middleware itself (default: `app.use(session(options))`). */
  mount?: (app: Express) => void;
}

/**
 * Builds an Express app (`createApp()`), mounts `session(options)` and `routes`, listens on an
 * ephemeral port, and closes it when the test ends.
 */
export async function start(
  t: TestContext,
  createApp: typeof express,
  options: ExpressSessionOptions | undefined,
  routes: (app: Express) => void,
  extra: StartOptions = {},
): Promise<RunningApp> {
  const app = createApp();
  // Express's final handler logs every error it answers unless the environment is 'test'.
  app.set('env', 'test');
  extra.before?.(app);
  if (extra.mount) extra.mount(app);
  else app.use(session(options));
  routes(app);
  if ((extra.errors ?? 'message') === 'message') {
    app.use((err: Error, _req: Request, res: Response, _next: NextFunction) => {
      res.status(500).send(`error: ${err.message}`);
    });
  }
  const server = await listen(app);
  t.after(() => server.close());
  return { url: server.url, client: (headers) => new HttpClient(server.url, headers) };
}

/** The `Set-Cookie` header for `name` among a response's, or `undefined`. */
export function setCookieFor(setCookies: string[], name = 'connect.sid'): string | undefined {
  return setCookies.find((header) => header.startsWith(`${name}=`));
}

/** The session ID inside a `Set-Cookie` header (`name=s%3A<id>.<sig>; ...`). */
export function idOf(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const value = decodeURIComponent(header.slice(header.indexOf('=') + 1).split(';', 1)[0] ?? '');
  if (!value.startsWith('s:')) return undefined;
  return value.slice(2, value.lastIndexOf('.'));
}

/**
 * A signed cookie value in express-session's format, computed here from its definition
 * (`s:` + id + `.` + base64 HMAC-SHA256 without `=` padding, URL-encoded).
 */
export function signed(id: string, secret: string | Buffer = SECRET): string {
  const mac = createHmac('sha256', secret).update(id).digest('base64').replace(/=+$/, '');
  return encodeURIComponent(`s:${id}.${mac}`);
}

/** One attribute of a `Set-Cookie` header (`'Expires'`, `'Path'`...), or `undefined`; flags give `''`. */
export function attribute(header: string, name: string): string | undefined {
  for (const part of header.split(';').slice(1)) {
    const [key, ...rest] = part.trim().split('=');
    if (key?.toLowerCase() === name.toLowerCase()) return rest.join('=');
  }
  return undefined;
}

/** What the real express-session exports, loaded untyped (its type declarations stay out of the program). */
export interface RealExpressSession {
  (options: object): express.RequestHandler;
  Store: new () => object;
  MemoryStore: new () => { sessions: Record<string, string>; get(sid: string, cb: (err: unknown, s?: SessionObject) => void): void };
}

/** The real express-session package (for interop tests). */
export function realExpressSession(): RealExpressSession {
  return require('express-session') as RealExpressSession;
}

/**
 * The same store, re-parented onto the real express-session's `Store` (so that its `regenerate`,
 * `load` and `createSession` are express-session's own), for side-by-side runs.
 */
export function asRealExpressSessionStore(store: CountingStore): CountingStore {
  const base = realExpressSession().Store.prototype as object;
  const proto = Object.create(base) as Record<string, unknown>;
  for (const name of Object.getOwnPropertyNames(CountingStore.prototype)) {
    if (name !== 'constructor') proto[name] = (CountingStore.prototype as unknown as Record<string, unknown>)[name];
  }
  Object.setPrototypeOf(store, proto);
  return store;
}

/** Method names `CountingStore` counts. */
export type StoreMethod = 'get' | 'set' | 'touch' | 'destroy';

/**
 * An express-session store over a Map, written the ES-class way on `session.Store`, counting
 * every call and failing the methods listed in `failing`. Callbacks are asynchronous unless
 * `sync` is set. A real store (it keeps sessions as JSON, as express-session's stores do).
 */
export class CountingStore extends session.Store {
  readonly sessions = new Map<string, string>();
  readonly calls: Record<StoreMethod, number> = { get: 0, set: 0, touch: 0, destroy: 0 };
  readonly failing = new Set<StoreMethod>();
  readonly sync: boolean;

  constructor(options: { sync?: boolean } = {}) {
    super();
    this.sync = options.sync ?? false;
  }

  /** Answers a call: an error for a failing method, else `result`; now or on a later turn. */
  protected reply(method: StoreMethod, callback: ((err?: any, result?: any) => void) | undefined, result?: unknown): void {
    const err = this.failing.has(method) ? new Error(`${method} failed`) : null;
    if (!callback) return;
    if (this.sync) callback(err, err ? undefined : result);
    else setImmediate(() => callback(err, err ? undefined : result));
  }

  override get(sid: string, callback: (err: any, session?: SessionObject | null) => void): void {
    this.calls.get++;
    const json = this.sessions.get(sid);
    this.reply('get', callback, json === undefined ? undefined : JSON.parse(json));
  }

  override set(sid: string, sess: SessionObject, callback?: (err?: any) => void): void {
    this.calls.set++;
    if (!this.failing.has('set')) this.sessions.set(sid, JSON.stringify(sess));
    this.reply('set', callback);
  }

  override touch(sid: string, sess: SessionObject, callback?: (err?: any) => void): void {
    this.calls.touch++;
    const json = this.sessions.get(sid);
    if (json !== undefined && !this.failing.has('touch')) this.sessions.set(sid, JSON.stringify({ ...JSON.parse(json), cookie: sess.cookie }));
    this.reply('touch', callback);
  }

  override destroy(sid: string, callback?: (err?: any) => void): void {
    this.calls.destroy++;
    if (!this.failing.has('destroy')) this.sessions.delete(sid);
    this.reply('destroy', callback);
  }

  /** The stored session object of `sid`, parsed. */
  stored(sid: string | undefined): Record<string, any> | undefined {
    const json = sid === undefined ? undefined : this.sessions.get(sid);
    return json === undefined ? undefined : (JSON.parse(json) as Record<string, any>);
  }

  /** Zeroes the counters. */
  reset(): void {
    for (const key of Object.keys(this.calls) as StoreMethod[]) this.calls[key] = 0;
  }
}
