/**
 * The matrix app for `tessera/koa`: Koa 3 with `session(manager)`, its errors left to Koa's own
 * default handler (silenced: no console output), which answers with the error's `status`.
 *
 * @module
 */
import { Readable } from 'node:stream';
import { setTimeout as delay } from 'node:timers/promises';
import Koa from 'koa';
import { session } from '../../../src/adapters/koa/index.js';
import { listenKoa } from '../../helpers/koa-apps.js';
import type { MatrixAdapter } from '../matrix-app.js';
import { matrixManager } from './manager.js';

/** The session as a bag of values (the matrix keeps arbitrary keys in it). */
const data = (ctx: Koa.Context): Record<string, unknown> => ctx.session as unknown as Record<string, unknown>;
const text = (ctx: Koa.Context, name: string): string => String(ctx.query[name] ?? '');

export const koaApp: MatrixAdapter = {
  name: 'koa',
  async start(setup) {
    const manager = matrixManager(setup);
    const app = new Koa();
    app.silent = true;
    app.use(session(manager));
    app.use(async (ctx) => {
      const route = `${ctx.method} ${ctx.path}`;
      switch (route) {
        case 'GET /peek': {
          const s = data(ctx);
          ctx.body = { id: ctx.session.isNew ? null : ctx.session.id, views: s.views ?? null, user: s.user ?? null, note: s.note ?? null };
          return;
        }
        case 'POST /incr': {
          const s = data(ctx);
          s.views = ((s.views as number | undefined) ?? 0) + 1;
          ctx.body = { views: s.views };
          return;
        }
        case 'POST /set':
          data(ctx)[text(ctx, 'key')] = text(ctx, 'value');
          ctx.body = { ok: true };
          return;
        case 'POST /slow-set':
          await delay(5);
          data(ctx)[text(ctx, 'key')] = text(ctx, 'value');
          ctx.body = { ok: true };
          return;
        case 'POST /login':
          await ctx.session.login('u1');
          data(ctx).user = 'u1';
          ctx.body = { id: ctx.session.id };
          return;
        case 'POST /logout':
          ctx.session = null; // koa-session's way; tessera/koa destroys the session
          ctx.body = { ok: true };
          return;
        case 'GET /redirect':
          data(ctx).note = 'redirected';
          ctx.redirect('/peek');
          return;
        case 'GET /stream':
          data(ctx).note = 'streamed';
          ctx.type = 'text/plain';
          ctx.body = Readable.from(Array.from({ length: 10 }, (_, i) => `chunk-${i}\n`));
          return;
        default:
          ctx.status = 404;
      }
    });
    const server = await listenKoa(app);
    return { url: server.url, cookieName: manager.cookieName(false), close: server.close };
  },
};
