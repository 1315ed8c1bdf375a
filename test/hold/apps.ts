/**
 * Express apps for the hold's tests, with either session middleware in front of the routes:
 * the native one (`SessionManager` + `tessera/express`) or the drop-in
 * (`tessera/express-session`, whose default `resave: true` commits every session
 * asynchronously).
 *
 * @module
 */
import type { Express, NextFunction, Request, Response } from 'express';
import type express from 'express';
import dropIn from '../../src/adapters/express-session/index.js';
import { session } from '../../src/adapters/express/index.js';
import { SessionManager } from '../../src/index.js';
import { expressVersions, listen, type Listening } from '../helpers/express-apps.js';
import { TEST_SECRET } from '../helpers/session-client.js';
import type { FaultStore } from './fault-store.js';

/** Both middlewares, by name. */
export const middlewares = ['native', 'drop-in'] as const;
export type MiddlewareName = (typeof middlewares)[number];

/** Every combination of Express major and session middleware. */
export const matrix = expressVersions.flatMap(({ name, express }) => middlewares.map((middleware) => ({ label: `${name}, ${middleware}`, express, middleware })));

/** Mounts `middleware` on `app`, backed by `store`. */
export function mountSession(app: Express, middleware: MiddlewareName, store: FaultStore): void {
  if (middleware === 'native') app.use(session(new SessionManager({ secret: TEST_SECRET, store, warn: () => {} })));
  else app.use(dropIn({ secret: TEST_SECRET, store, resave: true, saveUninitialized: true }));
}

/** Changes the session, so that either middleware has a store write to make. */
export function touchSession(req: Request): void {
  (req.session as unknown as Record<string, number>).hits = ((req.session as unknown as Record<string, number>).hits ?? 0) + 1;
}

/** Errors the app's error handler saw, by `code` (or message). */
export interface Built {
  server: Listening;
  errors: string[];
}

/**
 * Builds an app: `before` (middleware before the session), the session, `routes`, then an error
 * handler that notes the error and answers `500 failed: <message>` (or leaves it to Express's
 * final handler when the response looks sent).
 */
export async function build(
  createApp: typeof express,
  middleware: MiddlewareName,
  store: FaultStore,
  routes: (app: Express) => void,
  before?: (app: Express) => void,
): Promise<Built> {
  const errors: string[] = [];
  const app = createApp();
  app.set('env', 'test');
  before?.(app);
  mountSession(app, middleware, store);
  routes(app);
  app.use((err: NodeJS.ErrnoException, _req: Request, res: Response, next: NextFunction) => {
    errors.push(err.code ?? err.message);
    if (res.headersSent) return next(err);
    res.status(500).send(`failed: ${err.message}`);
  });
  return { server: await listen(app), errors };
}
