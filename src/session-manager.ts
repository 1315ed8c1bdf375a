/**
 * The `SessionManager` that `tessera` exports: the core's manager with its default store wired
 * in. The core imports no store (stores build on the core, never the reverse), so the default,
 * a bounded in-memory `MemoryStore` on the manager's clock, is supplied here, beside the public
 * entry; adapters that build a manager from options (`tessera/fastify`) use this class too.
 *
 * @module
 */
import type { Clock } from './core/clock.js';
import { SessionManager as CoreSessionManager } from './core/manager.js';
import type { SessionData } from './core/session.js';
import type { Store } from './core/store.js';
import { MemoryStore } from './stores/memory/memory-store.js';

/**
 * Turns a request's cookie into a session, and the session back into a store write and a
 * `Set-Cookie` header (see the core's `SessionManager` for every method). Without a `store`
 * option, sessions live in a bounded `MemoryStore` (one process only; use `SqliteStore`,
 * `RedisStore` or `PostgresStore` beyond).
 *
 * @example
 * import { SessionManager } from 'tessera';
 * import { SqliteStore } from 'tessera/sqlite';
 *
 * const manager = new SessionManager<{ userId: string }>({
 *   secret: process.env.SESSION_SECRET!,
 *   store: new SqliteStore({ path: './data/sessions.db' }), // default: a MemoryStore
 * });
 */
export class SessionManager<T extends object = SessionData> extends CoreSessionManager<T> {
  /** A bounded `MemoryStore` on the manager's clock, so expiry follows an injected clock. */
  protected static override defaultStore(clock: Clock): Store {
    return new MemoryStore({ clock });
  }
}
