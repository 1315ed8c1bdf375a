/**
 * `tessera/sqlite`: the SQLite session store (needs the `better-sqlite3` peer dependency).
 *
 * @module
 */
export { SqliteStore, type SqliteStoreOptions } from './sqlite-store.js';
