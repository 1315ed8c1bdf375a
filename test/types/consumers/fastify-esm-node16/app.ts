// tessera/fastify in an ESM project: the default and the named export, both option shapes, and
// `request.session` typed by declaration merging (the @ts-expect-error lines prove it).
import Fastify from 'fastify';
import { SessionManager } from 'tessera';
import tesseraSession, { tesseraSession as named, type TesseraFastifyOptions } from 'tessera/fastify';
import { MemoryStore } from 'tessera/memory';

declare module 'tessera' {
  interface SessionData {
    visits: number;
  }
}

const app = Fastify();
await app.register(tesseraSession, { secret: 'b'.repeat(32), store: new MemoryStore(), cookieName: 'sessionId', saveUninitialized: false, rolling: false });
const options: TesseraFastifyOptions = { manager: new SessionManager({ secret: 'c'.repeat(32) }) };
await Fastify().register(named, options);
app.get('/', async (request) => {
  request.session.visits = (request.session.visits ?? 0) + 1;
  // @ts-expect-error visits is a number
  request.session.visits = 'many';
  await request.session.login('u1');
  const id: string = request.session.id;
  return { id, manager: typeof app.sessionManager.revokeAllSessions };
});
// @ts-expect-error idGenerator takes the request and returns a string
await Fastify().register(tesseraSession, { secret: 'b'.repeat(32), idGenerator: () => 1 });

export { app };
