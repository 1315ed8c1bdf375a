// CommonJS with TypeScript's own require syntax: `import x = require(...)`, as in express-session's docs.
import express = require('express');
import session = require('tessera/express-session');
import tessera = require('tessera');
import nativeExpress = require('tessera/express');

declare module 'tessera' {
  interface SessionData {
    userId: string;
  }
}

const app = express();
app.use(session({ secret: 'a'.repeat(32), resave: false, saveUninitialized: false }));
app.use(session({ secret: 'a'.repeat(32), store: new session.MemoryStore() }));
app.use(nativeExpress.session(new tessera.SessionManager({ secret: 'b'.repeat(32) })));
app.get('/', (req, res) => {
  req.session.userId = 'u1';
  // @ts-expect-error userId is a string
  req.session.userId = 1;
  res.send(req.sessionID);
});
const options: session.ExpressSessionOptions = { secret: 's' };
class MyStore extends session.Store {
  get(_sid: string, cb: (err: unknown, s?: session.SessionObject | null) => void): void {
    cb(null, null);
  }
  set(_sid: string, _s: session.SessionObject, cb?: (err?: unknown) => void): void {
    cb?.();
  }
  destroy(_sid: string, cb?: (err?: unknown) => void): void {
    cb?.();
  }
}
app.use(session({ ...options, store: new MyStore() }));
const cookie: session.Cookie = new session.Cookie({ maxAge: 1000 });
void cookie;

export = app;
