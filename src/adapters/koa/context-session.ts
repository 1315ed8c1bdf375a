/**
 * `ctx.session`: an accessor on the app's context prototype (`app.context`), defined once per
 * app, that reads the request's `RequestCommit` from a symbol slot on the context. One
 * accessor on the prototype costs nothing per request; defining a property on every context
 * would (V8 copies the object's shape for each one).
 *
 * @module
 */
import type { RequestCommit } from './request-commit.js';

/** The request's session state, on the Koa context. */
export const kCommit: unique symbol = Symbol('tessera.koa.session');

/** A Koa context as this adapter sees it. */
export interface SessionContext {
  [kCommit]?: RequestCommit;
}

const ours = new WeakSet<object>();

/**
 * Defines `session` on `proto` (the app's `app.context`), once. Reading it gives the request's
 * session; assigning `null` destroys it (as with koa-session); assigning the session itself is
 * a no-op; anything else is a `TypeError` (set properties on `ctx.session` instead).
 */
export function defineSessionAccessor(proto: object): void {
  if (ours.has(proto)) return;
  const existing = Object.getOwnPropertyDescriptor(proto, 'session');
  if (existing !== undefined) {
    throw new TypeError('tessera/koa: ctx.session is already defined on this app (by koa-session or another session middleware): use one session middleware per app');
  }
  Object.defineProperty(proto, 'session', {
    configurable: true,
    enumerable: false,
    get(this: SessionContext) {
      return this[kCommit]?.session;
    },
    set(this: SessionContext, value: unknown) {
      const commit = this[kCommit];
      if (commit === undefined) {
        // No session middleware ran for this request: behave as a plain property would.
        Object.defineProperty(this, 'session', { configurable: true, enumerable: true, writable: true, value });
        return;
      }
      if (value === null) commit.destroy();
      else if (value !== commit.session) {
        throw new TypeError('ctx.session can only be set to null (to destroy the session): set its properties instead (ctx.session.userId = ...)');
      }
    },
  });
  ours.add(proto);
}
