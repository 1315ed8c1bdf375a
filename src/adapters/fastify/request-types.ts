/**
 * The properties `tessera/fastify` adds to Fastify's request and instance, by declaration
 * merging: importing the plugin types `request.session` everywhere.
 *
 * @module
 */
import type { SessionManager } from '../../core/manager.js';
import type { Session, SessionData } from '../../core/session.js';

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
