/**
 * The matrix app for the drop-in `tessera/express-session`: Express 5 with express-session's
 * options (`resave: false`, `saveUninitialized: false`, as its README advises) plus Tessera's
 * opt-in `lifetime`, `clock` and `storeTimeout`; login the express-session way (`regenerate`,
 * then the user).
 *
 * @module
 */
import { Readable } from 'node:stream';
import { setTimeout as delay } from 'node:timers/promises';
import express, { type NextFunction, type Request, type Response } from 'express';
import session from '../../../src/adapters/express-session/index.js';
import type { Session } from '../../../src/core/session.js';
import { listen } from '../../helpers/express-apps.js';
import type { MatrixAdapter } from '../matrix-app.js';

const data = (req: Request): Record<string, unknown> => req.session as unknown as Record<string, unknown>;
const sessionOf = (req: Request): Session => req.session as unknown as Session;
const text = (req: Request, name: string): string => String(req.query[name] ?? '');

/** An express-session callback method as a Promise, the way apps wrap `regenerate`/`destroy`. */
function callback(run: (done: (err?: unknown) => void) => void): Promise<void> {
  return new Promise((resolve, reject) => run((err) => (err ? reject(err) : resolve())));
}

export const expressSessionAdapter: MatrixAdapter = {
  name: 'express-session',
  async start(setup) {
    const app = express();
    app.use(
      session({
        secret: setup.secret,
        store: setup.store,
        resave: false,
        saveUninitialized: false,
        lifetime: setup.lifetime,
        clock: setup.clock,
        storeTimeout: setup.storeTimeout,
      }),
    );
    app.get('/peek', (req, res) => {
      const s = data(req);
      res.json({ id: sessionOf(req).isNew ? null : req.sessionID, views: s.views ?? null, user: s.user ?? null, note: s.note ?? null });
    });
    app.post('/incr', (req, res) => {
      const s = data(req);
      s.views = ((s.views as number | undefined) ?? 0) + 1;
      res.json({ views: s.views });
    });
    app.post('/set', (req, res) => {
      data(req)[text(req, 'key')] = text(req, 'value');
      res.json({ ok: true });
    });
    app.post('/slow-set', async (req, res) => {
      await delay(5);
      data(req)[text(req, 'key')] = text(req, 'value');
      res.json({ ok: true });
    });
    app.post('/login', async (req, res) => {
      await callback((done) => sessionOf(req).regenerate(done));
      data(req).user = 'u1';
      res.json({ id: req.sessionID });
    });
    app.post('/logout', async (req, res) => {
      await callback((done) => sessionOf(req).destroy(done));
      // express-session leaves the cookie alone at destroy; its apps clear it themselves.
      res.clearCookie('connect.sid');
      res.json({ ok: true });
    });
    app.get('/redirect', (req, res) => {
      data(req).note = 'redirected';
      res.redirect('/peek');
    });
    app.get('/stream', (req, res) => {
      data(req).note = 'streamed';
      res.type('text/plain');
      Readable.from(Array.from({ length: 10 }, (_, i) => `chunk-${i}\n`)).pipe(res);
    });
    app.use((err: { status?: number; code?: string }, _req: Request, res: Response, _next: NextFunction) => {
      res.status(err.status ?? 500).json({ error: err.code ?? 'error' });
    });
    const server = await listen(app);
    // A rejecting store's own error reaches next(err), as with express-session: Express answers 500.
    return { url: server.url, cookieName: 'connect.sid', close: server.close, storeFailureStatus: 500 };
  },
};
