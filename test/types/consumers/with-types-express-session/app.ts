// An app that kept @types/express-session (a store's own types need it) and switched the import:
// express-session's declarations type req.session, augmented the way they always were.
import express from 'express';
import MySQLStoreFactory from 'express-mysql-session';
import session from 'tessera/express-session';

declare module 'express-session' {
  interface SessionData {
    userId: string;
  }
}

const MySQLStore = MySQLStoreFactory(session);
const store = new MySQLStore({ host: '127.0.0.1', port: 3306, user: 'root', database: 'test' });

const app = express();
app.use(session({ secret: 'a'.repeat(32), store, resave: false, saveUninitialized: false }));
app.get('/', (req, res) => {
  req.session.userId = 'u1';
  // @ts-expect-error userId is a string
  req.session.userId = 1;
  req.sessionStore.get(req.sessionID, () => undefined);
  req.session.regenerate(() => res.send(req.sessionID));
});

export { app };

// The drop-in's own options are still checked with express-session's types present.
// @ts-expect-error resave is a boolean
app.use(session({ secret: 's', resave: 'yes' }));
