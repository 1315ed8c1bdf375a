// tessera/hono and tessera/web in a strict ESM project without the DOM library (Request and
// Response come from @types/node, as on a Node server) and without skipLibCheck.
import { Hono } from 'hono';
import { SessionManager, type TypedSession } from 'tessera';
import { session, type SessionEnv, type SessionVariables } from 'tessera/hono';
import { webSessions, type SessionHeader, type WebSessions } from 'tessera/web';

type Data = { views: number; user: string };
const manager = new SessionManager<Data>({ secret: 'x'.repeat(32) });

const app = new Hono<SessionEnv<Data>>();
app.use(session(manager, { ip: () => '127.0.0.1', trustForwardedProto: true }));
app.get('/', (c) => {
  const s = c.get('session');
  s.views = (s.views ?? 0) + 1;
  // @ts-expect-error views is a number
  s.views = 'many';
  // @ts-expect-error no such session variable
  c.get('sessions');
  return c.json({ views: s.views, id: s.id });
});

// An app with bindings and variables of its own adds SessionVariables to its Variables.
const other = new Hono<{ Bindings: { region: string }; Variables: SessionVariables<Data> & { requestId: string } }>();
other.use(session(manager));
other.get('/', (c) => c.text(`${c.get('requestId')} ${c.get('session').user ?? 'anonymous'} ${c.env.region}`));

const sessions: WebSessions<Data> = webSessions(manager);
export async function GET(request: Request): Promise<Response> {
  const s: TypedSession<Data> = await sessions.load(request, { ip: undefined });
  s.user = 'u1';
  // @ts-expect-error user is a string
  s.user = 1;
  const headers: SessionHeader[] = await sessions.headers(s);
  return new Response('ok', { headers });
}
export async function POST(request: Request): Promise<Response> {
  const s = await sessions.load(request);
  return sessions.commit(s, Response.json({ views: s.views ?? 0 }));
}
export { app, other };
