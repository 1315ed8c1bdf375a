/**
 * The demo application: sign in, a page with a visit counter, sign out. Sessions use the
 * native API (`SessionManager` + the `tessera/express` middleware) on a SQLite file.
 *
 * In your application the imports read `from 'tessera'`, `'tessera/express'` and
 * `'tessera/sqlite'`. The demo imports the sources instead, so `npm start` needs no build and
 * the demo is type-checked with the rest of the repository.
 *
 * @module
 */
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import { SessionManager, type Clock, type TypedSession } from '../src/index.js';
import { session } from '../src/adapters/express/index.js';
import { SqliteStore } from '../src/stores/sqlite/index.js';
import { createUserDirectory, DEMO_USERS } from './users.js';
import { errorPage, homePage, layout, loginPage } from './views.js';

/** What the demo keeps in a session. */
export interface DemoSessionData {
  username: string;
  visits: number;
}

/** Options of `createApp`. */
export interface DemoAppOptions {
  /** The SQLite file sessions live in; it (and its folder) is created on first run. */
  dbPath: string;
  /** Session secret(s), each at least 32 characters; the first signs, all verify. */
  secret: string | readonly string[];
  /** Trust `X-Forwarded-*` from a TLS-terminating proxy, so sessions use `__Host-sid` + Secure. Default `false`. */
  trustProxy?: boolean;
  /** Time source, for tests. Default: the system clock. */
  clock?: Clock;
  /** Where unexpected errors are logged. Default `console.error`. */
  logError?: (error: unknown) => void;
  /** Where Tessera's one-time plain-HTTP warning goes. Default `console.warn`. */
  warn?: (message: string) => void;
}

/** A built demo app and what it opened. */
export interface DemoApp {
  app: Express;
  manager: SessionManager<DemoSessionData>;
  store: SqliteStore;
  /** Closes the session store (the HTTP server is the caller's). */
  close(): Promise<void>;
}

/**
 * The request's session, typed. An application declares its session data once with
 * `declare module 'tessera' { interface SessionData { ... } }`; the demo shares one type-checked
 * program with the test suite, so it keeps its types to itself.
 */
function sessionOf(req: Request): TypedSession<DemoSessionData> {
  return req.session as TypedSession<DemoSessionData>;
}

const SECURITY_HEADERS = {
  // No scripts at all; inline styles only; forms post back here only.
  'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'same-origin',
  // Pages show who is signed in: never cache them.
  'Cache-Control': 'no-store',
};

/** Builds the demo app (hashing the demo users' passwords first). */
export async function createApp(options: DemoAppOptions): Promise<DemoApp> {
  const users = await createUserDirectory();
  const clock = options.clock ?? Date.now;
  const store = new SqliteStore({ path: options.dbPath, clock });
  const manager = new SessionManager<DemoSessionData>({
    secret: options.secret,
    store,
    clock,
    ...(options.warn ? { warn: options.warn } : {}),
  });
  const logError = options.logError ?? ((error: unknown) => console.error(error));

  const app = express();
  app.disable('x-powered-by');
  if (options.trustProxy) app.set('trust proxy', true);
  app.use((_req, res, next) => {
    res.set(SECURITY_HEADERS);
    next();
  });
  app.use(express.urlencoded({ extended: false, limit: '4kb' }));
  app.use(session(manager));

  app.get('/', (req, res) => {
    const s = sessionOf(req);
    const user = s.username === undefined ? undefined : users.find(s.username);
    if (!user) {
      res.redirect(303, '/login');
      return;
    }
    s.visits = (s.visits ?? 0) + 1;
    res.type('html').send(homePage({ ...user, visits: s.visits, since: new Date(s.createdAt) }));
  });

  app.get('/login', (req, res) => {
    if (sessionOf(req).username !== undefined) {
      res.redirect(303, '/');
      return;
    }
    res.type('html').send(loginPage({ users: DEMO_USERS }));
  });

  app.post('/login', async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const username = typeof body.username === 'string' ? body.username.slice(0, 100) : '';
    const password = typeof body.password === 'string' ? body.password.slice(0, 1000) : '';
    const user = await users.verify(username, password);
    if (!user) {
      res.status(401).type('html').send(loginPage({ users: DEMO_USERS, error: 'Wrong username or password.', username }));
      return;
    }
    const s = sessionOf(req);
    // A new session ID at sign-in, so an ID planted before it is worthless (session fixation).
    await s.regenerate();
    s.username = user.username;
    s.visits = 0;
    // Filed under the user, so every session of a user can be listed or ended at once.
    s.userKey = user.username;
    // The session is stored before this redirect leaves, so the next page already sees it.
    res.redirect(303, '/');
  });

  app.post('/logout', async (req, res) => {
    await sessionOf(req).destroy();
    res.redirect(303, '/login');
  });

  app.use((_req, res) => {
    res.status(404).type('html').send(layout('Not found', '<h1>Not found</h1><p><a href="/">Home</a></p>'));
  });

  app.use((error: unknown, _req: Request, res: Response, next: NextFunction) => {
    logError(error);
    if (res.headersSent) {
      next(error);
      return;
    }
    res.status(500).type('html').send(errorPage());
  });

  return { app, manager, store, close: () => store.close() };
}
