/**
 * In-memory contenders: no session (a), express-session + its MemoryStore (b),
 * tessera/express-session + session.MemoryStore (c), native tessera/express + MemoryStore (f).
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

export const nativeMemory: Factory = async () => {
  const { SessionManager } = await importTessera<ManagerModule>('core/manager.js');
  const { MemoryStore } = await importTessera<MemoryModule>('stores/memory/index.js');
  const { session } = await importTessera<ExpressModule>('adapters/express/index.js');
  const store = new MemoryStore();
  // The same lifetime as the express-session contenders: cookie maxAge and server idle timeout.
  const manager = new SessionManager({ secret: SECRET, store, name: 'sid', cookie: { maxAge: MAX_AGE }, idleTimeout: MAX_AGE });
  return { middleware: session(manager), close: () => store.close() };
};
