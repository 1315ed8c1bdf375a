/**
 * `tessera/postgres`: a session store on PostgreSQL through a `pg` Pool you own.
 *
 * @module
 */
export { PostgresStore, type PostgresPool, type PostgresStoreOptions } from './postgres-store.js';
