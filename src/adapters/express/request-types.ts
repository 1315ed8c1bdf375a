/**
 * The request properties Tessera's Express adapters add, declared once for both
 * (`tessera/express` and `tessera/express-session` share the same `Session` class).
 *
 * Coexisting with `@types/express-session`: many apps keep it after switching (a store's own
 * types, such as express-mysql-session's, depend on it), and it declares `req.session` and
 * `req.sessionStore` too. TypeScript rejects two declarations of one property with different
 * types (TS2717), so Tessera's come from a base interface instead: a property declared directly
 * on `Express.Request` (theirs) overrides a base's, as long as it is assignable to it. The base
 * types `req.session` with Tessera's `Session` when express-session's declarations are absent,
 * and steps aside (`unknown`) when they are present; `sessionID: string` is identical in both.
 *
 * @module
 */
import type { Session, SessionData } from '../../core/session.js';
import type { Store } from '../../core/store.js';

/**
 * `true` when `@types/express-session`'s declarations are in the program. Detected through the
 * store type they give `req.sessionStore` (it has express-session's `generate`); Tessera's own
 * `sessionStore` type has none, so the check never depends on itself.
 */
export type ExpressSessionTypesPresent = Express.Request extends { sessionStore: { generate: (...args: never[]) => unknown } } ? true : false;

/** The request session as Tessera types it: its `Session` plus your augmented `SessionData`. */
export type RequestSession = Session & Partial<SessionData>;

/** The properties Tessera's middlewares put on `req` (a base of Express's `Request`). */
export interface TesseraRequestProperties {
  /**
   * The session of this request; typed by augmenting `SessionData` from `tessera`. With
   * `@types/express-session` in the program its declaration types `req.session` instead
   * (augment express-session's `SessionData` then).
   */
  session: ExpressSessionTypesPresent extends true ? unknown : RequestSession;
  /** The store behind the session middleware (express-session compatible). */
  sessionStore: Store | object;
}

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request extends TesseraRequestProperties {
      /** The session ID (express-session compatible; declared identically by `@types/express-session`). */
      sessionID: string;
    }
  }
}
