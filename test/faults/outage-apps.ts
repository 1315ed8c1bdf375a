/**
 * Two native Express apps on one real store for the outage tests: one with
 * `onStoreError: 'fail'` (the default), one with `'anonymous'`, each with its own manager (and
 * so its own circuit breaker), plus timed requests.
 *
 * @module
 */
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import express from 'express';
import { session } from '../../src/adapters/express/index.js';
import { isDegraded } from '../../src/core/outage-policy.js';
import { SessionManager, type SessionManagerOptions } from '../../src/index.js';
import type { CircuitState } from '../../src/core/circuit-breaker.js';
import type { StoreError } from '../../src/core/errors.js';
import type { Store } from '../../src/core/store.js';
import { listen, route, type Listening } from '../helpers/express-apps.js';
import { HttpClient, type HttpResult } from '../helpers/http-client.js';
import { TEST_SECRET } from '../helpers/session-client.js';

declare module '../../src/core/session.js' {
  interface SessionData {
    faultN?: number;
  }
}

/** One app and what its manager reported. */
export interface OutageApp {
  url: string;
  manager: SessionManager;
  degraded: StoreError[];
  circuit: CircuitState[];
  /** A new cookie-keeping client of this app. */
  client(): HttpClient;
}

/** The two apps; `close` stops both. */
export interface OutageApps {
  fail: OutageApp;
  anonymous: OutageApp;
  close(): Promise<void>;
}

/**
 * Routes: `POST /write?n=` stores `faultN`, `GET /read` answers `{ n, degraded }`. Both apps
 * share `store` and the secret, so a cookie from one is a session in the other.
 */
export async function outageApps(store: Store, options: Partial<SessionManagerOptions> = {}): Promise<OutageApps> {
  const servers: Listening[] = [];
  const make = async (onStoreError: 'fail' | 'anonymous'): Promise<OutageApp> => {
    const manager = new SessionManager({ secret: TEST_SECRET, store, warn: () => {}, onStoreError, ...options });
    const degraded: StoreError[] = [];
    const circuit: CircuitState[] = [];
    manager.on('degraded', (error) => degraded.push(error));
    manager.on('circuit', (state) => circuit.push(state));
    const app = express();
    // Express's final handler logs every error it answers unless the environment is 'test'.
    app.set('env', 'test');
    app.use(session(manager));
    app.post(
      '/write',
      route((req, res) => {
        req.session.faultN = Number(req.query['n']);
        res.json({ n: req.session.faultN });
      }),
    );
    app.get('/read', (req, res) => {
      res.json({ n: req.session.faultN ?? null, degraded: isDegraded(req.session) });
    });
    const server = await listen(app);
    servers.push(server);
    return { url: server.url, manager, degraded, circuit, client: () => new HttpClient(server.url) };
  };
  const fail = await make('fail');
  const anonymous = await make('anonymous');
  return { fail, anonymous, close: async () => void (await Promise.all(servers.map((s) => s.close()))) };
}

/** A response and how long it took, in ms of real time. */
export interface Timed extends HttpResult {
  ms: number;
}

/** Sends a request and times it. */
export async function timed(client: HttpClient, path: string, init: { method?: string } = {}): Promise<Timed> {
  const started = performance.now();
  const result = await client.request(path, init);
  return { ...result, ms: performance.now() - started };
}

/**
 * Asserts that requests failed fast, i.e. never waited on the store: their median within
 * `fast` ms, and each well under the store's `timeout` (on two shared cores one HTTP round trip
 * can take longer than the server's work, so a single slow sample is not a failure).
 */
export function assertFast(what: string, ms: readonly number[], fast: number, timeout: number): void {
  const sorted = [...ms].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)] ?? Infinity;
  const slowest = sorted.at(-1) ?? Infinity;
  if (!(median < fast)) throw new Error(`${what}: median ${median.toFixed(0)} ms, expected under ${fast} ms`);
  if (!(slowest < timeout * 0.8)) throw new Error(`${what}: slowest ${slowest.toFixed(0)} ms, near the store timeout of ${timeout} ms`);
}

/** A client of `app` that carries `from`'s cookies (the same browser on the other app). */
export function sameBrowser(app: OutageApp, from: HttpClient): HttpClient {
  const client = app.client();
  for (const [name, value] of from.jar) client.jar.set(name, value);
  return client;
}

/** The `/read` route's answer. */
export function body(text: string): { n: number | null; degraded: boolean } {
  return JSON.parse(text) as { n: number | null; degraded: boolean };
}

/** Polls `check` (real time: a server restarting or a client reconnecting) until it holds, failing after `ms`. */
export async function until(what: string, check: () => boolean | Promise<boolean>, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) assert.fail(`timed out waiting until ${what}`);
    await sleep(20);
  }
}
