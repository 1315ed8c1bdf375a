// Classic `"module": "commonjs"` (node10 resolution, no esModuleInterop), as older NestJS
// starters have: subpaths resolve through typesVersions, namespace imports are callable.
import * as express from 'express';
import * as session from 'tessera/express-session';
import { SessionManager } from 'tessera';
import { session as nativeSession } from 'tessera/express';
import { MemoryStore } from 'tessera/memory';

declare module 'tessera' {
  interface SessionData {
    userId: string;
  }
}

const app = express();
app.use(session({ secret: 'a'.repeat(32), resave: false, saveUninitialized: false }));
app.use(nativeSession(new SessionManager({ secret: 'b'.repeat(32), store: new MemoryStore() })));
app.get('/', (req, res) => {
  req.session.userId = 'u1';
  // @ts-expect-error userId is a string
  req.session.userId = 1;
  res.send(req.sessionID);
});

export { app };
