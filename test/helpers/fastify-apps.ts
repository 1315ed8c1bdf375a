/**
 * Fastify apps on real ports for the `tessera/fastify` tests.
 *
 * @module
 */
import Fastify, { type FastifyInstance, type FastifyPluginCallback, type FastifyServerOptions } from 'fastify';
import { createRequire } from 'node:module';
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

const require = createRequire(import.meta.url);

/**
 * A session plugin as an app registers it: `app.register(plugin, options)`. @fastify/session is
 * loaded untyped on purpose: its declaration of `request.session` would clash with Tessera's in
 * this one type-checked program (an app has one or the other).
 */
export interface SessionPluginUnderTest {
  name: '@fastify/session' | 'tessera/fastify';
  plugin: FastifyPluginCallback<Record<string, unknown>>;
}

/** @fastify/session (with the @fastify/cookie it requires) and tessera/fastify, side by side. */
export function sessionPlugins(tessera: FastifyPluginCallback<never>): SessionPluginUnderTest[] {
  return [
    { name: '@fastify/session', plugin: require('@fastify/session') as FastifyPluginCallback<Record<string, unknown>> },
    { name: 'tessera/fastify', plugin: tessera as unknown as FastifyPluginCallback<Record<string, unknown>> },
  ];
}

/** @fastify/cookie, which @fastify/session requires (and tessera/fastify does not mind). */
export const fastifyCookie = require('@fastify/cookie') as FastifyPluginCallback;

/** A Fastify logger that keeps every line it logs (JSON objects), at `level` and above. */
export function keptLogs(level = 'warn'): { logger: { level: string; stream: { write(line: string): void } }; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  return { logger: { level, stream: { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) } }, lines };
}
