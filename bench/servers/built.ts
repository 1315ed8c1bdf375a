/**
 * What a contender factory returns: the session middleware, and how to clean up after it.
 *
 * @module
 */
import type { RequestHandler } from 'express';

/** A contender's session middleware and its cleanup (stores closed, tables, keys and files removed). */
export interface Built {
  middleware: RequestHandler;
  close(): Promise<void>;
}

/** Builds one contender; `tag` is unique to this server process (for key prefixes and tables). */
export type Factory = (tag: string) => Promise<Built>;

/** Calls an optional `close()`/`end()`-style method if the object has it. */
export async function closeIfAny(target: object, method = 'close'): Promise<void> {
  const fn = (target as Record<string, unknown>)[method];
  if (typeof fn === 'function') await (fn as () => unknown).call(target);
}
