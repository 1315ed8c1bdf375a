// The demo app (`npm start`) over real HTTP on an ephemeral port, with a temporary SQLite file:
// sign-in (wrong and right), the visit counter, sign-out, and a session that survives a restart.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createApp, type DemoApp } from '../demo/app.js';
import { loadSecret } from '../demo/secret.js';
import { escapeHtml } from '../demo/views.js';
import { listen, type Listening } from './helpers/express-apps.js';
import { HttpClient } from './helpers/http-client.js';

const SECRET = 'demo test secret, at least thirty-two characters';

/** A running demo. */
interface Running {
  demo: DemoApp;
  server: Listening;
  errors: unknown[];
  stop(): Promise<void>;
}

async function start(dbPath: string): Promise<Running> {
  const errors: unknown[] = [];
  const demo = await createApp({ dbPath, secret: SECRET, warn: () => {}, logError: (e) => errors.push(e) });
  const server = await listen(demo.app);
  return {
    demo,
    server,
    errors,
    async stop() {
      await server.close();
      await demo.close();
    },
  };
}

function visits(body: string): number {
  return Number(/<strong id="visits">(\d+)<\/strong>/.exec(body)?.[1]);
}

function signedInAs(body: string): string | undefined {
  return /<strong id="username">([^<]*)<\/strong>/.exec(body)?.[1];
}

async function signIn(client: HttpClient, username: string, password: string) {
  return client.request('/login', { method: 'POST', body: new URLSearchParams({ username, password }) });
}

describe('demo app', () => {
  let dir: string;
  let running: Running;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tessera-demo-'));
    running = await start(join(dir, 'data', 'sessions.db'));
  });
  after(async () => {
    await running.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('sends visitors without a session to the sign-in page, which lists the demo users', async () => {
    const client = new HttpClient(running.server.url);
    const home = await client.request('/');
    assert.equal(home.status, 303);
    assert.equal(home.headers.get('location'), '/login');
    const login = await client.request('/login');
    assert.equal(login.status, 200);
    assert.match(login.body, /<form method="post" action="\/login">/);
    assert.match(login.body, /<code>alice<\/code><\/td><td><code>wonderland<\/code>/);
    assert.match(login.body, /<code>bob<\/code><\/td><td><code>builder<\/code>/);
    assert.deepEqual(login.setCookies, [], 'no session for a visitor who only looks');
    assert.match(login.headers.get('content-security-policy') ?? '', /default-src 'none'/);
    assert.equal(login.headers.get('cache-control'), 'no-store');
  });

  it('refuses a wrong password or an unknown user, with an error and no session', async () => {
    for (const [username, password] of [['alice', 'builder'], ['alice', ''], ['carol', 'wonderland']] as const) {
      const client = new HttpClient(running.server.url);
      const res = await signIn(client, username, password);
      assert.equal(res.status, 401, `${username}/${password}`);
      assert.match(res.body, /role="alert">Wrong username or password\.</);
      assert.deepEqual(res.setCookies, []);
      assert.equal((await client.request('/')).status, 303, 'still signed out');
    }
  });

  it('escapes what the visitor typed when it shows it again', async () => {
    const evil = '"><script>alert(1)</script>';
    const res = await signIn(new HttpClient(running.server.url), evil, 'x');
    assert.equal(res.status, 401);
    assert.ok(!res.body.includes('<script>'));
    assert.ok(res.body.includes(`value="${escapeHtml(evil)}"`));
  });

  it('signs in with the right password: redirect, username shown, counter counting', async () => {
    const client = new HttpClient(running.server.url);
    const res = await signIn(client, 'alice', 'wonderland');
    assert.equal(res.status, 303);
    assert.equal(res.headers.get('location'), '/');
    assert.equal(res.setCookies.length, 1);
    assert.match(res.setCookies[0] ?? '', /^sid=s%3A.*; Path=\/; HttpOnly; SameSite=Lax$/);

    const first = await client.request('/');
    assert.equal(first.status, 200);
    assert.equal(signedInAs(first.body), 'alice');
    assert.equal(visits(first.body), 1);
    const second = await client.request('/');
    assert.equal(visits(second.body), 2);
    assert.equal((await client.request('/login')).headers.get('location'), '/', 'signed-in users skip the form');
    const keys = await running.demo.store.listByUser('alice');
    assert.ok(keys.length >= 1, 'the session is filed under its user');
  });

  it('gives a new session ID at sign-in (the earlier cookie stops working)', async () => {
    const client = new HttpClient(running.server.url);
    await signIn(client, 'bob', 'builder');
    const before = client.cookieHeader ?? '';
    await signIn(client, 'alice', 'wonderland');
    assert.notEqual(client.cookieHeader, before);
    const stale = await new HttpClient(running.server.url).request('/', { headers: { cookie: before } });
    assert.equal(stale.status, 303);
  });

  it('signs out: session destroyed, cookie cleared, back to the sign-in page', async () => {
    const client = new HttpClient(running.server.url);
    await signIn(client, 'bob', 'builder');
    const cookie = client.cookieHeader ?? '';
    assert.equal(signedInAs((await client.request('/')).body), 'bob');
    const res = await client.request('/logout', { method: 'POST' });
    assert.equal(res.status, 303);
    assert.equal(res.headers.get('location'), '/login');
    assert.match(res.setCookies[0] ?? '', /^sid=; .*Expires=Thu, 01 Jan 1970/);
    assert.equal(client.jar.size, 0);
    assert.equal((await client.request('/')).headers.get('location'), '/login');
    const replay = await new HttpClient(running.server.url).request('/', { headers: { cookie } });
    assert.equal(replay.status, 303, 'the old cookie is worthless after sign-out');
  });

  it('keeps the session across a restart on the same database file', async () => {
    const client = new HttpClient(running.server.url);
    await signIn(client, 'alice', 'wonderland');
    assert.equal(visits((await client.request('/')).body), 1);
    await running.stop();
    running = await start(join(dir, 'data', 'sessions.db'));
    const restarted = new HttpClient(running.server.url);
    for (const [name, value] of client.jar) restarted.jar.set(name, value);
    const res = await restarted.request('/');
    assert.equal(res.status, 200);
    assert.equal(signedInAs(res.body), 'alice');
    assert.equal(visits(res.body), 2);
  });

  it('answers unknown paths with 404 and logged no errors', async () => {
    assert.equal((await new HttpClient(running.server.url).request('/nope')).status, 404);
    assert.deepEqual(running.errors, []);
  });
});

describe('demo secret', () => {
  it('prefers SESSION_SECRET, else creates a private secret file once and reuses it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tessera-demo-secret-'));
    try {
      const file = join(dir, 'data', 'secret');
      assert.deepEqual(await loadSecret(file, { SESSION_SECRET: SECRET }), { secret: SECRET, source: 'env' });
      const created = await loadSecret(file, {});
      assert.equal(created.source, 'generated');
      assert.ok(created.secret.length >= 32);
      assert.equal(statSync(file).mode & 0o777, 0o600);
      assert.deepEqual(await loadSecret(file, {}), { secret: created.secret, source: 'file' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
