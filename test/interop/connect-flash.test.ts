// connect-flash on the real package, Express 5 and 4, side by side with express-session 1.19
// (and the native `tessera/express`):
// a flash message set before a redirect is shown once after it, then gone. The redirect must
// already carry the stored session: the message is in the store when the 302 arrives.
import { createRequire } from 'node:module';
import { it } from 'node:test';
import type { RequestHandler } from 'express';
import { asRealExpressSessionStore, CountingStore } from '../express-session/helpers.js';
import { eachExpress, idOf, implementations, nativeImplementation, SECRET, setCookieFor, sideBySide, type AppBuilder } from './helpers.js';

const require = createRequire(import.meta.url);
const flash = require('connect-flash') as () => RequestHandler;
type FlashRequest = { flash(type: string, message?: string): string[] | number };

function flashApp(options: object, store?: () => CountingStore): AppBuilder {
  return (app, impl) => {
    const own = store?.();
    if (own !== undefined && impl.name === 'express-session') asRealExpressSessionStore(own);
    app.locals.store = own;
    app.use(impl.module({ secret: SECRET, ...options, ...(own ? { store: own } : {}) }));
    app.use(flash());
    app.get('/save', (req, res) => {
      (req as unknown as FlashRequest).flash('info', 'saved');
      res.redirect('/show');
    });
    app.get('/show', (req, res) => {
      res.json({ info: (req as unknown as FlashRequest).flash('info') });
    });
  };
}

eachExpress((createApp) => {
  for (const [label, options] of [
    ['resave and saveUninitialized true, the defaults', { resave: true, saveUninitialized: true }],
    ['resave: false, saveUninitialized: false', { resave: false, saveUninitialized: false }],
  ] as const) {
    it(`a flash set before a redirect is shown once after it, then gone (${label})`, async (t) => {
      await sideBySide(
        t,
        createApp,
        flashApp(options),
        async (app) => {
          const client = app.client();
          const redirect = await client.request('/save');
          const shown = await client.request(redirect.headers.get('location') ?? '');
          const again = await client.request('/show');
          return [`${redirect.status} ${redirect.headers.get('location')}`, shown.body, again.body];
        },
        { impls: [...implementations(), nativeImplementation()], expected: ['302 /show', JSON.stringify({ info: ['saved'] }), JSON.stringify({ info: [] })] },
      );
    });
  }

  it('with an asynchronous callback store, the message is stored when the 302 arrives', async (t) => {
    const stores: CountingStore[] = [];
    await sideBySide(
      t,
      createApp,
      flashApp({ resave: false, saveUninitialized: false }, () => {
        const store = new CountingStore();
        stores.push(store);
        return store;
      }),
      async (app) => {
        const store = stores.at(-1)!;
        const client = app.client();
        const redirect = await client.request('/save');
        // Read the store before following the redirect: a browser follows at once.
        const stored = store.stored(idOf(setCookieFor(redirect.setCookies)));
        const shown = await client.request('/show');
        const after = store.stored(idOf(setCookieFor(redirect.setCookies)));
        return { status: redirect.status, stored: stored?.flash, shown: shown.body, after: after?.flash };
      },
      { expected: { status: 302, stored: { info: ['saved'] }, shown: JSON.stringify({ info: ['saved'] }), after: {} } },
    );
  });
});
