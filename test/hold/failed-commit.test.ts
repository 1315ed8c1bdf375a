// A store write that fails must always produce one complete error response, from a clean set
// of headers, whichever wrappers (compression before or after the session) sit around the
// response; and a keep-alive connection stays usable afterwards.
import assert from 'node:assert/strict';
import { Agent, request } from 'node:http';
import { createRequire } from 'node:module';
import { describe, it, type TestContext } from 'node:test';
import type { Express, RequestHandler } from 'express';
import { build, matrix, touchSession, type Built } from './apps.js';
import { FaultStore } from './fault-store.js';

const require = createRequire(import.meta.url);
const compression = require('compression') as (options?: { threshold?: number }) => RequestHandler;

/** Two requests on one keep-alive connection; each must complete within a second. */
async function twoOnOneConnection(url: string, paths: [string, string], between: () => void): Promise<Array<{ status: number; headers: Record<string, unknown>; body: string }>> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const sockets = new Set<unknown>();
  try {
    const out = [];
    for (const path of paths) {
      if (out.length === 1) between();
      out.push(
        await new Promise<{ status: number; headers: Record<string, unknown>; body: string }>((resolve, reject) => {
          const req = request(new URL(path, url), { agent, headers: { 'accept-encoding': 'gzip' } }, (res) => {
            sockets.add(res.socket);
            const chunks: Buffer[] = [];
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('latin1') }));
          });
          req.setTimeout(1000, () => req.destroy(new Error(`${path}: no complete response within 1 s`)));
          req.on('error', reject);
          req.end();
        }),
      );
    }
    assert.equal(sockets.size, 1, 'both responses came on the same connection');
    return out;
  } finally {
    agent.destroy();
  }
}

function routes(app: Express): void {
  app.get('/fails', (req, res) => {
    touchSession(req);
    res.set({ ETag: '"abc"', 'Cache-Control': 'public, max-age=600', 'X-App': 'abandoned' });
    res.cookie('theme', 'dark');
    res.json({ big: 'x'.repeat(4000) });
  });
  app.get('/redirect-fails', (req, res) => {
    touchSession(req);
    res.redirect('/elsewhere');
  });
  app.get('/stream-fails', (req, res) => {
    touchSession(req);
    res.setHeader('Content-Length', '10000');
    res.write('x'.repeat(5000));
    res.end('y'.repeat(5000));
  });
}

for (const { label, express, middleware } of matrix) {
  describe(`a failed commit answers with one complete, clean error response (${label})`, () => {
    for (const where of ['none', 'compression after the session', 'compression before the session'] as const) {
      it(`with ${where}`, async (t: TestContext) => {
        const store = new FaultStore();
        store.latency = 5;
        store.failSets = true;
        const built: Built = await build(express, middleware, store, (app) => {
          if (where === 'compression after the session') app.use(compression({ threshold: 0 }));
          routes(app);
          app.get('/fine', (_req, res) => void res.send('fine'));
        }, (app) => {
          app.use((_req, res, next) => {
            res.setHeader('X-Before', 'kept');
            next();
          });
          if (where === 'compression before the session') app.use(compression({ threshold: 0 }));
        });
        t.after(() => built.server.close());
        for (const path of ['/fails', '/redirect-fails', '/stream-fails']) {
          store.failSets = true;
          const [failed, next] = await twoOnOneConnection(built.server.url, [path, '/fine'], () => (store.failSets = false));
          assert.equal(failed!.status, 500, path);
          const body = failed!.headers['content-encoding'] === 'gzip' ? (await import('node:zlib')).gunzipSync(Buffer.from(failed!.body, 'latin1')).toString() : failed!.body;
          assert.match(body, /^failed: .*store write failed$/, path);
          assert.notEqual(failed!.headers.etag, '"abc"', `${path}: not the abandoned response's ETag`);
          for (const name of ['cache-control', 'x-app', 'location', 'set-cookie']) assert.equal(failed!.headers[name], undefined, `${path}: no ${name} of the abandoned response`);
          assert.match(String(failed!.headers['content-type']), /^text\/html/, path);
          assert.equal(failed!.headers['x-before'], 'kept', `${path}: headers from before the response stay`);
          assert.equal(next!.status, 200, `${path}: the connection is still usable`);
        }
        assert.equal(built.errors.length, 3, built.errors.join(','));
      });
    }
  });
}
