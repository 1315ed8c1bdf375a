/**
 * Side-by-side runs for the interop suites: the same Express app (4 and 5), built once with the
 * real express-session 1.19 and once with `tessera/express-session` (and, where a suite asks,
 * with the native `tessera/express` + `SessionManager`), the same requests, and the observable
 * results compared. Each implementation is handed to the app as a "module" (the function plus
 * `Store`/`MemoryStore`), so third-party store factories such as `FileStore(session)` get the
 * module they would get in a real app.
 *
 * @module
 */
import assert from 'node:assert/strict';
import type { TestContext } from 'node:test';
import type express from 'express';
import type { Express, NextFunction, Request, RequestHandler, Response } from 'express';
import session from '../../src/adapters/express-session/index.js';
import { session as nativeSession } from '../../src/adapters/express/index.js';
import { SessionManager } from '../../src/index.js';
import { MemoryStore } from '../../src/stores/memory/memory-store.js';
import { data, realExpressSession, SECRET, type RunningApp } from '../express-session/helpers.js';
import { listen } from '../helpers/express-apps.js';
import { HttpClient } from '../helpers/http-client.js';

export { data, eachExpress, idOf, SECRET, setCookieFor } from '../express-session/helpers.js';
export type { RunningApp } from '../express-session/helpers.js';

/** What an app gets from `require('express-session')` (or the drop-in): the factory and its classes. */
export interface SessionModule {
  (options: object): RequestHandler;
  Store: new (...args: any[]) => object;
  MemoryStore: new (...args: any[]) => object;
}

/** One implementation under test. */
export interface Implementation {
  /** `'express-session'`, `'drop-in'` or `'native'`. */
  name: 'express-session' | 'drop-in' | 'native';
  /** The express-session-style module (for `native`, a factory that ignores the store option). */
  module: SessionModule;
}

/** The real express-session and the drop-in. */
export function implementations(): Implementation[] {
  return [
    { name: 'express-session', module: realExpressSession() as unknown as SessionModule },
    { name: 'drop-in', module: session as unknown as SessionModule },
  ];
}

/**
 * The native API as an implementation: `session(options)` builds a `SessionManager` on a fresh
 * memory store (its own secret; the cookie name when given; `saveUninitialized: true` so
 * anonymous sessions are kept as under the express-session defaults), and returns `tessera/express`'s middleware.
 */
export function nativeImplementation(): Implementation {
  const factory = ((options: { name?: string }) => {
    // The native API wants secrets of 32+ characters; the cookie format is its own anyway.
    const manager = new SessionManager({
      secret: 'interop-native-secret-of-at-least-32-chars',
      store: new MemoryStore({ sweepInterval: 0 }),
      warn: () => {},
      saveUninitialized: true,
      ...(options.name !== undefined ? { name: options.name } : {}),
    });
    return nativeSession(manager as never);
  }) as unknown as SessionModule;
  factory.Store = session.Store as never;
  factory.MemoryStore = session.MemoryStore as never;
  return { name: 'native', module: factory };
}

/** Builds an app for one implementation: mounts the session middleware and routes. */
export type AppBuilder = (app: Express, impl: Implementation, createApp: typeof express) => void;

/**
 * Builds `build`'s app with `createApp()`, an error handler answering `500 error: <message>`,
 * on an ephemeral port of 127.0.0.1, closed when the test ends.
 */
export async function serve(t: TestContext, createApp: typeof express, impl: Implementation, build: AppBuilder): Promise<RunningApp> {
  const app = createApp();
  app.set('env', 'test');
  build(app, impl, createApp);
  app.use((err: Error & { status?: number; code?: string }, _req: Request, res: Response, _next: NextFunction) => {
    if (res.headersSent) return;
    res.status(err.status ?? 500).send(`error: ${err.code ?? ''} ${err.message}`);
  });
  const server = await listen(app);
  t.after(() => server.close());
  return { url: server.url, client: (headers) => new HttpClient(server.url, headers) };
}

/**
 * Runs `journey` against the app `build` makes, once per implementation, and asserts that every
 * implementation's result deep-equals express-session's (and `expected`, when given). Returns
 * the results by implementation name.
 */
export async function sideBySide<T>(
  t: TestContext,
  createApp: typeof express,
  build: AppBuilder,
  journey: (app: RunningApp, impl: Implementation) => Promise<T>,
  options: { expected?: T; impls?: Implementation[] } = {},
): Promise<Record<string, T>> {
  const results: Record<string, T> = {};
  for (const impl of options.impls ?? implementations()) {
    const app = await serve(t, createApp, impl, build);
    results[impl.name] = await journey(app, impl);
  }
  const reference = results['express-session'];
  if (options.expected !== undefined) assert.deepEqual(reference, options.expected, 'express-session itself behaves as expected');
  for (const [name, result] of Object.entries(results)) {
    assert.deepEqual(result, reference ?? options.expected, `${name} behaves as express-session`);
  }
  return results;
}

/**
 * The routes the store scenarios share: `/write` counts a view, `/read` reports it without
 * changing anything, `/logout` destroys the session.
 */
export function viewRoutes(app: Express): void {
  app.get('/write', (req, res) => {
    data(req).views = (data(req).views ?? 0) + 1;
    res.json({ views: data(req).views });
  });
  app.get('/read', (req, res) => {
    res.json({ views: data(req).views ?? null });
  });
  app.get('/logout', (req, res, next) => {
    req.session.destroy((err) => (err ? next(err) : res.send('bye')));
  });
}
