/**
 * The matrix app for `tessera/node`: a bare `node:http` server, routing by hand, with
 * `nodeSessions(manager)`; its store errors answer through the adapter's own error path
 * (load: the rejection, answered with its `status`; commit: the default `onError`).
 *
 * @module
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { setTimeout as delay } from 'node:timers/promises';
import { nodeSessions } from '../../../src/adapters/node/index.js';
import type { Session } from '../../../src/core/session.js';
import type { MatrixAdapter } from '../matrix-app.js';
import { matrixManager } from './manager.js';

function json(res: ServerResponse, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

export const nodeAdapter: MatrixAdapter = {
  name: 'node',
  async start(setup) {
    const manager = matrixManager(setup);
    const sessions = nodeSessions(manager);

    async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const route = `${req.method} ${url.pathname}`;
      const session: Session = await sessions.load(req, res);
      const data = session as unknown as Record<string, unknown>;
      const key = url.searchParams.get('key') ?? '';
      const value = url.searchParams.get('value') ?? '';
      switch (route) {
        case 'GET /peek':
          return json(res, { id: session.isNew ? null : session.id, views: data.views ?? null, user: data.user ?? null, note: data.note ?? null });
        case 'POST /incr':
          data.views = ((data.views as number | undefined) ?? 0) + 1;
          return json(res, { views: data.views });
        case 'POST /set':
          data[key] = value;
          return json(res, { ok: true });
        case 'POST /slow-set':
          await delay(5);
          data[key] = value;
          return json(res, { ok: true });
        case 'POST /login':
          await session.login('u1');
          data.user = 'u1';
          return json(res, { id: session.id });
        case 'POST /logout':
          await session.destroy();
          return json(res, { ok: true });
        case 'GET /redirect':
          data.note = 'redirected';
          res.writeHead(302, { Location: '/peek' }).end();
          return;
        case 'GET /stream':
          data.note = 'streamed';
          res.setHeader('Content-Type', 'text/plain');
          Readable.from(Array.from({ length: 10 }, (_, i) => `chunk-${i}\n`)).pipe(res);
          return;
        default:
          res.writeHead(404).end();
      }
    }

    const server = createServer((req, res) => {
      handle(req, res).catch((error: { status?: number }) => {
        // The app's own error path: a failed load (StoreError, status 503) or route.
        if (res.headersSent) return void res.destroy();
        res.writeHead(error.status ?? 500, { 'Content-Type': 'text/plain' }).end('error');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    return {
      url: `http://127.0.0.1:${port}`,
      cookieName: manager.cookieName(false),
      close: () =>
        new Promise<void>((resolve, reject) => {
          server.close((error) => (error ? reject(error) : resolve()));
          server.closeAllConnections();
        }),
    };
  },
};
