// express.static (serve-static) behind the session middleware, Express 5 and 4, side by side
// with express-session 1.19 (and the native `tessera/express`), with the express-session
// defaults (every visitor gets a session) and an asynchronous store: a full GET, a HEAD, a
// Range request (206), a conditional GET (304) and a missing file (404 from the app), each
// with the status, length and cookie express-session gives.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'node:test';
import { asRealExpressSessionStore, CountingStore } from '../express-session/helpers.js';
import { eachExpress, implementations, nativeImplementation, SECRET, sideBySide, type AppBuilder } from './helpers.js';

function staticApp(dir: string): AppBuilder {
  return (app, impl, createApp) => {
    let own: CountingStore | undefined;
    if (impl.name !== 'native') {
      own = new CountingStore();
      if (impl.name === 'express-session') asRealExpressSessionStore(own);
    }
    app.use(impl.module({ secret: SECRET, resave: true, saveUninitialized: true, ...(own ? { store: own } : {}) }));
    app.use(createApp.static(dir));
    app.use((_req, res) => {
      res.status(404).send('not here');
    });
  };
}

/** A request with exactly these headers (fetch would add its own to conditional requests). */
function raw(url: string, method: string, headers: Record<string, string> = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers }, (res) => {
      let length = 0;
      res.on('data', (chunk: Buffer) => (length += chunk.length));
      res.on('end', () => resolve(`${res.statusCode} ${length} ${res.headers['content-range'] ?? '-'} cookie:${(res.headers['set-cookie'] ?? []).length}`));
    });
    req.on('error', reject);
    req.end();
  });
}

eachExpress((createApp) => {
  it('GET, HEAD, Range, If-None-Match and 404 through the session middleware', async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'tessera-static-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    writeFileSync(join(dir, 'app.js'), 'console.log("hello");\n'.repeat(100));
    await sideBySide(
      t,
      createApp,
      staticApp(dir),
      async (app) => {
        const url = `${app.url}/app.js`;
        const full = await app.client().request('/app.js');
        const etag = full.headers.get('etag') ?? '';
        return {
          get: `${full.status} ${full.body.length} cookie:${full.setCookies.length}`,
          head: await raw(url, 'HEAD'),
          range: await raw(url, 'GET', { range: 'bytes=0-9' }),
          conditional: await raw(url, 'GET', { 'if-none-match': etag }),
          missing: await raw(`${app.url}/nope.js`, 'GET'),
        };
      },
      {
        impls: [...implementations(), nativeImplementation()],
        expected: {
          get: '200 2200 cookie:1',
          head: '200 0 - cookie:1',
          range: '206 10 bytes 0-9/2200 cookie:1',
          conditional: '304 0 - cookie:1',
          missing: '404 8 - cookie:1',
        },
      },
    );
  });
});
