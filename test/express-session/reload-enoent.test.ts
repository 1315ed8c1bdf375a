// `reload()` with a store whose `get` reports ENOENT passes that error on, as express-session
// does; only the initial load reads ENOENT as "no session". Side by side with the real one.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { Express } from 'express';
import session from '../../src/adapters/express-session/index.js';
import { asRealExpressSessionStore, CountingStore, data, eachExpress, realExpressSession, SECRET, start } from './helpers.js';

/** A store whose `get` reports ENOENT (a file store's "no such file") while `missing` is set. */
class FileLikeStore extends CountingStore {
  missing = false;

  override get(sid: string, callback: (err: any, session?: any) => void): void {
    if (!this.missing) return super.get(sid, callback);
    this.calls.get++;
    const error = Object.assign(new Error(`ENOENT: no such file or directory, open '${sid}.json'`), { code: 'ENOENT' });
    setImmediate(() => callback(error));
  }
}

const routes = (store: () => FileLikeStore) => (app: Express) => {
  app.get('/write', (req, res) => {
    data(req).n = 1;
    res.send('ok');
  });
  app.get('/reload', (req, res) => {
    store().missing = true;
    req.session.reload((err?: any) => {
      store().missing = false;
      res.send(err ? `reload failed: ${err.code} ${err.message}` : `reloaded: ${data(req).n}`);
    });
  });
  app.get('/reload-promise', (req, res) => {
    store().missing = true;
    (req.session.reload() as unknown as Promise<void>).then(
      () => res.send('reloaded'),
      (err: any) => res.send(`rejected: ${err.code}`),
    );
  });
};

eachExpress((express) => {
  it('reload passes an ENOENT error through to its callback, as express-session', async (t) => {
    const real = realExpressSession();
    const theirStore = asRealExpressSessionStore(new FileLikeStore()) as FileLikeStore;
    // Re-parenting keeps CountingStore's methods only: put FileLikeStore's get back.
    theirStore.get = FileLikeStore.prototype.get;
    const ourStore = new FileLikeStore();
    const theirs = await start(t, express, undefined, routes(() => theirStore), { mount: (app) => app.use(real({ secret: SECRET, store: theirStore })) });
    const ours = await start(t, express, undefined, routes(() => ourStore), { mount: (app) => app.use(session({ secret: SECRET, store: ourStore })) });
    const bodies = [];
    for (const app of [theirs, ours]) {
      const client = app.client();
      await client.request('/write');
      bodies.push((await client.request('/reload')).body.replace(/open '.*'/, "open '<sid>.json'"));
    }
    assert.match(bodies[0] ?? '', /^reload failed: ENOENT ENOENT: no such file/);
    assert.equal(bodies[1], bodies[0]);
  });

  it('reload without a callback rejects with the ENOENT error', async (t) => {
    const store = new FileLikeStore();
    const app = await start(t, express, { secret: SECRET, store }, routes(() => store));
    const client = app.client();
    await client.request('/write');
    assert.equal((await client.request('/reload-promise')).body, 'rejected: ENOENT');
  });

  it('the initial load still reads ENOENT as "no session"', async (t) => {
    const store = new FileLikeStore();
    const app = await start(t, express, { secret: SECRET, store }, (a) => a.get('/', (req, res) => res.send(String(data(req).n ?? 'none'))));
    const client = app.client();
    await client.request('/');
    store.missing = true;
    const res = await client.request('/');
    assert.deepEqual([res.status, res.body], [200, 'none']);
  });
});
