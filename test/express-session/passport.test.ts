// passport ≥ 0.6 with `keepSessionInfo: true`, on the real passport and passport-local, on
// Express 5 and 4, side by side with the real express-session: logging in regenerates the
// session (a new ID; the old one no longer logs anyone in) and keeps what was in it before —
// `returnTo` (the user lands on the page they asked for) and a shopping cart. Both login
// styles: `req.login(user, { keepSessionInfo: true })` and
// `passport.authenticate('local', { keepSessionInfo: true, successReturnToOrRedirect: '/' })`.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { it } from 'node:test';
import type express from 'express';
import type { Express, NextFunction, Request, RequestHandler, Response } from 'express';
import session from '../../src/adapters/express-session/index.js';
import { data, eachExpress, idOf, realExpressSession, SECRET, setCookieFor, start } from './helpers.js';

const require = createRequire(import.meta.url);
const { Passport } = require('passport') as { Passport: new () => any };
const { Strategy: LocalStrategy } = require('passport-local') as { Strategy: new (verify: (u: string, p: string, done: (e: unknown, user?: unknown) => void) => void) => unknown };

type Style = 'req.login' | 'authenticate';

function passportApp(createApp: typeof express, style: Style): (app: Express) => void {
  return (app) => {
    const passport = new Passport();
    passport.use(new LocalStrategy((username, password, done) => done(null, username === 'alice' && password === 'secret' ? { id: 'u-alice', name: 'alice' } : false)));
    passport.serializeUser((user: { id: string }, done: (e: unknown, id?: string) => void) => done(null, user.id));
    passport.deserializeUser((id: string, done: (e: unknown, user?: unknown) => void) => done(null, id === 'u-alice' ? { id, name: 'alice' } : false));
    app.use(createApp.urlencoded({ extended: false }));
    app.use(passport.initialize() as RequestHandler);
    app.use(passport.session() as RequestHandler);
    app.get('/cart/add', (req, res) => {
      data(req).cart = [...(data(req).cart ?? []), String(req.query.item)];
      res.send('added');
    });
    app.get('/account', (req: Request, res) => {
      const user = (req as unknown as { user?: { name: string } }).user;
      if (!user) {
        data(req).returnTo = req.originalUrl;
        res.redirect('/login');
        return;
      }
      res.json({ user: user.name, cart: data(req).cart ?? [] });
    });
    if (style === 'authenticate') {
      app.post('/login', passport.authenticate('local', { keepSessionInfo: true, successReturnToOrRedirect: '/', failureRedirect: '/login' }) as RequestHandler);
    } else {
      app.post('/login', (req: Request, res: Response, next: NextFunction) => {
        const user = req.body.username === 'alice' && req.body.password === 'secret' ? { id: 'u-alice', name: 'alice' } : undefined;
        if (!user) return res.redirect('/login');
        (req as any).login(user, { keepSessionInfo: true }, (err: unknown) => {
          if (err) return next(err);
          const returnTo = data(req).returnTo ?? '/';
          delete data(req).returnTo;
          res.redirect(returnTo);
        });
      });
    }
  };
}

/** The browser's journey: fill a cart, ask for a protected page, log in, land on it. */
async function journey(app: Awaited<ReturnType<typeof start>>): Promise<Record<string, unknown>> {
  const client = app.client();
  await client.request('/cart/add?item=apple');
  const before = client.cookieHeader;
  const denied = await client.request('/account');
  const login = await client.request('/login', {
    method: 'POST',
    body: new URLSearchParams({ username: 'alice', password: 'secret' }),
  });
  const newId = idOf(setCookieFor(login.setCookies));
  const account = await client.request('/account');
  // The pre-login cookie must no longer log anyone in.
  const replay = await app.client().request('/account', { headers: { cookie: before ?? '' } });
  return {
    denied: `${denied.status} ${denied.headers.get('location')}`,
    login: `${login.status} ${login.headers.get('location')}`,
    newCookie: newId !== undefined && !before?.includes(encodeURIComponent(`s:${newId}.`)),
    account: `${account.status} ${account.body}`,
    oldCookie: `${replay.status} ${replay.headers.get('location')}`,
  };
}

eachExpress((createApp) => {
  for (const style of ['req.login', 'authenticate'] as const) {
    it(`${style} with keepSessionInfo: returnTo and the cart survive the login, the ID changes (as express-session)`, async (t) => {
      const real = realExpressSession();
      const theirs = await start(t, createApp, undefined, passportApp(createApp, style), { mount: (app) => app.use(real({ secret: SECRET, resave: false, saveUninitialized: false })) });
      const ours = await start(t, createApp, undefined, passportApp(createApp, style), { mount: (app) => app.use(session({ secret: SECRET, resave: false, saveUninitialized: false })) });
      const expected = {
        denied: '302 /login',
        login: '302 /account',
        newCookie: true,
        account: `200 ${JSON.stringify({ user: 'alice', cart: ['apple'] })}`,
        oldCookie: '302 /login',
      };
      assert.deepEqual(await journey(theirs), expected);
      assert.deepEqual(await journey(ours), expected);
    });
  }

  it('with the drop-in’s defaults (resave, saveUninitialized) the journey is the same', async (t) => {
    const ours = await start(t, createApp, { secret: SECRET }, passportApp(createApp, 'authenticate'));
    const result = await journey(ours);
    assert.equal(result.login, '302 /account');
    assert.equal(result.account, `200 ${JSON.stringify({ user: 'alice', cart: ['apple'] })}`);
  });
});
