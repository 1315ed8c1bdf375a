// Side by side with the real express-session: for every combination of saveUninitialized,
// resave, rolling and maxAge, and a table of request sequences (untouched, modified, saved,
// regenerated, destroyed, reloaded, unset, touched, maxAge changed), the drop-in must send
// Set-Cookie on the same responses and make the same store calls (get/set/touch/destroy).
import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { Express, NextFunction, Request, Response } from 'express';
import session, { type ExpressSessionOptions } from '../../src/adapters/express-session/index.js';
import { asRealExpressSessionStore, attribute, CountingStore, data, eachExpress, realExpressSession, SECRET, setCookieFor, start } from './helpers.js';

const real = realExpressSession();

const done = (res: Response, next: NextFunction) => (err?: unknown) => (err ? next(err) : res.send('ok'));
const routes = (app: Express) => {
  app.get('/noop', (_req, res) => res.send('ok'));
  app.get('/write', (req, res) => {
    data(req).n = (data(req).n ?? 0) + 1;
    res.send(String(data(req).n));
  });
  app.get('/read', (req, res) => res.send(String(data(req)?.n ?? 'none')));
  app.get('/save', (req, res, next) => req.session.save(done(res, next)));
  app.get('/write-save', (req, res, next) => {
    data(req).n = (data(req).n ?? 0) + 1;
    req.session.save(done(res, next));
  });
  app.get('/regenerate', (req, res, next) => req.session.regenerate(done(res, next)));
  app.get('/destroy', (req, res, next) => req.session.destroy(done(res, next)));
  app.get('/reload-write', (req, res, next) =>
    req.session.reload((err) => {
      if (err) return next(err);
      data(req).n = (data(req).n ?? 0) + 1;
      res.send(String(data(req).n));
    }),
  );
  app.get('/unset', (req: Request, res) => {
    (req as unknown as { session: unknown }).session = null;
    res.send('ok');
  });
  app.get('/touch', (req, res) => {
    req.session.touch();
    res.send('ok');
  });
  app.get('/maxage', (req, res) => {
    req.session.cookie.maxAge = 5000;
    res.send('ok');
  });
  app.get('/nested', (req, res) => {
    data(req).nested = { cookie: { deep: (data(req).nested?.cookie?.deep ?? 0) + 1 } };
    res.send('ok');
  });
};

const scenarios: Record<string, string[]> = {
  untouched: ['/noop', '/noop', '/read'],
  modified: ['/write', '/noop', '/write', '/read'],
  'explicit save (unmodified)': ['/save', '/save', '/read'],
  'explicit save (modified)': ['/write', '/write-save', '/read'],
  regenerate: ['/write', '/regenerate', '/read'],
  destroy: ['/write', '/destroy', '/read'],
  reload: ['/write', '/reload-write', '/read'],
  unset: ['/write', '/unset', '/read'],
  touch: ['/write', '/touch', '/read'],
  'maxAge set': ['/write', '/maxage', '/read'],
  'nested cookie key': ['/write', '/nested', '/nested', '/read'],
};

interface Trace {
  responses: string[];
  calls: CountingStore['calls'];
}

async function trace(base: string, client: ReturnType<Awaited<ReturnType<typeof start>>['client']>, store: CountingStore, paths: string[]): Promise<Trace> {
  store.reset();
  const responses: string[] = [];
  for (const path of paths) {
    const res = await client.request(`${base}${path}`);
    const cookie = setCookieFor(res.setCookies);
    const expires = cookie === undefined ? '' : attribute(cookie, 'Expires') === undefined ? ' (session)' : ' (expires)';
    responses.push(`${path} -> ${res.status} ${res.body} cookie:${cookie === undefined ? 'no' : `yes${expires}`}`);
  }
  return { responses, calls: { ...store.calls } };
}

eachExpress((express) => {
  for (const saveUninitialized of [true, false]) {
    for (const resave of [true, false]) {
      for (const rolling of [true, false]) {
        for (const maxAge of [undefined, 60_000]) {
          for (const unset of ['keep', 'destroy'] as const) {
            // `unset` only matters to two sequences; the other combinations run with 'keep'.
            const names = Object.keys(scenarios).filter((name) => unset === 'keep' || name === 'unset' || name === 'destroy');
            const options: ExpressSessionOptions = { secret: SECRET, saveUninitialized, resave, rolling, unset, cookie: maxAge ? { maxAge } : {} };
            it(`matches express-session with ${JSON.stringify({ saveUninitialized, resave, rolling, maxAge, unset })}`, async (t) => {
              const theirStore = asRealExpressSessionStore(new CountingStore());
              const ourStore = new CountingStore();
              const theirs = await start(t, express, undefined, routes, { mount: (app) => app.use(real({ ...options, store: theirStore })) });
              const ours = await start(t, express, undefined, routes, { mount: (app) => app.use(session({ ...options, store: ourStore })) });
              for (const name of names) {
                const paths = scenarios[name] ?? [];
                const expected = await trace(theirs.url, theirs.client(), theirStore, paths);
                const actual = await trace(ours.url, ours.client(), ourStore, paths);
                if (name === 'destroy' && unset === 'destroy') {
                  // express-session destroys a second time at the end of the request (req.session is
                  // gone, so `unset: 'destroy'` applies too); the drop-in knows it is destroyed already.
                  assert.equal(expected.calls.destroy, 2, name);
                  expected.calls.destroy = 1;
                }
                assert.deepEqual(actual, expected, name);
              }
            });
          }
        }
      }
    }
  }
});
