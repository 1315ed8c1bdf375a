// tessera/hono and tessera/web under classic `"module": "commonjs"` (node10 resolution, no
// esModuleInterop): the subpaths resolve through typesVersions, strict, no skipLibCheck.
import { Hono } from 'hono';
import { SessionManager } from 'tessera';
import { session, type SessionEnv } from 'tessera/hono';
import { webSessions } from 'tessera/web';

type Data = { views: number };
const manager = new SessionManager<Data>({ secret: 'x'.repeat(32) });
const app = new Hono<SessionEnv<Data>>();
app.use(session(manager));
app.get('/', (c) => {
  const s = c.get('session');
  // @ts-expect-error views is a number
  s.views = 'many';
  return c.json({ views: s.views ?? 0 });
});

const sessions = webSessions(manager);
export async function handle(request: Request): Promise<Response> {
  const s = await sessions.load(request);
  s.views = 1;
  return sessions.commit(s, new Response('ok'));
}
export { app };
