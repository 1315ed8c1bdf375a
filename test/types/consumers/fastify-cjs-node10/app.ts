// tessera/fastify under classic `"module": "commonjs"` (node10 resolution): the subpath resolves
// through typesVersions, and `request.session` is typed by augmenting 'tessera' in a project
// that imports only 'tessera/fastify'. (esModuleInterop is on: Fastify's own types, through
// pino's, need it.)
import fastify from 'fastify';
import { tesseraSession } from 'tessera/fastify';

declare module 'tessera' {
  interface SessionData {
    visits: number;
  }
}

const app = fastify();
app.register(tesseraSession, { secret: 'b'.repeat(32) });
app.get('/', async (request) => {
  request.session.visits = 1;
  // @ts-expect-error visits is a number
  request.session.visits = 'many';
  return { id: request.session.id };
});

export { app };
