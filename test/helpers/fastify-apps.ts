/**
 * Fastify apps on real ports for the `tessera/fastify` tests.
 *
 * @module
 */
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { AddressInfo } from 'node:net';

// What the Fastify adapter tests keep in sessions, typed the way an application does it.
// (Names are prefixed: this augmentation is visible to the whole type-checked program.)
declare module '../../src/core/session.js' {
  interface SessionData {
    fastifyViews: number;
    fastifyUser: string;
    fastifyNote: string;
  }
}

/** A listening Fastify app. */
export interface FastifyListening {
  app: FastifyInstance;
  url: string;
  close(): Promise<void>;
}

/** A Fastify app with logging off unless asked, for `build` to add plugins and routes to. */
export function fastifyApp(options: FastifyServerOptions = {}): FastifyInstance {
  return Fastify({ logger: false, ...options });
}

/** Listens on an ephemeral port of 127.0.0.1. */
export async function listenFastify(app: FastifyInstance): Promise<FastifyListening> {
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;
  return {
    app,
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      // fetch keeps connections alive; end them so close() completes.
      app.server.closeAllConnections();
      await app.close();
    },
  };
}
