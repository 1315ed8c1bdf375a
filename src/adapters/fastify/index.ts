/**
 * `tessera/fastify`: sessions for Fastify 5, secure by default, as a plugin (wrapped with
 * `fastify-plugin`, so `request.session` reaches every route). Takes @fastify/session's options
 * where the two overlap (`secret`, `cookieName`, `cookie`, `saveUninitialized`, `rolling`,
 * `idGenerator`, `store`), or a `SessionManager` shared with other adapters. @fastify/cookie is
 * not needed.
 *
 * @example
 * import Fastify from 'fastify';
 * import tesseraSession from 'tessera/fastify';
 * import { SqliteStore } from 'tessera/sqlite';
 *
 * const app = Fastify();
 * await app.register(tesseraSession, { secret: process.env.SESSION_SECRET!, store: new SqliteStore({ path: './sessions.db' }) });
 * app.post('/login', async (request, reply) => {
 *   await request.session.login('u1'); // new ID (no session fixation), stored before it resolves
 *   return reply.redirect('/');
 * });
 *
 * @module
 */
import type { FastifyInstance, FastifyPluginCallback } from 'fastify';
import { fastifyPlugin } from 'fastify-plugin';
import { commitHook, kCommit, loadHook } from './hooks.js';
import { resolveManager, type TesseraFastifyOptions } from './options.js';
import './request-types.js';

export type { SessionManager } from '../../core/manager.js';
export type { FastifyRequestSession } from './request-types.js';
export type { TesseraFastifyManagerOptions, TesseraFastifyOptions, TesseraFastifySessionOptions } from './options.js';

function plugin(fastify: FastifyInstance, options: TesseraFastifyOptions, done: (err?: Error) => void): void {
  try {
    const manager = resolveManager(options);
    // Registered twice, these throw (the decorators exist): reported through `done`, as a bad option is.
    fastify.decorate('sessionManager', manager);
    fastify.decorateRequest('session', null as never);
    fastify.decorateRequest(kCommit, null);
    fastify.addHook('onRequest', loadHook(manager));
    fastify.addHook('onSend', commitHook(manager));
  } catch (error) {
    done(error as Error);
    return;
  }
  done();
}

/**
 * The Fastify plugin: `app.register(tesseraSession, { secret, store })` or
 * `app.register(tesseraSession, { manager })`. Every request gets `request.session`, loaded in
 * `onRequest`; the store write, the `Set-Cookie` lines and the headers the commit asks for
 * (`Cache-Control: no-store`, `Clear-Site-Data` at logout) are on the reply before its head is
 * sent, for `reply.send`, `reply.redirect` and streamed replies alike, and `Vary: Cookie` with
 * them. A store failure goes to Fastify's error handler (503 for a `StoreError`). After
 * `reply.hijack()` the session is still committed before the head, on `reply.raw`.
 *
 * A bad option is a `TypeError` naming it, reported by `register`.
 *
 * @example
 * import Fastify from 'fastify';
 * import { tesseraSession } from 'tessera/fastify';
 *
 * declare module 'tessera' {
 *   interface SessionData { views: number }
 * }
 *
 * const app = Fastify();
 * await app.register(tesseraSession, { secret: process.env.SESSION_SECRET!, cookie: { maxAge: 86_400_000 } });
 * app.get('/', async (request) => ({ views: (request.session.views = (request.session.views ?? 0) + 1) }));
 */
export const tesseraSession: FastifyPluginCallback<TesseraFastifyOptions> = fastifyPlugin(plugin, { fastify: '5.x', name: 'tessera' });

export default tesseraSession;
