// The drop-in's opt-in login: `session.login(req.session, userId)` and the sudo-mode helpers
// are functions of `tessera/express-session`, so `req.session` keeps express-session's shape
// (no `login` method; stored keys named `login`, `isFresh`, `reauthenticated` load as data).
// Over real HTTP with a cookie jar, Express 5 and 4: the helper rotates the ID (the old cookie
// is dead), stores the session before the redirect, keeps data only with `{ keep: true }`;
// `requireFresh` works on the drop-in's sessions; and a passport login under express-session
// and a helper login under the drop-in end the same way for the browser.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { it } from 'node:test';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import session, { authenticatedAt, isFresh, login, reauthenticated } from '../../src/adapters/express-session/index.js';
import { requireFresh } from '../../src/adapters/express/index.js';
import { isTesseraError } from '../../src/core/errors.js';
import { route } from '../helpers/express-apps.js';
import { data, eachExpress, idOf, realExpressSession, SECRET, setCookieFor, start } from './helpers.js';

const require = createRequire(import.meta.url);
const { Passport } = require('passport') as { Passport: new () => any };

const options = { secret: SECRET, resave: false, saveUninitialized: false };

eachExpress((express) => {
  it('req.session has no login method, and data keys named like the helpers load as data', async (t) => {
    const app = await start(t, express, options, (a) => {
      a.get('/write', (req, res) => {
        const shape = { login: typeof data(req).login, isFresh: typeof data(req).isFresh, reauthenticated: typeof data(req).reauthenticated };
        Object.assign(data(req), { login: 'last-login-page', isFresh: 'yes', reauthenticated: 3 });
        res.json(shape);
      });
      a.get('/read', (req, res) => res.json({ login: data(req).login, isFresh: data(req).isFresh, reauthenticated: data(req).reauthenticated }));
    });
    const client = app.client();
    assert.deepEqual(JSON.parse((await client.request('/write')).body), { login: 'undefined', isFresh: 'undefined', reauthenticated: 'undefined' });
    assert.deepEqual(JSON.parse((await client.request('/read')).body), { login: 'last-login-page', isFresh: 'yes', reauthenticated: 3 });
  });

  it('login(req.session, id): a new ID stored before the redirect, the old cookie dead, data kept only with keep', async (t) => {
    let stored: unknown = 'not checked';
    const app = await start(t, express, options, (a) => {
      a.get('/cart', (req, res) => {
        data(req).cart = ['apple'];
        res.send('ok');
      });
      a.get(
        '/login',
        route(async (req, res) => {
          const keep = req.query.keep === '1';
          await login(req.session, 'u-alice', { keep });
          // The store already has it, under the new ID (req.sessionID followed it).
          stored = await new Promise((resolve) => (req.sessionStore as { get(id: string, cb: (e: unknown, s: unknown) => void): void }).get(req.sessionID, (_e, s) => resolve(s)));
          res.redirect('/me');
        }),
      );
      a.get('/me', (req, res) => {
        res.json({ at: authenticatedAt(req.session) ?? null, fresh: isFresh(req.session, 60_000), stale: isFresh(req.session, 0), cart: data(req).cart ?? [] });
      });
    });
    for (const keep of [false, true]) {
      const client = app.client();
      await client.request('/cart');
      const before = client.cookieHeader!;
      const res = await client.request(`/login${keep ? '?keep=1' : ''}`);
      assert.equal(res.status, 302);
      assert.ok(stored !== undefined && stored !== null && typeof stored === 'object', 'stored when login resolved');
      const newId = idOf(setCookieFor(res.setCookies));
      assert.ok(newId !== undefined && !before.includes(encodeURIComponent(`s:${newId}.`)), 'a new ID');
      const me = JSON.parse((await client.request('/me')).body) as { at: number | null; fresh: boolean; stale: boolean; cart: string[] };
      assert.equal(typeof me.at, 'number');
      assert.equal(me.fresh, true);
      assert.equal(me.stale, false);
      assert.deepEqual(me.cart, keep ? ['apple'] : []);
      const replay = JSON.parse((await app.client().request('/me', { headers: { cookie: before } })).body) as { at: number | null; cart: string[] };
      assert.deepEqual(replay, { at: null, fresh: false, stale: false, cart: [] }, 'the pre-login cookie loads nothing');
    }
  });

  it('requireFresh and reauthenticated work on drop-in sessions; the helpers refuse a missing session', async (t) => {
    const app = await start(t, express, options, (a) => {
      a.get(
        '/login',
        route(async (req, res) => {
          await login(req.session, 7);
          res.send('in');
        }),
      );
      a.get('/reauth', (req, res) => {
        reauthenticated(req.session);
        res.send('again');
      });
      a.get('/sudo', requireFresh(60_000), (_req, res) => res.send('sudo'));
      a.get('/never', requireFresh(0), (_req, res) => res.send('never'));
      a.get(
        '/no-session',
        route(async (req, res) => {
          delete (req as { session?: unknown }).session;
          const error = await login(req.session, 'x').then(() => null, (e: unknown) => e);
          res.json({ type: error instanceof TypeError, message: (error as Error).message });
        }),
      );
      a.get(
        '/twice',
        route(async (req, res) => {
          await login(req.session, 'a');
          const error = await login(req.session, 'b').then(() => null, (e: unknown) => e);
          res.json({ code: isTesseraError(error) ? error.code : null });
        }),
      );
    });
    const client = app.client();
    assert.equal((await client.request('/sudo')).status, 401, 'no login yet');
    await client.request('/login');
    assert.equal((await client.request('/sudo')).body, 'sudo');
    assert.equal((await client.request('/never')).status, 401);
    assert.equal((await client.request('/reauth')).body, 'again');
    assert.equal((await client.request('/sudo')).status, 200);
    const missing = JSON.parse((await client.request('/no-session')).body) as { type: boolean; message: string };
    assert.equal(missing.type, true);
    assert.match(missing.message, /^login\(session, userId\): pass req\.session/);
    assert.deepEqual(JSON.parse((await app.client().request('/twice')).body), { code: 'ERR_LOGIN_TWICE' });
  });

  it('is on the CommonJS-style factory too (session.login), with no option to turn on', () => {
    assert.equal(session.login, login);
    assert.equal(session.isFresh, isFresh);
    assert.equal(session.reauthenticated, reauthenticated);
    assert.equal(session.authenticatedAt, authenticatedAt);
  });

  it('side by side: passport req.login under express-session and login() under the drop-in look the same to the browser', async (t) => {
    const journeys: Record<string, unknown>[] = [];
    for (const flavour of ['express-session + passport', 'drop-in + login()'] as const) {
      const mount = flavour === 'express-session + passport' ? (realExpressSession() as unknown as (o: object) => RequestHandler)(options) : session(options);
      const passport = new Passport();
      passport.serializeUser((user: { id: string }, done: (e: unknown, id?: string) => void) => done(null, user.id));
      passport.deserializeUser((id: string, done: (e: unknown, user?: unknown) => void) => done(null, { id }));
      const app = await start(t, express, undefined, (a) => {
        a.use(passport.initialize() as RequestHandler, passport.session() as RequestHandler);
        a.get('/cart', (req, res) => {
          data(req).cart = ['apple'];
          res.send('ok');
        });
        a.get('/login', (req: Request, res: Response, next: NextFunction) => {
          const user = { id: 'u-alice' };
          if (flavour === 'express-session + passport') {
            (req as any).login(user, (err: unknown) => (err ? next(err) : res.redirect('/account')));
            return;
          }
          login(req.session, user.id).then(() => {
            data(req).user = user.id;
            res.redirect('/account');
          }, next);
        });
        a.get('/account', (req, res) => {
          const user = (req as { user?: { id: string } }).user?.id ?? data(req).user;
          res.json({ user: user ?? null, cart: data(req).cart ?? [] });
        });
      }, { mount: (a) => a.use(mount) });
      const client = app.client();
      await client.request('/cart');
      const before = client.cookieHeader!;
      const res = await client.request('/login');
      const newId = idOf(setCookieFor(res.setCookies));
      journeys.push({
        login: `${res.status} ${res.headers.get('location')}`,
        newId: newId !== undefined && !before.includes(encodeURIComponent(`s:${newId}.`)),
        account: JSON.parse((await client.request('/account')).body),
        replay: JSON.parse((await app.client().request('/account', { headers: { cookie: before } })).body),
      });
    }
    assert.deepEqual(journeys[1], journeys[0]);
    assert.deepEqual(journeys[0], { login: '302 /account', newId: true, account: { user: 'u-alice', cart: [] }, replay: { user: null, cart: [] } });
  });
});
