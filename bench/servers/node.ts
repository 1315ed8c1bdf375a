/**
 * node:http contenders, no framework at all: bare (z, a plain object per request in place of a
 * session, like contender a) and `tessera/node` on MemoryStore (aa), the purest view of Tessera's
 * own cost per request.
 *
 * @module
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { listening, type Factory } from './built.js';
import { createRoutes, routeOf, type Answer, type BenchData } from './routes.js';
import { tesseraMemory } from './tessera.js';
import { importTessera } from './untyped.js';
import { loggedInData } from '../session-data.js';

/** Answers as Express's `res.type('text').send(body)` does (without an ETag: the Express app disables it). */
function send(res: ServerResponse, answer: Answer): void {
  res.writeHead(answer.status, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(answer.body) });
  res.end(answer.body);
}

/** A node:http server running the four routes on the data `load` gives each request. */
function nodeServer(load: (req: IncomingMessage, res: ServerResponse) => Promise<BenchData> | BenchData, cleanup: () => Promise<void>) {
  const steps = createRoutes();
  const server = createServer((req, res) => {
    const key = routeOf(req.method, req.url);
    if (!key) {
      res.writeHead(404).end();
      return;
    }
    Promise.resolve(load(req, res)).then(
      (data) => send(res, steps[key](data, req.url)),
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
