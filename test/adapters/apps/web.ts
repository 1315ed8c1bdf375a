/**
 * The matrix app for `tessera/web`: one Fetch API handler routing by hand with
 * `webSessions(manager)`, served through `@hono/node-server`'s `serve({ fetch })`. Its store
 * errors take the app's own path: the rejection of `load` or `commit`, answered with its status.
 *
 * @module
 */
import { setTimeout as delay } from 'node:timers/promises';
import { webSessions } from '../../../src/adapters/web/index.js';
import { serveFetch } from '../../helpers/fetch-servers.js';
import type { MatrixAdapter } from '../matrix-app.js';
import { matrixManager } from './manager.js';

export const webApp: MatrixAdapter = {
  name: 'web',
  async start(setup) {
    const manager = matrixManager<Record<string, unknown>>(setup);
    const sessions = webSessions(manager);

    async function route(request: Request): Promise<Response> {
      const url = new URL(request.url);
      const session = await sessions.load(request);
      const data = session as unknown as Record<string, unknown>;
      const key = url.searchParams.get('key') ?? '';
      const value = url.searchParams.get('value') ?? '';
      const send = (response: Response): Promise<Response> => sessions.commit(session, response);
      switch (`${request.method} ${url.pathname}`) {
        case 'GET /peek':
          return send(Response.json({ id: session.isNew ? null : session.id, views: data.views ?? null, user: data.user ?? null, note: data.note ?? null }));
        case 'POST /incr':
          data.views = ((data.views as number | undefined) ?? 0) + 1;
          return send(Response.json({ views: data.views }));
        case 'POST /set':
          data[key] = value;
          return send(Response.json({ ok: true }));
        case 'POST /slow-set':
          await delay(5);
          data[key] = value;
          return send(Response.json({ ok: true }));
        case 'POST /login':
          await session.login('u1');
          data.user = 'u1';
          return send(Response.json({ id: session.id }));
        case 'POST /logout':
          await session.destroy();
          return send(Response.json({ ok: true }));
        case 'GET /redirect':
          data.note = 'redirected';
          return send(Response.redirect(new URL('/peek', url), 302));
        case 'GET /stream': {
          data.note = 'streamed';
          const encoder = new TextEncoder();
          let i = 0;
          const body = new ReadableStream<Uint8Array>({
            pull(controller) {
              if (i < 10) controller.enqueue(encoder.encode(`chunk-${i++}\n`));
              else controller.close();
            },
          });
          return send(new Response(body, { headers: { 'content-type': 'text/plain' } }));
        }
        default:
          return new Response(null, { status: 404 });
      }
    }

    const served = await serveFetch(async (request) => {
      try {
        return await route(request);
      } catch (error) {
        // The app's own error path: a StoreError from load or commit carries its status (503).
        const status = (error as { status?: unknown }).status;
        return new Response('error', { status: typeof status === 'number' ? status : 500 });
      }
    });
    return { url: served.url, cookieName: manager.cookieName(false), close: served.close };
  },
};
