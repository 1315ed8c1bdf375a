// csrf-sync (the synchronizer-token pattern, the token kept in `req.session.csrfToken`) on the
// real package, Express 5 and 4, side by side with express-session 1.19 (and the
// native `tessera/express` for the first two): a token issued on
// GET is accepted on POST; a POST without it, or with another session's token, is a 403; at
// login the app regenerates the session and then the token, as csrf-sync's docs say
// (`generateToken(req, true)`), and the new token works while the old one does not; an app
// that carries its token over the regenerate keeps it working.
import { createRequire } from 'node:module';
import { it } from 'node:test';
import type { Request, RequestHandler } from 'express';
import { data, eachExpress, implementations, nativeImplementation, SECRET, sideBySide, type AppBuilder } from './helpers.js';
import type { HttpClient } from '../helpers/http-client.js';

const require = createRequire(import.meta.url);
const { csrfSync } = require('csrf-sync') as {
  csrfSync: () => { csrfSynchronisedProtection: RequestHandler; generateToken: (req: Request, overwrite?: boolean) => string };
};

const csrfApp: AppBuilder = (app, impl) => {
  const { csrfSynchronisedProtection, generateToken } = csrfSync();
  app.use(impl.module({ secret: SECRET, resave: false, saveUninitialized: false }));
  app.get('/form', (req, res) => {
    res.json({ token: generateToken(req) });
  });
  app.post('/transfer', csrfSynchronisedProtection, (req, res) => {
    res.send(`transferred for ${data(req).user ?? 'anonymous'}`);
  });
  // Login: a new session (against fixation), then a new token for it.
  app.post('/login', csrfSynchronisedProtection, (req, res, next) => {
    req.session.regenerate((err) => {
      if (err) return next(err);
      data(req).user = 'alice';
      res.json({ token: generateToken(req, true) });
    });
  });
  // Login that keeps the token it had (an app that copies it over the regenerate).
  app.post('/login-keep-token', csrfSynchronisedProtection, (req, res, next) => {
    const token = data(req).csrfToken as string;
    req.session.regenerate((err) => {
      if (err) return next(err);
      data(req).user = 'bob';
      data(req).csrfToken = token;
      res.json({ token: generateToken(req) });
    });
  });
};

async function post(client: HttpClient, path: string, token?: string): Promise<string> {
  const res = await client.request(path, { method: 'POST', headers: token === undefined ? {} : { 'x-csrf-token': token } });
  return `${res.status} ${res.body}`;
}

async function tokenOf(client: HttpClient): Promise<string> {
  return (JSON.parse((await client.request('/form')).body) as { token: string }).token;
}

eachExpress((createApp) => {
  it('a token issued on GET is accepted on POST; missing or another session’s token is a 403', async (t) => {
    await sideBySide(
      t,
      createApp,
      csrfApp,
      async (app) => {
        const alice = app.client();
        const mallory = app.client();
        const token = await tokenOf(alice);
        const again = await tokenOf(alice);
        const malloryToken = await tokenOf(mallory);
        return {
          sameTokenOnSecondGet: token === again,
          withToken: await post(alice, '/transfer', token),
          without: await post(alice, '/transfer'),
          otherSessionsToken: await post(alice, '/transfer', malloryToken),
          noSessionAtAll: await post(app.client(), '/transfer', token),
        };
      },
      {
        impls: [...implementations(), nativeImplementation()],
        expected: {
          sameTokenOnSecondGet: true,
          withToken: '200 transferred for anonymous',
          without: '403 error: EBADCSRFTOKEN invalid csrf token',
          otherSessionsToken: '403 error: EBADCSRFTOKEN invalid csrf token',
          noSessionAtAll: '403 error: EBADCSRFTOKEN invalid csrf token',
        },
      },
    );
  });

  it('regenerate at login, then generateToken(req, true): the new token works, the old one does not', async (t) => {
    await sideBySide(
      t,
      createApp,
      csrfApp,
      async (app) => {
        const alice = app.client();
        const before = await tokenOf(alice);
        const oldCookie = alice.cookieHeader ?? '';
        const login = await alice.request('/login', { method: 'POST', headers: { 'x-csrf-token': before } });
        const after = (JSON.parse(login.body) as { token: string }).token;
        return {
          login: login.status,
          newToken: after !== before,
          newCookie: alice.cookieHeader !== oldCookie,
          newTokenWorks: await post(alice, '/transfer', after),
          oldTokenRejected: await post(alice, '/transfer', before),
          oldCookieGone: await post(app.client({ cookie: oldCookie }), '/transfer', before),
          formGivesNewToken: (await tokenOf(alice)) === after,
        };
      },
      {
        impls: [...implementations(), nativeImplementation()],
        expected: {
          login: 200,
          newToken: true,
          newCookie: true,
          newTokenWorks: '200 transferred for alice',
          oldTokenRejected: '403 error: EBADCSRFTOKEN invalid csrf token',
          oldCookieGone: '403 error: EBADCSRFTOKEN invalid csrf token',
          formGivesNewToken: true,
        },
      },
    );
  });

  it('a token the app carries over the regenerate keeps working in the new session', async (t) => {
    await sideBySide(
      t,
      createApp,
      csrfApp,
      async (app) => {
        const bob = app.client();
        const before = await tokenOf(bob);
        const login = await bob.request('/login-keep-token', { method: 'POST', headers: { 'x-csrf-token': before } });
        return {
          login: login.status,
          sameToken: (JSON.parse(login.body) as { token: string }).token === before,
          works: await post(bob, '/transfer', before),
        };
      },
      { expected: { login: 200, sameToken: true, works: '200 transferred for bob' } },
    );
  });
});
