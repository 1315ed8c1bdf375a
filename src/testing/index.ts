/**
 * `tessera/testing`: the store conformance suite, for our stores and third-party ones alike.
 *
 * @module
 */
export { storeConformance, type StoreConformanceOptions } from './store-conformance.js';
