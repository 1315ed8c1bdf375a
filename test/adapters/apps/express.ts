/**
 * The matrix app for `tessera/express`: Express 5 with the native `session(manager)`.
 *
 * @module
 */
import { Readable } from 'node:stream';
import { setTimeout as delay } from 'node:timers/promises';
import express, { type NextFunction, type Request, type Response } from 'express';
import { session } from '../../../src/adapters/express/index.js';
import type { Session } from '../../../src/core/session.js';
import { listen } from '../../helpers/express-apps.js';
import type { MatrixAdapter } from '../matrix-app.js';
import { matrixManager } from './manager.js';

/** The session as a bag of values (the matrix keeps arbitrary keys in it). */
const data = (req: Request): Record<string, unknown> => req.session as unknown as Record<string, unknown>;
const sessionOf = (req: Request): Session => req.session as unknown as Session;
const text = (req: Request, name: string): string => String(req.query[name] ?? '');

export const expressAdapter: MatrixAdapter = {
  name: 'express',
  async start(setup) {
    const manager = matrixManager(setup);
    const app = express();
    app.use(session(manager));
    app.get('/peek', (req, res) => {
      const s = data(req);
      res.json({ id: sessionOf(req).isNew ? null : sessionOf(req).id, views: s.views ?? null, user: s.user ?? null, note: s.note ?? null });
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
      await sessionOf(req).login('u1');
      data(req).user = 'u1';
      res.json({ id: sessionOf(req).id });
    });
    app.post('/logout', async (req, res) => {
      await sessionOf(req).destroy();
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
    // Express's own error path, without its console output: the status the error carries.
    app.use((err: { status?: number; code?: string }, _req: Request, res: Response, _next: NextFunction) => {
      res.status(err.status ?? 500).json({ error: err.code ?? 'error' });
    });
    const server = await listen(app);
    return { url: server.url, cookieName: manager.cookieName(false), close: server.close };
  },
};
