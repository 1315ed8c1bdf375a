// connect-pg-simple ships no type declarations; these cover what Tessera's tests use.
declare module 'connect-pg-simple' {
  import type session from 'express-session';
  import type { Pool } from 'pg';

  interface PGStoreOptions {
    pool?: Pool;
    schemaName?: string;
    tableName?: string;
    createTableIfMissing?: boolean;
    ttl?: number;
    disableTouch?: boolean;
    pruneSessionInterval?: false | number;
    errorLog?: (...args: unknown[]) => void;
  }

  class PGStore extends session.Store {
    constructor(options?: PGStoreOptions);
    get(sid: string, callback: (err: any, session?: session.SessionData | null) => void): void;
    set(sid: string, session: session.SessionData, callback?: (err?: any) => void): void;
    destroy(sid: string, callback?: (err?: any) => void): void;
    touch(sid: string, session: session.SessionData, callback?: (err?: any) => void): void;
    close(): Promise<void>;
  }

  function connectPgSimple(expressSession: typeof session): typeof PGStore;
  export = connectPgSimple;
}
