/**
 * SQLite contenders: express-session + better-sqlite3-session-store (d) and
 * tessera/express-session + SqliteStore (e). Each uses its own database file in the temp
 * directory, removed afterwards, with the same settings: WAL and `synchronous = NORMAL` (what
 * SqliteStore sets on a file it opens; the peer gets them by hand, as a careful user would).
 *
 * @module
 */
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { closeIfAny, type Factory } from './built.js';
import { dropIn, expressSession, importTessera, requireAs } from './untyped.js';
import { sessionOptions } from '../session-data.js';

function dbPath(tag: string): string {
  return join(tmpdir(), `tessera-bench-${tag}.db`);
}

function removeDb(path: string): void {
  for (const suffix of ['', '-wal', '-shm']) rmSync(`${path}${suffix}`, { force: true });
}

type PeerStoreClass = new (options: { client: Database.Database; expired?: object }) => object;

export const esSqlite: Factory = async (tag) => {
  const session = expressSession();
  const SqliteStore = requireAs<(es: unknown) => PeerStoreClass>('better-sqlite3-session-store')(session);
  const path = dbPath(tag);
  const client = new Database(path);
  client.pragma('journal_mode = WAL');
  client.pragma('synchronous = NORMAL');
  // Its expiry sweep is a plain setInterval (never unref'd, no close()): leave it at its default 15 min.
  const store = new SqliteStore({ client });
  return {
    middleware: session({ ...sessionOptions(), store }),
    close: async () => {
      client.close();
      removeDb(path);
    },
  };
};

interface SqliteModule {
  SqliteStore: new (options: Record<string, unknown>) => object;
}

export const tsSqlite: Factory = async (tag) => {
  const session = await dropIn();
  const { SqliteStore } = await importTessera<SqliteModule>('stores/sqlite/index.js');
  const path = dbPath(tag);
  const store = new SqliteStore({ path });
  return {
    middleware: session({ ...sessionOptions(), store }),
    close: async () => {
      await closeIfAny(store);
      removeDb(path);
    },
  };
};
