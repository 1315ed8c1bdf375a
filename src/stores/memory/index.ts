/**
 * `tessera/memory`: the bounded in-memory session store.
 *
 * @module
 */
export { MemoryStore, type MemoryStoreOptions } from './memory-store.js';
