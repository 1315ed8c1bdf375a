// The `proxy` option: what makes a request secure (and so what `secure: true` cookies need).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, request as httpsRequest } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'node:test';
import type { Express } from 'express';
import session, { type ExpressSessionOptions } from '../../src/adapters/express-session/index.js';
import { attribute, eachExpress, SECRET, setCookieFor, start } from './helpers.js';

/** A throwaway self-signed certificate, or `undefined` when openssl is not available. */
function selfSigned(): { key: Buffer; cert: Buffer } | undefined {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-tls-'));
  try {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1',
      '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
    return { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) };
  } catch {
    return undefined;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
const tls = selfSigned();

eachExpress((express) => {
  const secureCookieSent = async (
    t: import('node:test').TestContext,
    options: ExpressSessionOptions,
    headers: Record<string, string>,
    trustProxy: boolean,
  ): Promise<boolean> => {
    const routes = (app: Express) => {
      app.set('trust proxy', trustProxy);
      app.get('/', (_req, res) => res.send('ok'));
    };
    const app = await start(t, express, { secret: SECRET, cookie: { secure: true }, ...options }, routes);
    const res = await app.client(headers).request('/');
    const header = setCookieFor(res.setCookies);
    if (header !== undefined) assert.equal(attribute(header, 'Secure'), '');
    return header !== undefined;
  };

  it('proxy: true trusts the first value of X-Forwarded-Proto', async (t) => {
    assert.equal(await secureCookieSent(t, { proxy: true }, { 'x-forwarded-proto': 'https' }, false), true);
    assert.equal(await secureCookieSent(t, { proxy: true }, { 'x-forwarded-proto': 'HTTPS , http' }, false), true);
    assert.equal(await secureCookieSent(t, { proxy: true }, { 'x-forwarded-proto': 'http, https' }, false), false);
    assert.equal(await secureCookieSent(t, { proxy: true }, {}, false), false);
  });

  it('proxy: false ignores X-Forwarded-Proto and req.secure', async (t) => {
    assert.equal(await secureCookieSent(t, { proxy: false }, { 'x-forwarded-proto': 'https' }, true), false);
  });

  it("unset, follows Express's trust proxy through req.secure", async (t) => {
    assert.equal(await secureCookieSent(t, {}, { 'x-forwarded-proto': 'https' }, true), true);
    assert.equal(await secureCookieSent(t, {}, { 'x-forwarded-proto': 'https' }, false), false);
  });

  it('counts a TLS socket as secure whatever proxy says', { skip: tls ? false : 'openssl is not available' }, async (t) => {
    const app = express();
    app.use(session({ secret: SECRET, proxy: false, cookie: { secure: true } }));
    app.get('/', (_req, res) => res.send('ok'));
    const server = createServer({ key: tls?.key, cert: tls?.cert }, app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const { port } = server.address() as AddressInfo;
    const setCookie = await new Promise<string[] | undefined>((resolve, reject) => {
      const req = httpsRequest({ host: '127.0.0.1', port, path: '/', rejectUnauthorized: false, agent: false }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.headers['set-cookie']));
      });
      req.on('error', reject);
      req.end();
    });
    const header = setCookieFor(setCookie ?? []);
    assert.ok(header, 'a Secure cookie is sent over TLS');
    assert.equal(attribute(header, 'Secure'), '');
  });
});
