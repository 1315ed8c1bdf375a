/**
 * The matrix app for `tessera/hono`: Hono 4 on `@hono/node-server` with `session(manager)`;
 * store errors reach Hono's default error handler (an `HTTPException` with the StoreError's
 * status).
 *
 * @module
 */
import { setTimeout as delay } from 'node:timers/promises';
import { Hono, type Context } from 'hono';
import { stream } from 'hono/streaming';
import { session, type SessionEnv } from '../../../src/adapters/hono/index.js';
import { serveFetch } from '../../helpers/fetch-servers.js';
import type { MatrixAdapter } from '../matrix-app.js';
import { matrixManager } from './manager.js';

type Env = SessionEnv<Record<string, unknown>>;

/** The session as a bag of values (the matrix keeps arbitrary keys in it). */
const data = (c: Context<Env>): Record<string, unknown> => c.get('session') as unknown as Record<string, unknown>;

export const honoApp: MatrixAdapter = {
  name: 'hono',
  async start(setup) {
    const manager = matrixManager<Record<string, unknown>>(setup);
    const app = new Hono<Env>();
    app.use(session(manager));
    app.get('/peek', (c) => {
      const s = c.get('session');
      const d = data(c);
      return c.json({ id: s.isNew ? null : s.id, views: d.views ?? null, user: d.user ?? null, note: d.note ?? null });
    });
    app.post('/incr', (c) => {
      const d = data(c);
      d.views = ((d.views as number | undefined) ?? 0) + 1;
      return c.json({ views: d.views });
    });
    app.post('/set', (c) => {
      data(c)[c.req.query('key') ?? ''] = c.req.query('value') ?? '';
      return c.json({ ok: true });
    });
    app.post('/slow-set', async (c) => {
      await delay(5);
      data(c)[c.req.query('key') ?? ''] = c.req.query('value') ?? '';
      return c.json({ ok: true });
    });
    app.post('/login', async (c) => {
      await c.get('session').login('u1');
      data(c).user = 'u1';
      return c.json({ id: c.get('session').id });
    });
    app.post('/logout', async (c) => {
      await c.get('session').destroy();
      return c.json({ ok: true });
    });
    app.get('/redirect', (c) => {
      data(c).note = 'redirected';
      return c.redirect('/peek');
    });
    app.get('/stream', (c) => {
      data(c).note = 'streamed';
      c.header('Content-Type', 'text/plain');
      return stream(c, async (s) => {
        for (let i = 0; i < 10; i++) await s.write(`chunk-${i}\n`);
      });
    });
    const served = await serveFetch(app.fetch);
    return { url: served.url, cookieName: manager.cookieName(false), close: served.close };
  },
};
