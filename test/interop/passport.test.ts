// passport 0.7 + passport-local over a real third-party store (session-file-store, files in a
// temp dir) and over each implementation's MemoryStore, Express 5 and 4, side by side with
// express-session 1.19: the whole login/logout cycle with passport's defaults (no
// keepSessionInfo: login regenerates and drops what was there; `req.logout` saves, then
// regenerates). The keepSessionInfo logins are in test/express-session/passport.test.ts.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'node:test';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { HttpClient } from '../helpers/http-client.js';
import { data, eachExpress, idOf, SECRET, sideBySide, type AppBuilder } from './helpers.js';

const require = createRequire(import.meta.url);
const { Passport } = require('passport') as { Passport: new () => any };
const { Strategy: LocalStrategy } = require('passport-local') as { Strategy: new (verify: (u: string, p: string, done: (e: unknown, user?: unknown) => void) => void) => unknown };
const fileStoreFactory = require('session-file-store') as (session: unknown) => new (options: object) => object;

function passportApp(store: 'memory' | 'session-file-store', dirs: string[]): AppBuilder {
  return (app, impl, createApp) => {
    let own: object | undefined;
    if (store === 'session-file-store') {
      const dir = mkdtempSync(join(tmpdir(), 'tessera-passport-'));
      dirs.push(dir);
      own = new (fileStoreFactory(impl.module))({ path: dir, retries: 0, reapInterval: -1, logFn: () => {} });
    }
    const passport = new Passport();
    passport.use(new LocalStrategy((username, password, done) => done(null, username === 'alice' && password === 'secret' ? { id: 'u-alice', name: 'alice' } : false)));
    passport.serializeUser((user: { id: string }, done: (e: unknown, id?: string) => void) => done(null, user.id));
    passport.deserializeUser((id: string, done: (e: unknown, user?: unknown) => void) => done(null, id === 'u-alice' ? { id, name: 'alice' } : false));
    app.use(createApp.urlencoded({ extended: false }));
    app.use(impl.module({ secret: SECRET, resave: false, saveUninitialized: false, ...(own ? { store: own } : {}) }));
    app.use(passport.initialize() as RequestHandler, passport.session() as RequestHandler);
    app.get('/note', (req, res) => {
      data(req).note = String(req.query.text);
      res.send('noted');
    });
    app.get('/me', (req: Request, res) => {
      const user = (req as unknown as { user?: { name: string } }).user;
      res.json({ user: user?.name ?? null, note: data(req).note ?? null });
    });
    app.post('/login', passport.authenticate('local', { successRedirect: '/me', failureRedirect: '/login-failed' }) as RequestHandler);
    app.post('/logout', (req: Request, res: Response, next: NextFunction) => {
      (req as any).logout((err: unknown) => (err ? next(err) : res.redirect('/me')));
    });
  };
}

function sessionId(client: HttpClient): string | undefined {
  const value = client.jar.get('connect.sid');
  return value === undefined ? undefined : idOf(`connect.sid=${value}`);
}

eachExpress((createApp) => {
  for (const store of ['memory', 'session-file-store'] as const) {
    it(`login regenerates (the note is dropped), the user stays logged in, logout logs out (${store})`, async (t) => {
      const dirs: string[] = [];
      t.after(() => {
        for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
      });
      await sideBySide(t, createApp, passportApp(store, dirs), async (app) => {
        const client = app.client();
        await client.request('/note?text=hello');
        const anonymousId = sessionId(client);
        const wrong = await client.request('/login', { method: 'POST', body: new URLSearchParams({ username: 'alice', password: 'nope' }) });
        const login = await client.request('/login', { method: 'POST', body: new URLSearchParams({ username: 'alice', password: 'secret' }) });
        const loggedInId = sessionId(client);
        const loggedInCookie = client.cookieHeader ?? '';
        const me = await client.request('/me');
        const fileOfOld = store === 'session-file-store' ? existsSync(join(dirs.at(-1)!, `${anonymousId}.json`)) : null;
        const logout = await client.request('/logout', { method: 'POST' });
        const after = await client.request('/me');
        // The logged-in cookie, replayed after logout, logs nobody in.
        const replay = await app.client({ cookie: loggedInCookie }).request('/me');
        return {
          wrong: `${wrong.status} ${wrong.headers.get('location')}`,
          login: `${login.status} ${login.headers.get('location')}`,
          newIdAtLogin: loggedInId !== undefined && loggedInId !== anonymousId,
          oldSessionFileGone: fileOfOld === null ? null : !fileOfOld,
          me: me.body,
          logout: `${logout.status} ${logout.headers.get('location')}`,
          newIdAtLogout: sessionId(client) !== loggedInId,
          after: after.body,
          replay: replay.body,
        };
      }, {
        expected: {
          wrong: '302 /login-failed',
          login: '302 /me',
          newIdAtLogin: true,
          oldSessionFileGone: store === 'session-file-store' ? true : null,
          me: '{"user":"alice","note":null}',
          logout: '302 /me',
          newIdAtLogout: true,
          after: '{"user":null,"note":null}',
          replay: '{"user":null,"note":null}',
        },
      });
    });
  }
});
