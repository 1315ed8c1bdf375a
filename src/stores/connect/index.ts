/**
 * `tessera/connect`: the bridge between Tessera stores and express-session ("connect") stores,
 * both ways: `fromExpressSessionStore` runs Tessera on an existing express-session store
 * (connect-redis, connect-pg-simple, ...), `toExpressSessionStore` runs express-session on a
 * Tessera store. Stored sessions keep one format, so both can share a store during a migration.
 *
 * @module
 */
export {
  ExpressSessionStoreAdapter,
  fromExpressSessionStore,
  type ExpiryReport,
  type ExpressSessionStoreAdapterOptions,
  type ExpressSessionStoreLike,
} from './express-session-store-adapter.js';
export {
  ExpressCompatibleStore,
  toExpressSessionStore,
  type EnumerableStore,
  type ExpressCompatibleStoreOptions,
} from './express-compatible-store.js';
export type { SessionObject } from './session-value.js';
