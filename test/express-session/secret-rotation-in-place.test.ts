// Secrets changed in place, after the middleware was built. express-session keeps the caller's
// array and reads it on every request, so `secrets.splice(0, 1, next)` rotates at once (a
// cookie signed only with the removed secret is rejected on its next request); the drop-in
// does the same, side by side with the real package, whatever its memo of verified cookies
// remembers. The native SessionManager copies and freezes its secrets at construction instead:
// changing the caller's array or Buffer afterwards does nothing (to rotate, build a new manager).
import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import type express from 'express';
import type { Express } from 'express';
import session from '../../src/adapters/express-session/index.js';
import { session as nativeSession } from '../../src/adapters/express/index.js';
import { SessionManager } from '../../src/index.js';
import type { Secret } from '../../src/core/signature.js';
import { expressVersions, listen } from '../helpers/express-apps.js';
import { HttpClient } from '../helpers/http-client.js';
import { data, eachExpress, idOf, realExpressSession, setCookieFor, signed, start } from './helpers.js';

const OLD = 'the old secret, about to be rotated out';
const NEW = 'the new secret that replaces the old one';

const counter = (app: Express) =>
  app.get('/', (req, res) => {
    data(req).n = (data(req).n ?? 0) + 1;
    res.send(String(data(req).n));
  });

type Middleware = 'express-session' | 'tessera';

/** One app per middleware, each over the same caller-owned `secret`, and a logged-in client of each. */
async function pair(t: TestContext, createApp: typeof express, secret: () => Secret | Secret[]) {
  const apps = {
    'express-session': await start(t, createApp, undefined, counter, {
      // The real package keeps its own MemoryStore; `rolling` shows which secret signs.
      mount: (app) => app.use(realExpressSession()({ secret: secret(), resave: false, saveUninitialized: false, rolling: true })),
    }),
    tessera: await start(t, createApp, { secret: secret(), resave: false, saveUninitialized: false, rolling: true }, counter),
  };
  const clients = { 'express-session': apps['express-session'].client(), tessera: apps.tessera.client() };
  for (const name of ['express-session', 'tessera'] as Middleware[]) {
    // Two requests: the second one is answered through the memo of verified cookies.
    assert.equal((await clients[name].request('/')).body, '1', name);
    assert.equal((await clients[name].request('/')).body, '2', name);
  }
  return clients;
}

/** The next response of each client: its body and the secret its re-sent cookie is signed with. */
async function next(clients: Record<Middleware, HttpClient>, secrets: string[]) {
  const out: Record<string, { body: string; signedWith: string | undefined }> = {};
  for (const name of ['express-session', 'tessera'] as Middleware[]) {
    const res = await clients[name].request('/');
    const header = setCookieFor(res.setCookies);
    const id = idOf(header);
    const signedWith = secrets.find((s) => id !== undefined && header?.startsWith(`connect.sid=${signed(id, s)};`));
    out[name] = { body: res.body, signedWith };
  }
  return out;
}

eachExpress((express) => {
  describe('tessera/express-session: secrets changed in place take effect at once, as in express-session', () => {
    it('secrets.splice(0, 1, next): a cookie signed only with the removed secret starts a new session', async (t) => {
      const secrets = [OLD];
      const clients = await pair(t, express, () => secrets);
      secrets.splice(0, 1, NEW);
      const after = await next(clients, [OLD, NEW]);
      assert.deepEqual(after.tessera, after['express-session'], 'the same outcome as express-session');
      assert.deepEqual(after.tessera, { body: '1', signedWith: NEW }, 'the old cookie is rejected; the new one is signed with the new secret');
      const again = await next(clients, [OLD, NEW]);
      assert.deepEqual(again.tessera, { body: '2', signedWith: NEW });
      assert.deepEqual(again.tessera, again['express-session']);
    });

    it('secrets.unshift(next): the old cookie still verifies, and the cookie is re-signed with the new first secret', async (t) => {
      const secrets = [OLD];
      const clients = await pair(t, express, () => secrets);
      secrets.unshift(NEW);
      const after = await next(clients, [OLD, NEW]);
      assert.deepEqual(after.tessera, { body: '3', signedWith: NEW });
      assert.deepEqual(after.tessera, after['express-session']);
      // Then the old secret goes: the re-signed cookie keeps working.
      secrets.pop();
      const last = await next(clients, [OLD, NEW]);
      assert.deepEqual(last.tessera, { body: '4', signedWith: NEW });
      assert.deepEqual(last.tessera, last['express-session']);
    });

    it('a Buffer secret overwritten in place: the old cookies are rejected', async (t) => {
      const secrets: Secret[] = [Buffer.from(OLD)];
      const clients = await pair(t, express, () => secrets);
      (secrets[0] as Buffer).write(NEW.slice(0, OLD.length));
      const after = await next(clients, []);
      assert.equal(after.tessera?.body, '1');
      assert.deepEqual(after.tessera, after['express-session']);
    });
  });
});

for (const { name, express } of expressVersions) {
  describe(`SessionManager (${name}): secrets are copied and frozen at construction`, () => {
    async function app(t: TestContext, secret: Secret | Secret[]) {
      const manager = new SessionManager({ secret });
      const created = express();
      created.use(nativeSession(manager));
      created.get('/', (req, res) => {
        req.session.expressViews = (req.session.expressViews ?? 0) + 1;
        res.send(String(req.session.expressViews));
      });
      const server = await listen(created);
      t.after(() => server.close());
      const client = new HttpClient(server.url);
      assert.equal((await client.request('/')).body, '1');
      assert.equal((await client.request('/')).body, '2');
      return { manager, client };
    }

    it('secrets.splice(0, 1, next) after construction changes nothing: old cookies verify, new ones are signed with the old secret', async (t) => {
      const secrets = [OLD];
      const { manager, client } = await app(t, secrets);
      secrets.splice(0, 1, NEW);
      const res = await client.request('/');
      assert.equal(res.body, '3', 'the cookie signed with the secret given at construction still verifies');
      assert.deepEqual(manager.config.secrets, [OLD]);
      assert.ok(Object.isFrozen(manager.config.secrets), 'the manager keeps a frozen copy');
      assert.throws(() => (manager.config.secrets as Secret[]).push(NEW), TypeError);
      // A fresh visitor's cookie is signed with the construction-time secret too.
      const fresh = new HttpClient(client.baseUrl);
      const header = (await fresh.request('/')).setCookies[0];
      const id = idOf(`connect.sid=${header?.slice(header.indexOf('=') + 1)}`);
      assert.ok(id && header?.startsWith(`sid=${signed(id, OLD)};`), header);
    });

    it('a Buffer secret overwritten in place after construction changes nothing', async (t) => {
      const secret = Buffer.from(OLD);
      const { client } = await app(t, secret);
      secret.write(NEW.slice(0, OLD.length));
      assert.equal((await client.request('/')).body, '3');
      const header = (await new HttpClient(client.baseUrl).request('/')).setCookies[0];
      const id = idOf(`connect.sid=${header?.slice(header.indexOf('=') + 1)}`);
      assert.ok(id && header?.startsWith(`sid=${signed(id, OLD)};`), 'new cookies are signed with the bytes given at construction');
    });
  });
}
