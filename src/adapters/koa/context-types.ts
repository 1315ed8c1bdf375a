/**
 * The context property `tessera/koa` adds, declared on Koa's `DefaultContext` (the interface
 * `@types/koa` leaves open for this): every `Koa.Context`, and every context of an app created
 * with the default context type, has a typed `ctx.session`.
 *
 * @module
 */
import type { Session, SessionData } from '../../core/session.js';

/** `ctx.session` as Tessera types it: its `Session` plus your augmented `SessionData`. */
export type KoaSession = Session & Partial<SessionData>;

declare module 'koa' {
  interface DefaultContext {
    /**
     * The session of this request (typed by augmenting `SessionData` from `tessera`). Assign
     * `null` to destroy it, as with koa-session: the record is deleted and the cookie cleared.
     */
    get session(): KoaSession;
    set session(value: KoaSession | null);
  }
}
