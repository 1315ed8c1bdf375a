/**
 * In-memory contenders: no session (a), express-session + its MemoryStore (b),
 * tessera/express-session + session.MemoryStore (c), native tessera/express + MemoryStore (f),
 * and the same native stack with hashed store keys + encryption (k) and with neither (l).
 *
 * @module
 */
import { noSession } from './app.js';
import { closeIfAny, type Factory } from './built.js';
import { dropIn, expressSession, importTessera } from './untyped.js';
import { MAX_AGE, SECRET, sessionOptions } from '../session-data.js';

export const none: Factory = async () => ({ middleware: noSession, close: async () => {} });

export const esMemory: Factory = async () => {
  const session = expressSession();
  const store = new session.MemoryStore();
  return { middleware: session({ ...sessionOptions(), store }), close: async () => {} };
};

export const tsMemory: Factory = async () => {
  const session = await dropIn();
  const store = new session.MemoryStore();
  return { middleware: session({ ...sessionOptions(), store }), close: () => closeIfAny(store) };
};

type ManagerModule = typeof import('../../src/core/manager.js');
type MemoryModule = typeof import('../../src/stores/memory/index.js');
type ExpressModule = typeof import('../../src/adapters/express/index.js');

/** The native stack; `security` overrides the defaults under test (hashed keys, encryption). */
async function native(security: { hashStoreKeys?: boolean; encryption?: { keys: Array<{ id: string; key: string }> } }): ReturnType<Factory> {
  const { SessionManager } = await importTessera<ManagerModule>('core/manager.js');
  const { MemoryStore } = await importTessera<MemoryModule>('stores/memory/index.js');
  const { session } = await importTessera<ExpressModule>('adapters/express/index.js');
  const store = new MemoryStore();
  // The same lifetime as the express-session contenders: cookie maxAge and server idle timeout.
  const manager = new SessionManager({ secret: SECRET, store, name: 'sid', cookie: { maxAge: MAX_AGE }, idleTimeout: MAX_AGE, ...security });
  return { middleware: session(manager), close: () => store.close() };
}

export const nativeMemory: Factory = () => native({});
/** The native stack with other security options (for `bench/read-cpu.ts`, one default at a time). */
export const nativeMemoryWith = (security: Parameters<typeof native>[0]): Factory => () => native(security);
/** A fixed benchmark-only key (32 bytes, base64url). */
const BENCH_KEY = 'pTqv2bq6pGjU2Xn2wq9vA1m1tS8mI3hK4cWcDkz8b1E';
export const BENCH_ENCRYPTION = { keys: [{ id: 'bench', key: BENCH_KEY }] };
export const nativeMemorySecure: Factory = () => native({ hashStoreKeys: true, encryption: BENCH_ENCRYPTION });
export const nativeMemoryPlain: Factory = () => native({ hashStoreKeys: false });
