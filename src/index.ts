/**
 * Tessera: server-side web sessions for Node.js.
 *
 * The core is framework-agnostic: `SessionManager` turns a request's cookie into a `Session`
 * and the session back into a store write and a `Set-Cookie` header. Adapters live at
 * `tessera/express` (native), `tessera/express-session` (drop-in), `tessera/fastify`,
 * `tessera/koa`, `tessera/web` (Fetch API), `tessera/hono` and `tessera/node`; stores at
 * `tessera/memory`, `tessera/sqlite`, `tessera/redis`, `tessera/postgres`, `tessera/connect`.
 * Importing `tessera` loads no framework and no database driver.
 *
 * @module
 */
export { SessionManager } from './session-manager.js';
export { isStore } from './core/manager.js';
export type { SessionManagerOptions, TypedSession, LoadInput, LoadedSession } from './core/manager.js';
export { SessionEngine } from './core/engine.js';
export { setCookieLines } from './core/set-cookie-lines.js';
export type { EngineConfig, RequestContext, CommitResult, CommitHeader, SessionEvents, InvalidRecordInfo, ExpiredInfo, RenewedInfo, Concurrency, ConflictInfo } from './core/engine.js';
export { LIFETIME_PRESETS } from './core/lifetime-options.js';
export type { LifetimeOptions, LifetimePreset } from './core/lifetime-options.js';
export type { Duration } from './core/duration.js';
export { Session } from './core/session.js';
export type { SessionData, SessionCallback, SessionHooks, RegenerateOptions } from './core/session.js';
export type { LoginOptions } from './core/login.js';
export type { DeviceIpMode, DeviceOptions, DeviceSession } from './core/devices.js';
export { SessionCookie } from './core/session-cookie.js';
export type { CookieOptions, StoredCookie, SameSite, CookiePriority } from './core/session-cookie.js';
export { boundedCalls } from './core/store.js';
export type { Store, StoreRecord, UserEpochWatcher } from './core/store.js';
export type { CookieCacheOptions } from './core/cookie-cache-options.js';
export { TesseraError, StoreError, isTesseraError } from './core/errors.js';
export type { TesseraErrorCode, StoreErrorCode, StoreOperation } from './core/errors.js';
export { isDegraded } from './core/outage-policy.js';
export type { OnStoreError } from './core/outage-policy.js';
export type { CircuitBreakerOptions, CircuitState } from './core/circuit-breaker.js';
export { CIRCUIT_STATE_VALUE } from './core/metrics.js';
export type { SessionMetrics, SessionCounter, StoreCallOutcome } from './core/metrics.js';
export { signId, unsignId } from './core/signature.js';
export type { Secret } from './core/signature.js';
export { generateSessionId } from './core/id.js';
export { generateSecret, weakSecretReason, WEAK_SECRET_WARNING } from './core/secrets.js';
export { hashStoreKey } from './core/keys.js';
export type { EncryptionOptions, EncryptionKey } from './core/keyring.js';
export type { InvalidRecordReason } from './core/envelope.js';
export type { Clock } from './core/clock.js';
export { systemClock } from './core/clock.js';
