// tessera/express in the same program: the native middleware still compiles next to @types/express-session.
import express from 'express';
import { SessionManager } from 'tessera';
import { session } from 'tessera/express';

const app = express();
app.use(session(new SessionManager({ secret: 'b'.repeat(32) })));

export { app };
