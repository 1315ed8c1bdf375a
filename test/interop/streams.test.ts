// Streamed responses next to the session middleware, Express 5 and 4, side by side with
// express-session 1.19 (and the native `tessera/express`), with an asynchronous store:
// `pipeline(fs.createReadStream(file), res)` of 2 MiB, with and without compression; a change
// made to the session after the first chunk went out is saved by the end, as express-session
// saves at the end; Server-Sent Events with `flushHeaders` and compression's `res.flush()`;
// and a client that goes away mid-stream leaves the server serving.
import { createHash } from 'node:crypto';
import { createReadStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { get } from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { it } from 'node:test';
import type { RequestHandler } from 'express';
import { asRealExpressSessionStore, CountingStore } from '../express-session/helpers.js';
import { data, eachExpress, implementations, nativeImplementation, SECRET, sideBySide, type AppBuilder } from './helpers.js';

const require = createRequire(import.meta.url);
const compression = require('compression') as (options?: object) => RequestHandler;
const sha = (text: string | Buffer): string => createHash('sha256').update(text).digest('hex').slice(0, 16);

function streamApp(file: string, compressed: boolean): AppBuilder {
  return (app, impl) => {
    let own: CountingStore | undefined;
    if (impl.name !== 'native') {
      own = new CountingStore();
      if (impl.name === 'express-session') asRealExpressSessionStore(own);
    }
    if (compressed) app.use(compression());
    app.use(impl.module({ secret: SECRET, resave: false, saveUninitialized: false, ...(own ? { store: own } : {}) }));
    app.get('/file', (req, res, next) => {
      data(req).downloads = (data(req).downloads ?? 0) + 1;
      res.type('text/plain');
      pipeline(createReadStream(file), res).catch(next);
    });
    app.get('/late', (req, res) => {
      data(req).early = true;
      res.write('first ');
      // After the head went out: saved by the end of the response.
      setImmediate(() => {
        data(req).late = true;
        res.end('last');
      });
    });
    app.get('/events', (req, res) => {
      data(req).subscribed = true;
      res.setHeader('Content-Type', 'text/event-stream');
      res.setHeader('Cache-Control', 'no-cache');
      res.flushHeaders();
      let n = 0;
      const tick = (): void => {
        res.write(`data: ${n}\n\n`);
        (res as unknown as { flush?: () => void }).flush?.();
        if (++n === 3) res.end();
        else setImmediate(tick);
      };
      tick();
    });
    app.get('/read', (req, res) => {
      res.json({ downloads: data(req).downloads ?? null, early: data(req).early ?? null, late: data(req).late ?? null, subscribed: data(req).subscribed ?? null });
    });
  };
}

/** Reads the first chunk of `url` (no cookie: a visitor of its own), then goes away. */
function abandon(url: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = get(url, (res) => {
      res.once('data', () => {
        req.destroy();
        resolve();
      });
    });
    req.on('error', (err: NodeJS.ErrnoException) => (err.code === 'ECONNRESET' ? resolve() : reject(err)));
  });
}

eachExpress((createApp) => {
  for (const compressed of [false, true]) {
    it(`pipeline(file, res), a late change while streaming, SSE, an abandoned download (${compressed ? 'with' : 'without'} compression)`, async (t) => {
      const dir = mkdtempSync(join(tmpdir(), 'tessera-streams-'));
      t.after(() => rmSync(dir, { recursive: true, force: true }));
      const file = join(dir, 'big.txt');
      const content = Buffer.alloc(2 * 1024 * 1024, 'streamed session bytes\n');
      writeFileSync(file, content);
      const headers = compressed ? { 'accept-encoding': 'gzip' } : {};
      await sideBySide(
        t,
        createApp,
        streamApp(file, compressed),
        async (app) => {
          const client = app.client(headers);
          const download = await client.request('/file');
          const late = await client.request('/late');
          const events = await client.request('/events');
          await abandon(`${app.url}/file`);
          const again = await client.request('/file');
          const read = await client.request('/read');
          return {
            download: `${download.status} ${download.headers.get('content-encoding')} ${download.setCookies.length} ${download.body.length} ${sha(download.body)}`,
            late: `${late.status} ${late.body}`,
            events: `${events.status} ${events.headers.get('content-type')} ${JSON.stringify(events.body)}`,
            again: `${again.status} ${sha(again.body)}`,
            read: read.body,
          };
        },
        {
          impls: [...implementations(), nativeImplementation()],
          expected: {
            download: `200 ${compressed ? 'gzip' : null} 1 ${content.length} ${sha(content.toString())}`,
            late: '200 first last',
            events: `200 text/event-stream ${JSON.stringify('data: 0\n\ndata: 1\n\ndata: 2\n\n')}`,
            again: `200 ${sha(content.toString())}`,
            read: '{"downloads":2,"early":true,"late":true,"subscribed":true}',
          },
        },
      );
    });
  }
});
