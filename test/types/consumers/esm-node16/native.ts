// The native API: SessionManager + tessera/express, with typed data.
import express from 'express';
import { SessionManager, isTesseraError } from 'tessera';
import { session } from 'tessera/express';
import { MemoryStore } from 'tessera/memory';

const manager = new SessionManager({ secret: 'b'.repeat(32), store: new MemoryStore() });
const app = express();
app.use(session(manager));
app.post('/login', async (req, res) => {
  await req.session.regenerate();
  req.session.userId = 'u1';
  // @ts-expect-error userId is a string (augmented in drop-in.ts)
  req.session.userId = 1;
  res.redirect('/');
});
app.use((err: unknown, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
  res.status(isTesseraError(err, 'ERR_STORE_FAILED') ? 503 : 500).end();
});

export { app };
