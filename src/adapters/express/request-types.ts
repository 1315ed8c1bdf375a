/**
 * The request properties Tessera's Express adapters add, declared once for both
 * (`tessera/express` and `tessera/express-session` share the same `Session` class).
 * Do not combine with `@types/express-session` in one program: it declares `req.session` too.
 *
 * @module
 */
import type { Session, SessionData } from '../../core/session.js';
import type { Store } from '../../core/store.js';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      /** The session of this request; typed by augmenting `SessionData` from `tessera`. */
      session: Session & Partial<SessionData>;
      /** The session ID (express-session compatible). */
      sessionID: string;
      /** The store behind the session middleware (express-session compatible). */
      sessionStore: Store | object;
    }
  }
}

export {};
