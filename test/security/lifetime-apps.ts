/**
 * The two apps the lifetime suites drive over real HTTP, on one store and one manual clock: the
 * native `tessera/express` (cookie `sid`, hashed store keys) and the drop-in
 * `tessera/express-session` with the `lifetime` opt-in (cookie `connect.sid`, raw keys, as
 * express-session). Routes: `/login/:user` signs in, `/set/:user` changes the user, `/logout`
 * destroys, `/me` reads.
 *
 * @module
 */
import express from 'express';
import dropIn from '../../src/adapters/express-session/index.js';
import { session } from '../../src/adapters/express/index.js';
import type { Clock } from '../../src/core/clock.js';
import { hashStoreKey } from '../../src/core/keys.js';
import type { EncryptionOptions } from '../../src/core/keyring.js';
import type { LifetimeOptions, LifetimePreset } from '../../src/core/lifetime-options.js';
import { SessionManager } from '../../src/index.js';
import type { Store } from '../../src/core/store.js';
import { listen, type Listening } from '../helpers/express-apps.js';
import { HttpClient } from '../helpers/http-client.js';

const SECRET = 'Lf7Qw2Xe9Rt4Yu1Io6Pa3Sd8Fg5Hj0Kz2c'; // a test-only random-looking secret

/** What `/me` answers. */
export interface Me {
  user: string | null;
  id: string;
}

/** One app under test. */
export interface LifetimeApp extends Listening {
  name: string;
  cookieName: string;
  /** The store key of a session ID in this app. */
  keyOf(id: string): string;
  /** A browser: an HTTP client with its own cookie jar. */
  browser(): HttpClient;
}

/** The two apps, each served by `serve(store, clock, lifetime, cookie?, encryption?)`. */
export const lifetimeApps: ReadonlyArray<{ name: string; serve(store: Store, clock: Clock, lifetime: LifetimeOptions | LifetimePreset, cookie?: { maxAge: number }, encryption?: EncryptionOptions): Promise<LifetimeApp> }> = [
  {
    name: 'tessera/express',
    async serve(store, clock, lifetime, cookie, encryption) {
      const extra = { ...(cookie ? { cookie } : {}), ...(encryption ? { encryption } : {}) };
      const manager = new SessionManager({ secret: SECRET, store, clock, name: 'sid', lifetime, touchAfter: 0, warn: () => {}, ...extra });
      const app = express();
      app.use(session(manager));
      routes(app, (req) => req.session.id);
      return finish('tessera/express', 'sid', await listen(app), hashStoreKey);
    },
  },
  {
    name: 'tessera/express-session (lifetime opt-in)',
    async serve(store, clock, lifetime, cookie, encryption) {
      const extra = { ...(cookie ? { cookie } : {}), ...(encryption ? { encryption } : {}) };
      const app = express();
      app.use(dropIn({ secret: SECRET, store, clock, lifetime, resave: false, saveUninitialized: false, ...extra }));
      routes(app, (req) => req.sessionID);
      return finish('tessera/express-session', 'connect.sid', await listen(app), (id) => id);
    },
  },
];

function routes(app: express.Express, idOf: (req: express.Request) => string): void {
  app.get('/login/:user', (req, res) => {
    req.session.expressUser = req.params.user;
    res.json({ ok: true });
  });
  app.get('/set/:user', (req, res) => {
    req.session.expressUser = req.params.user;
    res.json({ ok: true });
  });
  app.get('/logout', (req, res, next) => {
    req.session.destroy((error?: unknown) => (error ? next(error) : res.json({ ok: true })));
  });
  app.get('/me', (req, res) => {
    res.json({ user: req.session.expressUser ?? null, id: idOf(req) } satisfies Me);
  });
}

function finish(name: string, cookieName: string, listening: Listening, keyOf: (id: string) => string): LifetimeApp {
  return { ...listening, name, cookieName, keyOf, browser: () => new HttpClient(listening.url) };
}

/** `/me` as `browser` sees it (a 200 asserted by the caller through `status`). */
export async function me(browser: HttpClient): Promise<Me & { status: number; setCookies: string[] }> {
  const res = await browser.request('/me');
  return { ...(JSON.parse(res.body) as Me), status: res.status, setCookies: res.setCookies };
}

/** A second tab of the same browser: the same cookies, its own jar from now on. */
export function sameBrowser(app: LifetimeApp, from: HttpClient): HttpClient {
  const tab = app.browser();
  for (const [name, value] of from.jar) tab.jar.set(name, value);
  return tab;
}
