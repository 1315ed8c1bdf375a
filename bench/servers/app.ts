/**
 * The benchmark's Express 5 app: the same four routes for every contender, only the session
 * middleware changes.
 *
 * - `POST /login?u=<name>`: writes a logged-in session (the setup phase builds the pool with it).
 * - `GET /read`: reads the user's name from the session (401 without a valid session, so a
 *   broken cookie shows up as non-2xx responses instead of fast 200s).
 * - `POST /modify`: increments a counter in the session (a store write on every request).
 * - `POST /create`: no cookie; writes a cart into a brand-new session.
 *
 * @module
 */
import express, { type Express, type RequestHandler } from 'express';
import { cartData, loggedInData, type LoggedIn } from '../session-data.js';

/** The session as the routes use it (express-session and Tessera sessions both fit). */
type BenchSession = Partial<LoggedIn> & Record<string, unknown>;

function sessionOf(req: express.Request): BenchSession {
  return req.session as unknown as BenchSession;
}

/**
 * For the "no session" contender: a plain object per request, so the routes run the same code
 * with no session library at all.
 */
export const noSession: RequestHandler = (req, _res, next) => {
  (req as unknown as { session: BenchSession }).session = loggedInData('nobody') as unknown as BenchSession;
  next();
};

/** The app, with `session` as the only middleware. */
export function createApp(session: RequestHandler): Express {
  const app = express();
  app.disable('x-powered-by');
  app.disable('etag');
  app.use(session);
  let created = 0;

  app.post('/login', (req, res) => {
    const name = typeof req.query.u === 'string' ? req.query.u : 'anonymous';
    Object.assign(sessionOf(req), loggedInData(name));
    res.type('text').send('ok');
  });

  app.get('/read', (req, res) => {
    const user = sessionOf(req).user;
    if (!user) {
      res.status(401).type('text').send('no session');
      return;
    }
    res.type('text').send(user.name);
  });

  app.post('/modify', (req, res) => {
    const session = sessionOf(req);
    if (!session.user) {
      res.status(401).type('text').send('no session');
      return;
    }
    session.counter = (session.counter ?? 0) + 1;
    res.type('text').send(String(session.counter));
  });

  app.post('/create', (req, res) => {
    Object.assign(sessionOf(req), cartData(created++));
    res.type('text').send('ok');
  });

  return app;
}
