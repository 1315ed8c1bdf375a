// The drop-in as the README shows it: one changed import, data typed by augmenting Tessera's SessionData.
import express from 'express';
import session from 'tessera/express-session';

declare module 'tessera' {
  interface SessionData {
    userId: string;
    visits: number;
  }
}

const app = express();
app.use(session({ secret: 'a'.repeat(32), resave: false, saveUninitialized: false, cookie: { maxAge: 60_000 } }));
app.use(session({ secret: ['new', 'old'], store: new session.MemoryStore() }));

app.get('/', (req, res) => {
  req.session.visits = (req.session.visits ?? 0) + 1;
  const id: string = req.sessionID;
  // @ts-expect-error visits is a number
  req.session.visits = 'many';
  // @ts-expect-error userId is a string
  req.session.userId = 42;
  req.session.regenerate((err) => {
    if (err) throw err;
    req.session.save(() => res.send(`${id} ${req.session.visits}`));
  });
});

class CountingStore extends session.Store {
  get(sid: string, cb: (err: unknown, value?: session.SessionObject | null) => void): void {
    cb(null, null);
  }
  set(sid: string, value: session.SessionObject, cb?: (err?: unknown) => void): void {
    cb?.();
  }
  destroy(sid: string, cb?: (err?: unknown) => void): void {
    cb?.();
  }
}
app.use(session({ secret: 'a'.repeat(32), store: new CountingStore() }));
const cookie = new session.Cookie({ maxAge: 1000 });
cookie.maxAge = 2000;

export { app };

// @ts-expect-error resave is a boolean
app.use(session({ secret: 's', resave: 'yes' }));
