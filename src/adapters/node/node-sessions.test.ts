// tessera/node on real node:http (and node:https) servers: what reaches the client, how the
// response is held for every way an app ends it, the headers the core asks for, HTTPS and proxy
// detection, and both error paths (a failed load rejects; a failed commit is answered by onError).
//
// FaultStore is a fault-injection double: the real MemoryStore with writes slowed or failed on
// cue, because a real server cannot be made slow or broken on demand.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer, request as httpsRequest } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, it, type TestContext } from 'node:test';
import { nodeSessions, type NodeSessionsOptions } from './index.js';
import { isTesseraError } from '../../core/errors.js';
import { SessionManager } from '../../index.js';
import type { Session } from '../../core/session.js';
import { FaultStore } from '../../../test/hold/fault-store.js';
import { HttpClient } from '../../../test/helpers/http-client.js';
import { TEST_SECRET } from '../../../test/helpers/session-client.js';

type Handler = (req: IncomingMessage, res: ServerResponse, session: Session) => unknown;

interface Started {
  url: string;
  store: FaultStore;
  manager: SessionManager;
  errors: unknown[];
}

/** A node:http server whose every request loads its session, then runs `handler`. */
async function start(t: TestContext, handler: Handler, options: NodeSessionsOptions = {}, store = new FaultStore()): Promise<Started> {
  const manager = new SessionManager({ secret: TEST_SECRET, store, warn: () => {} });
  const sessions = nodeSessions(manager, options);
  const errors: unknown[] = [];
  const server = createServer(async (req, res) => {
    try {
      await handler(req, res, await sessions.load(req, res));
    } catch (error) {
      errors.push(error);
      if (!res.headersSent) res.writeHead((error as { status?: number }).status ?? 500).end('load failed');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(
    () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  );
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, store, manager, errors };
}

const data = (session: Session): Record<string, unknown> => session as unknown as Record<string, unknown>;
const sid = (setCookies: string[]): string | undefined => setCookies.find((c) => c.startsWith('sid='));

describe('tessera/node: the response carries the session', () => {
  it('a write: Set-Cookie, Vary: Cookie and Cache-Control: no-store; an untouched visitor: Vary only', async (t) => {
    const app = await start(t, (req, res, session) => {
      if (req.url === '/write') data(session).n = 1;
      res.end('ok');
    });
    const client = new HttpClient(app.url);
    const read = await client.request('/read');
    assert.deepEqual([read.status, read.setCookies, read.headers.get('vary'), read.headers.get('cache-control')], [200, [], 'Cookie', null]);
    const write = await client.request('/write');
    assert.ok(sid(write.setCookies), 'the session cookie');
    assert.equal(write.headers.get('vary'), 'Cookie');
    assert.equal(write.headers.get('cache-control'), 'no-store');
  });

  it("keeps the app's own Vary, Set-Cookie and Cache-Control, adding to them", async (t) => {
    const app = await start(t, (req, res, session) => {
      data(session).n = 1;
      res.setHeader('Set-Cookie', ['theme=dark', 'lang=en']);
      res.setHeader('Cache-Control', 'private, max-age=0');
      res.end('ok');
    });
    const result = await new HttpClient(app.url).request('/');
    assert.deepEqual(result.setCookies.slice(0, 2), ['theme=dark', 'lang=en']);
    assert.ok(sid(result.setCookies), 'the session cookie appended');
    assert.equal(result.headers.get('cache-control'), 'private, max-age=0');

    const vary = async (before: string): Promise<string | null> => {
      const server = createServer(async (req, res) => {
        res.setHeader('Vary', before);
        await sessions.load(req, res);
        res.end();
      });
      const sessions = nodeSessions(app.manager);
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      try {
        return (await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`)).headers.get('vary');
      } finally {
        server.close();
        server.closeAllConnections();
      }
    };
    assert.equal(await vary('Accept-Encoding'), 'Accept-Encoding, Cookie');
    assert.equal(await vary('accept, cookie'), 'accept, cookie');
    assert.equal(await vary('*'), '*');
  });

  it('a writeHead(302) redirect leaves only once the store write finished, with the cookie', async (t) => {
    const store = new FaultStore();
    store.latency = 50;
    let written = false;
    store.onSet = () => (written = true);
    const app = await start(t, (_req, res, session) => {
      data(session).note = 'redirected';
      res.writeHead(302, { Location: '/next' }).end();
    }, {}, store);
    const response = await fetch(app.url, { redirect: 'manual' });
    assert.equal(written, true, 'the store write finished before the head arrived');
    assert.equal(response.status, 302);
    assert.equal(response.headers.get('location'), '/next');
    assert.ok(sid(response.headers.getSetCookie()));
  });

  it('a piped stream: body intact, the cookie in its head, a change made while streaming saved', async (t) => {
    const app = await start(t, (req, res, session) => {
      if (req.url === '/read') return void res.end(String(data(session).late ?? 'none'));
      data(session).n = 1;
      res.setHeader('Content-Type', 'text/plain');
      const body = Readable.from(['a', 'b', 'c']);
      body.on('end', () => (data(session).late = 'saved'));
      body.pipe(res);
    });
    const client = new HttpClient(app.url);
    const streamed = await client.request('/');
    assert.equal(streamed.body, 'abc');
    assert.ok(sid(streamed.setCookies));
    assert.equal((await client.request('/read')).body, 'saved');
  });

  it('load twice for one response: the same session, one commit', async (t) => {
    let same = false;
    const manager = new SessionManager({ secret: TEST_SECRET, store: new FaultStore(), warn: () => {} });
    const sessions = nodeSessions(manager);
    const server = createServer(async (req, res) => {
      const [a, b] = await Promise.all([sessions.load(req, res), sessions.load(req, res)]);
      same = a === b && a === (await sessions.load(req, res));
      data(a).n = 1;
      res.end('ok');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    t.after(() => void server.close());
    const result = await new HttpClient(`http://127.0.0.1:${(server.address() as AddressInfo).port}`).request('/');
    assert.equal(same, true);
    assert.equal(result.setCookies.length, 1);
    server.closeAllConnections();
  });

  it('logout: a cookie-deleting Set-Cookie and Clear-Site-Data', async (t) => {
    const app = await start(t, async (req, res, session) => {
      if (req.url === '/logout') await session.destroy();
      else data(session).n = 1;
      res.end('ok');
    });
    const client = new HttpClient(app.url);
    await client.request('/');
    const out = await client.request('/logout');
    assert.match(sid(out.setCookies) ?? '', /^sid=;/);
    assert.equal(out.headers.get('clear-site-data'), '"cookies"');
    assert.equal(client.jar.size, 0);
  });
});

describe('tessera/node: HTTPS detection', () => {
  const cookieNameFor = async (t: TestContext, headers: Record<string, string>, options: NodeSessionsOptions): Promise<string | undefined> => {
    const app = await start(t, (_req, res, session) => {
      data(session).n = 1;
      res.end();
    }, options);
    const result = await new HttpClient(app.url, headers).request('/');
    return result.setCookies[0]?.split('=', 1)[0];
  };

  it('ignores X-Forwarded-Proto unless trustProxy', async (t) => {
    assert.equal(await cookieNameFor(t, { 'x-forwarded-proto': 'https' }, {}), 'sid');
    assert.equal(await cookieNameFor(t, { 'x-forwarded-proto': 'https' }, { trustProxy: true }), '__Host-sid');
    assert.equal(await cookieNameFor(t, { 'x-forwarded-proto': 'HTTPS, http' }, { trustProxy: true }), '__Host-sid');
    assert.equal(await cookieNameFor(t, { 'x-forwarded-proto': 'http, https' }, { trustProxy: true }), 'sid');
  });

  const tls = selfSigned();
  it('counts a TLS socket as secure', { skip: tls ? false : 'openssl is not available' }, async (t) => {
    const manager = new SessionManager({ secret: TEST_SECRET, warn: () => {} });
    const sessions = nodeSessions(manager);
    const server = createHttpsServer({ key: tls!.key, cert: tls!.cert }, async (req, res) => {
      data(await sessions.load(req, res)).n = 1;
      res.end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    t.after(() => void server.close());
    const setCookie = await new Promise<string[]>((resolve, reject) => {
      const req = httpsRequest({ host: '127.0.0.1', port: (server.address() as AddressInfo).port, rejectUnauthorized: false, agent: false }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.headers['set-cookie'] ?? []));
      });
      req.on('error', reject);
      req.end();
    });
    assert.match(setCookie[0] ?? '', /^__Host-sid=.*; Secure/i);
  });
});

describe('tessera/node: store errors', () => {
  it('a failed load rejects with the StoreError (status 503)', async (t) => {
    const store = new FaultStore();
    const app = await start(t, (_req, res, session) => {
      data(session).n = 1;
      res.end('ok');
    }, {}, store);
    const client = new HttpClient(app.url);
    await client.request('/');
    store.inner.get = () => Promise.reject(new Error('connection lost'));
    const result = await client.request('/');
    assert.equal(result.status, 503);
    assert.ok(isTesseraError(app.errors[0], 'ERR_STORE_FAILED'));
  });

  it("a failed commit answers 503 by default, none of the app's response leaking", async (t) => {
    const store = new FaultStore();
    store.failSets = true;
    const app = await start(t, (_req, res, session) => {
      data(session).n = 1;
      res.writeHead(302, { Location: '/in', 'X-App': '1' }).end();
    }, {}, store);
    const result = await new HttpClient(app.url).request('/');
    assert.deepEqual([result.status, result.body, result.headers.get('location'), result.headers.get('x-app'), result.setCookies], [503, 'Service Unavailable', null, null, []]);
    assert.equal(result.headers.get('vary'), 'Cookie');
  });

  it('a failed commit goes to onError(err, req, res) when given', async (t) => {
    const store = new FaultStore();
    store.failSets = true;
    const seen: string[] = [];
    const app = await start(t, (_req, res, session) => {
      data(session).n = 1;
      res.end('ok');
    }, {
      onError(error, req, res) {
        seen.push(`${(error as { code?: string }).code} ${req.url}`);
        res.statusCode = 502;
        res.end('custom');
      },
    }, store);
    const result = await new HttpClient(app.url).request('/x');
    assert.deepEqual([result.status, result.body, seen], [502, 'custom', ['ERR_STORE_FAILED /x']]);
  });

  it('load after the response was sent rejects with ERR_HEADERS_SENT', async (t) => {
    const manager = new SessionManager({ secret: TEST_SECRET, warn: () => {} });
    const sessions = nodeSessions(manager);
    let code: string | undefined;
    const server = createServer((req, res) => {
      res.end('early');
      sessions.load(req, res).catch((error: { code?: string }) => (code = error.code));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    t.after(() => void server.close());
    assert.equal(await (await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`)).text(), 'early');
    server.closeAllConnections();
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(code, 'ERR_HEADERS_SENT');
  });

  it('bad arguments are TypeErrors naming them', () => {
    assert.throws(() => nodeSessions({} as SessionManager), /manager must be a SessionManager/);
    const manager = new SessionManager({ secret: TEST_SECRET, warn: () => {} });
    assert.throws(() => nodeSessions(manager, { trustProxy: 'yes' as unknown as boolean }), /trustProxy must be a boolean/);
    assert.throws(() => nodeSessions(manager, { onError: 503 } as unknown as NodeSessionsOptions), /onError must be a function/);
  });
});

/** A throwaway self-signed certificate (EC, quick to make), or `undefined` without openssl. */
function selfSigned(): { key: Buffer; cert: Buffer } | undefined {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-node-tls-'));
  try {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
    return { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) };
  } catch {
    return undefined;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
