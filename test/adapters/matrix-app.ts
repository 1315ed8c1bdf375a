/**
 * The contract between the adapter matrix (`test/adapters/matrix.test.ts`) and each adapter's
 * test app (`test/adapters/apps/<adapter>.ts`). Every adapter serves the same routes on a real
 * port; the matrix runs one list of scenarios against each of them with a cookie jar. Adding a
 * framework = one app file that implements these routes + one line in `apps/index.ts`.
 *
 * Routes every app serves (bodies are JSON unless said otherwise):
 * - `GET  /peek`            reads the session, never writes: `{ id, views, user, note }`
 *                            (`id` = the session ID or null; missing values are null).
 * - `POST /incr`            `views = (views ?? 0) + 1`; answers `{ views }`.
 * - `POST /set?key=K&value=V` sets one top-level key (string value); answers `{ ok: true }`.
 * - `POST /slow-set?key=K&value=V` awaits 5 ms, then sets the key (for overlapping requests).
 * - `POST /login`           logs in as `u1` (`session.login('u1')`, or `regenerate` + `user = 'u1'`
 *                            in the drop-in) and sets `user = 'u1'`; answers `{ id }` (the new ID).
 * - `POST /logout`          destroys the session; answers `{ ok: true }`.
 * - `GET  /redirect`        sets `note = 'redirected'`, then redirects (302) to `/peek` the
 *                            framework's own way (`res.redirect`, `reply.redirect`, `ctx.redirect`,
 *                            `c.redirect`, `Response.redirect`, `writeHead(302, …)`).
 * - `GET  /stream`          sets `note = 'streamed'`, then answers `text/plain` as a stream of
 *                            10 chunks `chunk-0\n` … `chunk-9\n` (the framework's stream type).
 *
 * A store error while loading or saving must reach the framework's own error path and answer
 * 5xx (503 for `StoreError`) within the store's timeout; a forged or oversized cookie means "no
 * session" (never 5xx).
 *
 * @module
 */
import type { Clock } from '../../src/core/clock.js';
import type { LifetimeOptions } from '../../src/core/lifetime-options.js';
import type { Store } from '../../src/core/store.js';

/** What the matrix hands each app: the same parts for every adapter. */
export interface MatrixSetup {
  /** The store under test (memory unless a scenario says otherwise). */
  store: Store;
  /** The injected clock (a manual clock in the lifetime scenarios). */
  clock: Clock;
  /** The signing secret (at least 32 characters). */
  secret: string;
  /** Server-enforced lifetimes (native: `lifetime`; drop-in: its opt-in `lifetime`). */
  lifetime: Exclude<LifetimeOptions, string>;
  /** Timeout for each store call in milliseconds (`storeTimeout`). */
  storeTimeout: number;
}

/** A running app on 127.0.0.1. */
export interface MatrixApp {
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** The session cookie's name as this app sends it over plain HTTP (e.g. `sid`, `connect.sid`). */
  cookieName: string;
  /** Stops the server and ends its connections. */
  close(): Promise<void>;
  /**
   * The status a store call that *rejects* answers with, when it is not 503: the drop-in hands
   * the store's own error to `next(err)`, as express-session does, so Express answers 500.
   * Default 503 (`StoreError.status`). A store that never answers is 503 everywhere (timeout).
   */
  storeFailureStatus?: number;
}

/** One adapter in the matrix. */
export interface MatrixAdapter {
  /** Shown in test names: `'express'`, `'express-session'`, `'fastify'`, `'koa'`, `'hono'`, `'node'`, ... */
  name: string;
  /** Starts the app on an ephemeral port of 127.0.0.1 with the given parts. */
  start(setup: MatrixSetup): Promise<MatrixApp>;
}
