// Code that reaches into the store beside the middleware, as apps do (a WebSocket handshake
// reading `req.sessionStore.get(id)`, an admin page listing `all`/`length`, "log out everywhere"
// with `destroy`, an out-of-band `set` then `req.session.reload`), Express 5 and 4, side by side
// with express-session 1.19, over each implementation's own MemoryStore and over
// session-file-store.
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'node:test';
import { data, eachExpress, SECRET, sideBySide, type AppBuilder } from './helpers.js';

const require = createRequire(import.meta.url);
const fileStoreFactory = require('session-file-store') as (session: unknown) => new (options: object) => object;
type AnyStore = Record<string, (...args: any[]) => void>;

function accessApp(kind: 'MemoryStore' | 'session-file-store', dirs: string[]): AppBuilder {
  return (app, impl) => {
    let store: object;
    if (kind === 'MemoryStore') store = new impl.module.MemoryStore();
    else {
      const dir = mkdtempSync(join(tmpdir(), 'tessera-access-'));
      dirs.push(dir);
      store = new (fileStoreFactory(impl.module))({ path: dir, retries: 0, reapInterval: -1, logFn: () => {} });
    }
    app.use(impl.module({ secret: SECRET, resave: false, saveUninitialized: false, store, cookie: { maxAge: 60_000 } }));
    app.get('/login', (req, res) => {
      data(req).user = String(req.query.user);
      res.json({ id: req.sessionID });
    });
    app.get('/me', (req, res) => {
      res.json({ user: data(req).user ?? null });
    });
    const s = (req: { sessionStore: unknown }) => req.sessionStore as AnyStore;
    app.get('/peek', (req, res, next) => {
      s(req).get!(String(req.query.id), (err: unknown, sess: Record<string, any> | null | undefined) => {
        if (err) return next(err);
        // express-session records `originalMaxAge` as 59999 when a millisecond ticks between its
        // two clock reads (the drop-in reads the clock once: 60000), so both are compared to the
        // second; a wrong lifetime still differs.
        const maxAgeSeconds = Math.round(sess?.cookie.originalMaxAge / 1000);
        res.json(sess ? { user: sess.user, cookieKeys: Object.keys(sess.cookie).sort(), maxAgeSeconds, expiresType: typeof sess.cookie.expires } : null);
      });
    });
    app.get('/admin/count', (req, res, next) => {
      s(req).length!((err: unknown, n: number) => (err ? next(err) : res.json({ n })));
    });
    app.get('/admin/all', (req, res, next) => {
      if (typeof s(req).all !== 'function') return void res.json({ all: 'not offered by this store' });
      s(req).all!((err: unknown, all: Record<string, any> | Array<Record<string, any>>) => {
        if (err) return next(err);
        const list = Array.isArray(all) ? all : Object.values(all);
        res.json({ users: list.map((x) => x.user).sort(), isArray: Array.isArray(all) });
      });
    });
    app.get('/admin/kick', (req, res, next) => {
      s(req).destroy!(String(req.query.id), (err: unknown) => (err ? next(err) : res.send('kicked')));
    });
    app.get('/rename', (req, res, next) => {
      // Another process renames the user in the store; this request reloads to see it.
      s(req).get!(req.sessionID, (err: unknown, sess: Record<string, any>) => {
        if (err) return next(err);
        s(req).set!(req.sessionID, { ...sess, user: 'renamed' }, (err2: unknown) => {
          if (err2) return next(err2);
          req.session.reload((err3: unknown) => (err3 ? next(err3) : res.json({ user: data(req).user })));
        });
      });
    });
  };
}

eachExpress((createApp) => {
  for (const kind of ['MemoryStore', 'session-file-store'] as const) {
    it(`sessionStore get/length/all/destroy/set from routes, then reload (${kind})`, async (t) => {
      const dirs: string[] = [];
      t.after(() => {
        for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
      });
      await sideBySide(t, createApp, accessApp(kind, dirs), async (app) => {
        const alice = app.client();
        const bob = app.client();
        const aliceId = (JSON.parse((await alice.request('/login?user=alice')).body) as { id: string }).id;
        await bob.request('/login?user=bob');
        const peek = await bob.request(`/peek?id=${aliceId}`);
        const count = await bob.request('/admin/count');
        const all = await bob.request('/admin/all');
        const rename = await bob.request('/rename');
        const bobAfter = await bob.request('/me');
        const kick = await bob.request(`/admin/kick?id=${aliceId}`);
        const aliceAfter = await alice.request('/me');
        const missing = await bob.request('/peek?id=nope');
        // A missing ID: MemoryStore answers nothing; session-file-store answers its ENOENT error.
        return { peek: peek.body, count: count.body, all: all.body, rename: rename.body, bobAfter: bobAfter.body, kick: kick.body, aliceAfter: aliceAfter.body, missing: `${missing.status} ${missing.body.slice(0, 13)}` };
      });
    });
  }
});
