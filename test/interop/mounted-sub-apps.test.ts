// Mounted sub-apps and routers, Express 5 and 4, side by side with express-session 1.19 (and
// the native `tessera/express` where the cookie's format is not the point): the session
// middleware in the parent with `app.use('/admin', subApp)` and an `express.Router()`; the
// middleware inside the sub-app only (the parent's own routes then have no session), with the
// default cookie path and with `path: '/admin'`; `req.session` is the same session in all of
// them, and a redirect from a sub-app already carries the stored session.
import { it } from 'node:test';
import type express from 'express';
import type { Express } from 'express';
import { data, eachExpress, implementations, nativeImplementation, SECRET, sideBySide, type AppBuilder, type RunningApp } from './helpers.js';

/** Routes of the admin sub-app and the shop router, on whatever session is there. */
function adminApp(createApp: typeof express): Express {
  const admin = createApp();
  admin.get('/login', (req, res) => {
    data(req).role = 'admin';
    res.redirect(`${req.baseUrl}/panel`);
  });
  admin.get('/panel', (req, res) => {
    res.json({ where: 'admin', baseUrl: req.baseUrl, role: data(req).role ?? null, hasSession: req.session !== undefined });
  });
  return admin;
}

function shopRouter(createApp: typeof express): express.Router {
  const router = createApp.Router();
  router.get('/add', (req, res) => {
    data(req).cart = [...(data(req).cart ?? []), String(req.query.item)];
    res.json({ cart: data(req).cart });
  });
  return router;
}

const parentMounted: AppBuilder = (app, impl, createApp) => {
  app.use(impl.module({ secret: SECRET, resave: false, saveUninitialized: false }));
  app.use('/admin', adminApp(createApp));
  app.use('/shop', shopRouter(createApp));
  app.get('/whoami', (req, res) => {
    res.json({ role: data(req).role ?? null, cart: data(req).cart ?? [] });
  });
};

function subAppMounted(cookie: object): AppBuilder {
  return (app, impl, createApp) => {
    // The sub-app's own first middleware is the session; its routes come from the admin app.
    const sub = createApp();
    sub.use(impl.module({ secret: SECRET, resave: false, saveUninitialized: false, cookie }));
    sub.use(adminApp(createApp));
    app.use('/admin', sub);
    app.get('/public', (req, res) => {
      res.json({ hasSession: req.session !== undefined });
    });
  };
}

async function adminJourney(app: RunningApp): Promise<unknown> {
  const client = app.client();
  const login = await client.request('/admin/login');
  const panel = await client.request(login.headers.get('location') ?? '');
  return { login: `${login.status} ${login.headers.get('location')}`, panel: JSON.parse(panel.body) as unknown };
}

eachExpress((createApp) => {
  it('middleware in the parent: the sub-app, a Router and the parent see one session; the sub-app’s redirect carries it', async (t) => {
    await sideBySide(
      t,
      createApp,
      parentMounted,
      async (app) => {
        const client = app.client();
        const journey = await adminJourney({ ...app, client: () => client });
        const add = await client.request('/shop/add?item=apple');
        const whoami = await client.request('/whoami');
        return { journey, add: add.body, whoami: whoami.body };
      },
      {
        impls: [...implementations(), nativeImplementation()],
        expected: {
          journey: { login: '302 /admin/panel', panel: { where: 'admin', baseUrl: '/admin', role: 'admin', hasSession: true } },
          add: '{"cart":["apple"]}',
          whoami: '{"role":"admin","cart":["apple"]}',
        },
      },
    );
  });

  for (const [label, cookie] of [
    ['default cookie path', {}],
    ['cookie path /admin', { path: '/admin' }],
  ] as const) {
    it(`middleware in the sub-app only (${label}): the sub-app has the session, the parent’s routes none`, async (t) => {
      await sideBySide(
        t,
        createApp,
        subAppMounted(cookie),
        async (app) => {
          const client = app.client();
          const journey = await adminJourney({ ...app, client: () => client });
          const login = await app.client().request('/admin/login');
          const cookiePath = /;\s*Path=([^;]*)/i.exec(login.setCookies[0] ?? '')?.[1];
          const publicRoute = await client.request('/public');
          return { journey, cookiePath, public: publicRoute.body };
        },
        {
          expected: {
            journey: { login: '302 /admin/panel', panel: { where: 'admin', baseUrl: '/admin', role: 'admin', hasSession: true } },
            cookiePath: 'path' in cookie ? '/admin' : '/',
            public: '{"hasSession":false}',
          },
        },
      );
    });
  }
});

// Two session middlewares: one in the parent, another (its own cookie name) in the sub-app.
// express-session's second middleware sees `req.session` already there and does nothing, so the
// sub-app shares the parent's session and no second cookie is set.
const twoMiddlewares: AppBuilder = (app, impl, createApp) => {
  app.use(impl.module({ secret: SECRET, resave: false, saveUninitialized: false }));
  const sub = createApp();
  sub.use(impl.module({ secret: SECRET, name: 'admin.sid', resave: false, saveUninitialized: false }));
  sub.use(adminApp(createApp));
  app.use('/admin', sub);
  app.get('/whoami', (req, res) => {
    res.json({ role: data(req).role ?? null });
  });
};

eachExpress((createApp) => {
  it('a second session middleware in the sub-app leaves the parent’s session in place', async (t) => {
    await sideBySide(
      t,
      createApp,
      twoMiddlewares,
      async (app) => {
        const client = app.client();
        const login = await client.request('/admin/login');
        const panel = await client.request('/admin/panel');
        const whoami = await client.request('/whoami');
        return { cookies: login.setCookies.map((c) => c.split('=')[0]), panel: panel.body, whoami: whoami.body };
      },
      {
        expected: {
          cookies: ['connect.sid'],
          panel: '{"where":"admin","baseUrl":"/admin","role":"admin","hasSession":true}',
          whoami: '{"role":"admin"}',
        },
      },
    );
  });
});
