// This repository's own programs (the build and the tests) put Tessera next to real
// express-session and its @types in one program, which consumers rarely do. Listed first in
// tsconfig.json's `files`, this declares `req.session` directly with Tessera's type, so the
// first declaration (this one) types it here, as the adapters' code expects. Not shipped:
// consumers get src/adapters/express/request-types.ts alone, which steps aside for
// @types/express-session (test/types/consumers.test.ts compiles both cases from the tarball).
import type { RequestSession } from '../../src/adapters/express/request-types.js';
import type { Store } from '../../src/core/store.js';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      session: RequestSession;
      sessionStore: Store | object;
    }
  }
}
