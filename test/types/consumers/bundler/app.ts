// A bundler project (Vite, esbuild, webpack): `moduleResolution: bundler`.
import express from 'express';
import session from 'tessera/express-session';
import { SessionManager } from 'tessera';
import { session as nativeSession } from 'tessera/express';
import { MemoryStore } from 'tessera/memory';

declare module 'tessera' {
  interface SessionData {
    cart: string[];
  }
}

const app = express();
app.use(session({ secret: 'a'.repeat(32), resave: false, saveUninitialized: false }));
app.use(nativeSession(new SessionManager({ secret: 'b'.repeat(32), store: new MemoryStore() })));
app.get('/', (req, res) => {
  req.session.cart = [...(req.session.cart ?? []), 'apple'];
  // @ts-expect-error cart is a string array
  req.session.cart = 'apple';
  res.json(req.session.cart);
});

export { app };
