/**
 * Loading the peers (express-session and its stores) and Tessera modules still being written,
 * without their type declarations: `@types/express-session` and Tessera both declare
 * `req.session`, and the type-check of bench/ shares one program with src/, so the peers are
 * typed here by the few members the benchmark uses.
 *
 * @module
 */
import { createRequire } from 'node:module';
import type { RequestHandler } from 'express';

const require = createRequire(import.meta.url);

/** The parts of express-session the benchmark uses. */
export interface ExpressSessionModule {
  (options: object): RequestHandler;
  MemoryStore: new () => object;
  Store: new () => object;
  Cookie: new (options?: object) => object;
}

/** express-session, loaded as CommonJS. */
export function expressSession(): ExpressSessionModule {
  return require('express-session') as ExpressSessionModule;
}

/** A CommonJS module by name, typed by the caller. */
export function requireAs<T>(name: string): T {
  return require(name) as T;
}

/**
 * An ES module by package name or by path relative to bench/servers/, typed by the caller. The
 * specifier is a variable so the type-check does not require the file to exist yet.
 */
export async function importAs<T>(specifier: string): Promise<T> {
  const target = specifier.startsWith('.') ? new URL(specifier, import.meta.url).href : specifier;
  return (await import(target)) as T;
}

/**
 * A Tessera module by its path under src/ with a `.js` ending (e.g. `stores/redis/index.js`):
 * from the compiled bench/.tmp/dist (see bench/build.ts), or the sources with `BENCH_TESSERA=src`.
 */
export function importTessera<T>(path: string): Promise<T> {
  const base = process.env.BENCH_TESSERA === 'src' ? '../../src/' : '../.tmp/dist/';
  return importAs<T>(`${base}${path}`);
}

/** The parts of `tessera/express-session` (the drop-in) the benchmark uses. */
export interface DropInModule {
  default?: DropIn;
  session?: DropIn;
}

/** The drop-in's `session(options)` with its `session.MemoryStore`. */
export interface DropIn {
  (options: object): RequestHandler;
  MemoryStore: new (options?: object) => object;
}

/** The drop-in, whichever way it is exported (default export, or a named `session`). */
export async function dropIn(): Promise<DropIn> {
  const mod = await importTessera<DropInModule>('adapters/express-session/index.js');
  const fn = mod.default ?? mod.session;
  if (typeof fn !== 'function') throw new Error('src/adapters/express-session exports no session function');
  return fn;
}
