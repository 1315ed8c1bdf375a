/**
 * The properties `tessera/fastify` adds to Fastify's request and instance, by declaration
 * merging: importing the plugin types `request.session` everywhere.
 *
 * @module
 */
// From the public entry, not from core/: an app that imports only `tessera/fastify` augments
// `SessionData` through `declare module 'tessera'`, which TypeScript accepts only when the
// entry's declarations are part of the program (this import puts them there; it is type-only).
import type { Session, SessionData, SessionManager } from '../../index.js';

/** A request's session as Tessera types it: its `Session` plus your augmented `SessionData`. */
export type FastifyRequestSession = Session & Partial<SessionData>;

declare module 'fastify' {
  interface FastifyRequest {
    /**
     * The session of this request, loaded in `onRequest`; typed by augmenting `SessionData`
     * from `tessera`:
     * @example
     * declare module 'tessera' {
     *   interface SessionData { userId: string }
     * }
     */
    session: FastifyRequestSession;
  }
  interface FastifyInstance {
    /** The `SessionManager` behind `request.session` (for `listSessions`, `revokeAllSessions`, ...). */
    sessionManager: SessionManager<object>;
  }
}
