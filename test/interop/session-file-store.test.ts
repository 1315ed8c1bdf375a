// session-file-store (a third-party callback store keeping one JSON file per session) on the
// real package, files in a temp dir, Express 5 and 4, side by side with express-session 1.19:
// create, read back, destroy; an unmodified request touches the file; a session file whose lifetime has passed is "no session", and
// the store's reap removes it; a cookie whose file is missing (the store answers `ENOENT`) is
// "no session" too, not a 500 — with retries off and with retries on. A write that fails is
// the one difference, on purpose: the drop-in answers 500 where express-session answers 200.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'node:test';
import { data, eachExpress, idOf, implementations, SECRET, serve, setCookieFor, sideBySide, viewRoutes, type AppBuilder } from './helpers.js';

const require = createRequire(import.meta.url);
type FileStoreInstance = { options: Record<string, unknown> & { reapIntervalObject?: NodeJS.Timeout } };
const fileStoreFactory = require('session-file-store') as (session: unknown) => new (options: object) => FileStoreInstance;
const helpers = require('session-file-store/lib/session-file-helpers') as { reap(options: object, callback: (err?: unknown) => void): void };

/** One store per app, in its own temp dir (removed at the end); dirs and stores are pushed to the arrays. */
function fileStoreApp(dirs: string[], storeOptions: object = {}, stores: FileStoreInstance[] = [], cookie: object = {}): AppBuilder {
  return (app, impl) => {
    const dir = mkdtempSync(join(tmpdir(), 'tessera-file-store-'));
    dirs.push(dir);
    const FileStore = fileStoreFactory(impl.module);
    const store = new FileStore({ path: dir, retries: 0, reapInterval: -1, logFn: () => {}, ...storeOptions });
    stores.push(store);
    app.use(impl.module({ secret: SECRET, resave: false, saveUninitialized: false, store, cookie }));
    viewRoutes(app);
  };
}

function cleanup(dirs: string[]): void {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
}

eachExpress((createApp) => {
  it('creates a session file, reads it back, destroys it (file gone, cookie no longer loads it)', async (t) => {
    const dirs: string[] = [];
    t.after(() => cleanup(dirs));
    await sideBySide(t, createApp, fileStoreApp(dirs), async (app) => {
      const dir = dirs.at(-1)!;
      const client = app.client();
      const first = await client.request('/write');
      const id = idOf(setCookieFor(first.setCookies));
      const file = join(dir, `${id}.json`);
      const onDisk = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>) : undefined;
      const second = await client.request('/write');
      const read = await client.request('/read');
      const logout = await client.request('/logout');
      const fileAfterLogout = existsSync(file);
      const afterLogout = await app.client({ cookie: setCookieFor(first.setCookies)!.split(';')[0]! }).request('/read');
      return {
        first: first.body,
        fileViews: onDisk?.views,
        fileHasCookie: typeof onDisk?.cookie === 'object',
        second: second.body,
        read: read.body,
        logout: `${logout.status} ${logout.body}`,
        fileAfterLogout,
        afterLogout: `${afterLogout.status} ${afterLogout.body}`,
      };
    }, {
      expected: {
        first: '{"views":1}',
        fileViews: 1,
        fileHasCookie: true,
        second: '{"views":2}',
        read: '{"views":2}',
        logout: '200 bye',
        fileAfterLogout: false,
        afterLogout: '200 {"views":null}',
      },
    });
  });

  for (const retries of [0, 2]) {
    it(`a cookie whose session file is missing (ENOENT, retries: ${retries}) is "no session": 200, a new session`, async (t) => {
      const dirs: string[] = [];
      t.after(() => cleanup(dirs));
      await sideBySide(t, createApp, fileStoreApp(dirs, { retries, minTimeout: 10, maxTimeout: 20 }), async (app) => {
        const client = app.client();
        const first = await client.request('/write');
        const id = idOf(setCookieFor(first.setCookies));
        unlinkSync(join(dirs.at(-1)!, `${id}.json`));
        const read = await client.request('/read');
        const write = await client.request('/write');
        const newId = idOf(setCookieFor(write.setCookies));
        return { read: `${read.status} ${read.body}`, write: `${write.status} ${write.body}`, newSession: newId !== undefined && newId !== id };
      }, { expected: { read: '200 {"views":null}', write: '200 {"views":1}', newSession: true } });
    });
  }

  it('a session file past its lifetime is "no session"; the store’s reap removes it', async (t) => {
    const dirs: string[] = [];
    const stores: FileStoreInstance[] = [];
    t.after(() => cleanup(dirs));
    await sideBySide(t, createApp, fileStoreApp(dirs, { ttl: 60 }, stores), async (app) => {
      const dir = dirs.at(-1)!;
      const client = app.client();
      const first = await client.request('/write');
      const id = idOf(setCookieFor(first.setCookies));
      const file = join(dir, `${id}.json`);
      // Age the file instead of sleeping: its last access two minutes ago, ttl 60 s.
      const stored = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
      writeFileSync(file, JSON.stringify({ ...stored, __lastAccess: Date.now() - 120_000 }));
      const read = await client.request('/read');
      await new Promise<void>((resolve, reject) => helpers.reap(stores.at(-1)!.options, (err) => (err ? reject(err) : resolve())));
      return { read: `${read.status} ${read.body}`, reaped: !existsSync(file) };
    }, { expected: { read: '200 {"views":null}', reaped: true } });
  });

  for (const cookie of [{}, { maxAge: 3_600_000 }]) {
    it(`an unmodified request touches the session file (resave: false, cookie ${JSON.stringify(cookie)})`, async (t) => {
      const dirs: string[] = [];
      t.after(() => cleanup(dirs));
      await sideBySide(t, createApp, fileStoreApp(dirs, { ttl: 3600 }, [], cookie), async (app) => {
        const client = app.client();
        const first = await client.request('/write');
        const file = join(dirs.at(-1)!, `${idOf(setCookieFor(first.setCookies))}.json`);
        // Move the last access back an hour less a minute: only a touch keeps the session alive.
        const aged = Date.now() - 3_540_000;
        writeFileSync(file, JSON.stringify({ ...(JSON.parse(readFileSync(file, 'utf8')) as object), __lastAccess: aged }));
        const read = await client.request('/read');
        const lastAccess = (JSON.parse(readFileSync(file, 'utf8')) as { __lastAccess: number }).__lastAccess;
        return { read: `${read.status} ${read.body}`, touched: lastAccess > aged + 60_000 };
      }, { expected: { read: '200 {"views":1}', touched: true } });
    });
  }

  it('a write that fails (the store’s directory is gone): express-session answers 200 and loses it; the drop-in answers 500 (on purpose)', async (t) => {
    const dirs: string[] = [];
    t.after(() => cleanup(dirs));
    const results: Record<string, unknown> = {};
    for (const impl of implementations()) {
      const app = await serve(t, createApp, impl, fileStoreApp(dirs));
      const client = app.client();
      const first = await client.request('/write');
      rmSync(dirs.at(-1)!, { recursive: true, force: true });
      // The read finds no file (ENOENT: no session); the write cannot create one.
      const read = await client.request('/read');
      const write = await client.request('/write');
      const after = await client.request('/read');
      results[impl.name] = [first.body, `${read.status} ${read.body}`, `${write.status} ${write.body.slice(0, 13)} cookie:${write.setCookies.length}`, `${after.status} ${after.body}`];
    }
    assert.deepEqual(results, {
      'express-session': ['{"views":1}', '200 {"views":null}', '200 {"views":1} cookie:1', '200 {"views":null}'],
      'drop-in': ['{"views":1}', '200 {"views":null}', '500 error: ENOENT cookie:0', '200 {"views":null}'],
    });
  });
});
