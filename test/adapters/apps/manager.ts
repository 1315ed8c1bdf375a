/**
 * The `SessionManager` every native matrix app builds from the matrix's `MatrixSetup`: the same
 * store, clock, secret, lifetimes and store timeout for each adapter, the cookie cache in the
 * scenarios that turn it on, and warnings silenced.
 *
 * @module
 */
import type { SessionManagerOptions } from '../../../src/core/manager.js';
import type { SessionData } from '../../../src/core/session.js';
import { SessionManager } from '../../../src/index.js';
import type { MatrixSetup } from '../matrix-app.js';

/** The manager options of a native app (Fastify's plugin takes them as its own options). */
export function matrixManagerOptions(setup: MatrixSetup): SessionManagerOptions {
  return {
    secret: setup.secret,
    store: setup.store,
    clock: setup.clock,
    lifetime: setup.lifetime,
    storeTimeout: setup.storeTimeout,
    warn: () => {},
    ...setup.cache,
  };
}

/** A `SessionManager` over the matrix's setup. */
export function matrixManager<T extends object = SessionData>(setup: MatrixSetup): SessionManager<T> {
  return new SessionManager<T>(matrixManagerOptions(setup));
}
