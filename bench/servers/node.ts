/**
 * node:http contenders, no framework at all: bare (z, a plain object per request in place of a
 * session, like contender a), `tessera/node` on MemoryStore (aa), the purest view of Tessera's
 * own cost per request, and a floor (ab): the least any server-side session does, written out
 * by hand, to show what share of a bare request that least already costs.
 *
 * @module
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { parse as parseCookies } from 'cookie';
import { listening, type Factory } from './built.js';
import { createRoutes, routeOf, type Answer, type BenchData } from './routes.js';
import { tesseraMemory } from './tessera.js';
import { importTessera } from './untyped.js';
import { loggedInData, MAX_AGE, SECRET } from '../session-data.js';

/** Answers as Express's `res.type('text').send(body)` does (without an ETag: the Express app disables it). */
function send(res: ServerResponse, answer: Answer): void {
  res.writeHead(answer.status, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(answer.body) });
  res.end(answer.body);
}

/** A node:http server running the four routes on the data `load` gives each request (and `commit` ends). */
function nodeServer(
  load: (req: IncomingMessage, res: ServerResponse) => Promise<BenchData> | BenchData,
  cleanup: () => Promise<void>,
  commit: (res: ServerResponse, data: BenchData) => void = () => {},
) {
  const steps = createRoutes();
  const server = createServer((req, res) => {
    const key = routeOf(req.method, req.url);
    if (!key) {
      res.writeHead(404).end();
      return;
    }
    Promise.resolve(load(req, res)).then(
      (data) => {
        const answer = steps[key](data, req.url);
        commit(res, data);
        send(res, answer);
      },
      (error: unknown) => {
        const status = (error as { status?: number }).status ?? 500;
        if (!res.headersSent) res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
        res.end(String((error as Error).message));
      },
    );
  });
  return { start: (): Promise<Server> => listening(server.listen(0, '127.0.0.1')), close: cleanup };
}

export const nodeBare: Factory = async () => nodeServer(() => loggedInData('nobody') as unknown as BenchData, async () => {});

interface TesseraNodeModule {
  nodeSessions(manager: object): { load(req: IncomingMessage, res: ServerResponse): Promise<object> };
}

export const nodeTessera: Factory = async () => {
  const setup = await tesseraMemory();
  const { nodeSessions } = await importTessera<TesseraNodeModule>('adapters/node/index.js');
  const sessions = nodeSessions(setup.manager);
  return nodeServer(async (req, res) => (await sessions.load(req, res)) as BenchData, () => setup.close());
};

/** Where the floor keeps what a request loaded, on the data object itself (JSON skips symbols). */
const LOADED = Symbol('loaded');

type FloorData = BenchData & { [LOADED]?: { id: string | undefined; json: string } };

/**
 * The floor (ab): what any server-side session must do per request, and nothing more. Parse the
 * `Cookie` header (the `cookie` package), check the `s:<id>.<HMAC-SHA256>` signature
 * (`node:crypto`, constant-time) unless this cookie value was verified before (a memo, as
 * Tessera and express-session's successors keep; unbounded here, where the pool is 1000
 * sessions), read the session's JSON from a `Map` and parse it, and at the end compare the data's
 * JSON to tell whether to write it back (and send a cookie for a new one). Synchronous: no store
 * promise, no expiry, no store deadline, no rotation, no response hold: a lower bound, not a library.
 */
export const nodeFloor: Factory = async () => {
  const sessions = new Map<string, string>();
  const verified = new Map<string, string>();
  const sign = (id: string): string => `s:${id}.${createHmac('sha256', SECRET).update(id).digest('base64').replace(/=+$/, '')}`;
  const unsign = (value: string): string | undefined => {
    const dot = value.lastIndexOf('.');
    if (!value.startsWith('s:') || dot < 0) return undefined;
    const id = value.slice(2, dot);
    const expected = Buffer.from(sign(id));
    const given = Buffer.from(value);
    return expected.length === given.length && timingSafeEqual(expected, given) ? id : undefined;
  };
  const load = (req: IncomingMessage): BenchData => {
    const header = req.headers.cookie;
    const signed = header === undefined ? undefined : parseCookies(header)['sid'];
    let id = signed === undefined ? undefined : verified.get(signed);
    if (id === undefined && signed !== undefined) {
      id = unsign(signed);
      if (id !== undefined) verified.set(signed, id);
    }
    const json = id === undefined ? undefined : sessions.get(id);
    const data = (json === undefined ? {} : JSON.parse(json)) as FloorData;
    data[LOADED] = { id: json === undefined ? undefined : id, json: json ?? '{}' };
    return data;
  };
  const commit = (res: ServerResponse, data: FloorData): void => {
    const before = data[LOADED]!;
    const json = JSON.stringify(data);
    if (json === before.json) return;
    const id = before.id ?? randomBytes(32).toString('base64url');
    sessions.set(id, json);
    if (before.id === undefined) res.setHeader('Set-Cookie', `sid=${encodeURIComponent(sign(id))}; Path=/; Max-Age=${MAX_AGE / 1000}; HttpOnly; SameSite=Lax`);
  };
  return nodeServer(load, async () => {}, commit);
};
