/**
 * The matrix app for `tessera/fastify`: Fastify 5 with `app.register(tesseraSession, options)`,
 * its store errors answered by Fastify's own default error handler (the status the error
 * carries: 503 for a `StoreError`).
 *
 * @module
 */
import { Readable } from 'node:stream';
import { setTimeout as delay } from 'node:timers/promises';
import type { FastifyRequest } from 'fastify';
import tesseraSession from '../../../src/adapters/fastify/index.js';
import { fastifyApp, listenFastify } from '../../helpers/fastify-apps.js';
import type { MatrixAdapter } from '../matrix-app.js';
import { matrixManagerOptions } from './manager.js';

/** The session as a bag of values (the matrix keeps arbitrary keys in it). */
const data = (request: FastifyRequest): Record<string, unknown> => request.session as unknown as Record<string, unknown>;
const text = (request: FastifyRequest, name: string): string => String((request.query as Record<string, unknown>)[name] ?? '');

export const fastifyAdapter: MatrixAdapter = {
  name: 'fastify',
  async start(setup) {
    const app = fastifyApp();
    await app.register(tesseraSession, matrixManagerOptions(setup));
    app.get('/peek', async (request) => {
      const s = data(request);
      return { id: request.session.isNew ? null : request.session.id, views: s.views ?? null, user: s.user ?? null, note: s.note ?? null };
    });
    app.post('/incr', async (request) => {
      const s = data(request);
      s.views = ((s.views as number | undefined) ?? 0) + 1;
      return { views: s.views };
    });
    app.post('/set', async (request) => {
      data(request)[text(request, 'key')] = text(request, 'value');
      return { ok: true };
    });
    app.post('/slow-set', async (request) => {
      await delay(5);
      data(request)[text(request, 'key')] = text(request, 'value');
      return { ok: true };
    });
    app.post('/login', async (request) => {
      await request.session.login('u1');
      data(request).user = 'u1';
      return { id: request.session.id };
    });
    app.post('/logout', async (request) => {
      await request.session.destroy();
      return { ok: true };
    });
    app.get('/redirect', async (request, reply) => {
      data(request).note = 'redirected';
      return reply.redirect('/peek');
    });
    app.get('/stream', async (request, reply) => {
      data(request).note = 'streamed';
      reply.type('text/plain');
      return reply.send(Readable.from(Array.from({ length: 10 }, (_, i) => `chunk-${i}\n`)));
    });
    const server = await listenFastify(app);
    return { url: server.url, cookieName: app.sessionManager.cookieName(false), close: server.close };
  },
};
