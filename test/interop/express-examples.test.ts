// Express's own classic examples and express-session's README, Express 5 and 4, side by side
// with express-session 1.19: the `req.session.views` counter (examples/session, with the
// express-session defaults); the README's "user login": `req.session.regenerate` at login, the
// user stored, `req.session.save` before `res.redirect`, then `req.session.user = null`,
// `save`, `regenerate` at logout; and examples/auth's `req.session.destroy` at logout with an
// error/success message kept in the session across a redirect.
import { it } from 'node:test';
import type { HttpClient } from '../helpers/http-client.js';
import { asRealExpressSessionStore, CountingStore } from '../express-session/helpers.js';
import { data, eachExpress, idOf, SECRET, setCookieFor, sideBySide, type AppBuilder } from './helpers.js';

/** examples/session: counts views, and answers differently for the first. */
const viewsApp: AppBuilder = (app, impl) => {
  app.use(impl.module({ secret: SECRET, resave: true, saveUninitialized: true }));
  app.get('/', (req, res) => {
    const body = data(req).views ? `<p>viewed <strong>${data(req).views}</strong> times.</p>` : 'First time visiting? view this page in several browsers :)';
    data(req).views = (data(req).views ?? 0) + 1;
    res.send(body);
  });
};

/** express-session README "user login", and examples/auth's destroy at logout. */
function loginApp(stores: CountingStore[]): AppBuilder {
  return (app, impl, createApp) => {
    const store = new CountingStore();
    if (impl.name === 'express-session') asRealExpressSessionStore(store);
    stores.push(store);
    app.use(impl.module({ secret: SECRET, resave: false, saveUninitialized: true, store }));
    app.use(createApp.urlencoded({ extended: false }));
    const isAuthenticated = (req: any, res: any, next: any) => (data(req).user ? next() : next('route'));
    app.get('/', isAuthenticated, (req, res) => {
      res.send(`hello, ${data(req).user}! message: ${data(req).success ?? ''}`);
    });
    app.get('/', (req, res) => {
      res.send(`please log in. message: ${data(req).error ?? ''}`);
    });
    app.post('/login', (req, res, next) => {
      if (req.body.pass !== 'foobar') {
        data(req).error = 'Authentication failed';
        return res.redirect('/');
      }
      // Against session fixation: a new session, then the user in it, saved before the redirect.
      req.session.regenerate((err) => {
        if (err) return next(err);
        data(req).user = req.body.user;
        data(req).success = `Authenticated as ${req.body.user}`;
        req.session.save((err2) => (err2 ? next(err2) : res.redirect('/')));
      });
    });
    app.get('/logout', (req, res, next) => {
      data(req).user = null;
      req.session.save((err) => {
        if (err) return next(err);
        req.session.regenerate((err2) => (err2 ? next(err2) : res.redirect('/')));
      });
    });
    app.get('/destroy', (req, res) => {
      req.session.destroy(() => res.redirect('/'));
    });
  };
}

/** The session ID in the client's `connect.sid` cookie. */
function jarId(client: HttpClient): string | undefined {
  const value = client.jar.get('connect.sid');
  return value === undefined ? undefined : idOf(`connect.sid=${value}`);
}

async function follow(client: HttpClient, path: string, init: Parameters<HttpClient['request']>[1] = {}): Promise<string> {
  const res = await client.request(path, init);
  const target = res.headers.get('location');
  if (res.status !== 302 || target === null) return `${res.status} ${res.body}`;
  const landed = await client.request(target);
  return `${res.status} -> ${landed.status} ${landed.body}`;
}

eachExpress((createApp) => {
  it('examples/session: req.session.views counts per browser', async (t) => {
    await sideBySide(
      t,
      createApp,
      viewsApp,
      async (app) => {
        const one = app.client();
        const two = app.client();
        return [(await one.request('/')).body, (await one.request('/')).body, (await two.request('/')).body, (await one.request('/')).body];
      },
      {
        expected: [
          'First time visiting? view this page in several browsers :)',
          '<p>viewed <strong>1</strong> times.</p>',
          'First time visiting? view this page in several browsers :)',
          '<p>viewed <strong>2</strong> times.</p>',
        ],
      },
    );
  });

  it('login: regenerate, save before redirect (stored when the 302 arrives); logout: save + regenerate; destroy', async (t) => {
    const stores: CountingStore[] = [];
    await sideBySide(
      t,
      createApp,
      loginApp(stores),
      async (app) => {
        const store = stores.at(-1)!;
        const client = app.client();
        const first = await client.request('/');
        const failed = await follow(client, '/login', { method: 'POST', body: new URLSearchParams({ user: 'tj', pass: 'nope' }) });
        const beforeLogin = client.cookieHeader;
        const login = await client.request('/login', { method: 'POST', body: new URLSearchParams({ user: 'tj', pass: 'foobar' }) });
        const loginId = idOf(setCookieFor(login.setCookies));
        const storedAtRedirect = store.stored(loginId);
        const home = await client.request('/');
        const oldCookie = await app.client({ cookie: beforeLogin ?? '' }).request('/');
        const beforeLogout = client.cookieHeader;
        const logout = await follow(client, '/logout');
        const relogin = await follow(client, '/login', { method: 'POST', body: new URLSearchParams({ user: 'tj', pass: 'foobar' }) });
        const destroyId = jarId(client);
        const storedBefore = destroyId !== undefined && store.sessions.has(destroyId);
        const destroy = await follow(client, '/destroy');
        return {
          anonymous: `${first.status} ${first.body}`,
          hadCookie: setCookieFor(first.setCookies) !== undefined,
          failed,
          login: `${login.status} ${login.headers.get('location')}`,
          newId: loginId !== undefined && !(beforeLogin ?? '').includes(loginId),
          storedAtRedirect: storedAtRedirect === undefined ? null : { user: storedAtRedirect.user, success: storedAtRedirect.success, error: storedAtRedirect.error ?? null },
          home: home.body,
          oldCookie: oldCookie.body,
          logout,
          logoutNewCookie: client.cookieHeader !== undefined && beforeLogout !== client.cookieHeader,
          relogin,
          destroy,
          storedBeforeDestroy: destroyId !== undefined && storedBefore,
          destroyedInStore: destroyId !== undefined && !store.sessions.has(destroyId),
        };
      },
      {
        expected: {
          anonymous: '200 please log in. message: ',
          hadCookie: true,
          failed: '302 -> 200 please log in. message: Authentication failed',
          login: '302 /',
          newId: true,
          storedAtRedirect: { user: 'tj', success: 'Authenticated as tj', error: null },
          home: 'hello, tj! message: Authenticated as tj',
          // The pre-login session was regenerated away: its cookie starts a new, empty one.
          oldCookie: 'please log in. message: ',
          logout: '302 -> 200 please log in. message: ',
          logoutNewCookie: true,
          relogin: '302 -> 200 hello, tj! message: Authenticated as tj',
          destroy: '302 -> 200 please log in. message: ',
          storedBeforeDestroy: true,
          destroyedInStore: true,
        },
      },
    );
  });
});
