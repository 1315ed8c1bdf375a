/**
 * A minimal app with either middleware for the cookie-reading suites: `/login/:user` writes the
 * session and answers its ID, `/me` answers the ID and user the request's cookie resolved to.
 *
 * @module
 */
import type express from 'express';
import session from '../../src/adapters/express-session/index.js';
import { session as nativeSession } from '../../src/adapters/express/index.js';
import { SessionManager } from '../../src/index.js';
import type { Secret } from '../../src/core/signature.js';

/** Builds the app on `createApp` (Express 4 or 5) with the native middleware or the drop-in. */
export function loginApp(createApp: typeof express, flavour: 'native' | 'drop-in', secret: Secret | Secret[]): express.Express {
  const app = createApp();
  if (flavour === 'native') app.use(nativeSession(new SessionManager({ secret, warn: () => {} })));
  else app.use(session({ secret, resave: false, saveUninitialized: false }));
  app.get('/login/:user', (req, res) => {
    (req.session as unknown as { expressUser: string }).expressUser = req.params.user;
    res.json({ id: req.sessionID });
  });
  app.get('/me', (req, res) => {
    res.json({ id: req.sessionID, user: (req.session as unknown as { expressUser?: string }).expressUser ?? null });
  });
  return app;
}
