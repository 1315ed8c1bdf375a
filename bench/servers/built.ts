/**
 * What a contender factory returns: either an Express session middleware (mounted in front of
 * the shared Express app, bench/servers/app.ts) or a whole server of another framework, and how
 * to clean up after it.
 *
 * @module
 */
import type { Server } from 'node:http';
import type { RequestHandler } from 'express';

/** An Express contender: its session middleware, in front of bench/servers/app.ts. */
export interface ExpressBuilt {
  middleware: RequestHandler;
  close(): Promise<void>;
}

/**
 * A contender on another framework (Fastify, Koa, Hono, bare node:http): it serves the same
 * routes itself (bench/servers/routes.ts) and `start()` listens on a free port of 127.0.0.1.
 */
export interface ServerBuilt {
  start(): Promise<Server>;
  close(): Promise<void>;
}

/** A contender's server setup and its cleanup (stores closed, tables, keys and files removed). */
export type Built = ExpressBuilt | ServerBuilt;

/** Builds one contender; `tag` is unique to this server process (for key prefixes and tables). */
export type Factory = (tag: string) => Promise<Built>;

/** Calls an optional `close()`/`end()`-style method if the object has it. */
export async function closeIfAny(target: object, method = 'close'): Promise<void> {
  const fn = (target as Record<string, unknown>)[method];
  if (typeof fn === 'function') await (fn as () => unknown).call(target);
}

/** Resolves once `server` listens (or rejects with its error). */
export function listening(server: Server): Promise<Server> {
  return new Promise((resolve, reject) => {
    if (server.listening) resolve(server);
    else server.once('listening', () => resolve(server)).once('error', reject);
  });
}
