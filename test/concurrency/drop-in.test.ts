// The drop-in (`tessera/express-session`) over real HTTP: with a Tessera store passed as `store`,
// concurrent writes merge by default (50 rounds of two overlapping requests setting `a` and `b`:
// 0 lost; a session destroyed meanwhile stays dead), on every store. With an express-session store
// (its own `session.MemoryStore` included) it stays last-write-wins, as express-session, and
// refuses `concurrency: 'merge'` when the middleware is built.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import express, { type RequestHandler } from 'express';
import expressSession from 'express-session';
import dropIn from '../../src/adapters/express-session/index.js';
import { listen, route, type Listening } from '../helpers/express-apps.js';
import { HttpClient } from '../helpers/http-client.js';
import { addOverlapRoutes } from './overlap-routes.js';
import { TEST_SECRET } from '../helpers/session-client.js';
import { storeSetups, type OpenStore } from '../security/keys-store-setups.js';

const ROUNDS = 50;
type Data = Record<string, unknown>;

/** Orders the destroy test: the slow request signals once it has its session and waits to be released. */
const latch = { loaded: (): void => {}, released: Promise.resolve() };

function serve(middleware: RequestHandler): Promise<Listening> {
  const app = express();
  app.use(middleware);
  addOverlapRoutes(app);
  app.get(
    '/slow-logout',
    route(async (req, res) => {
      if (req.query.logout === '1') {
        await new Promise<void>((resolve, reject) => req.session.destroy((error: unknown) => (error ? reject(error) : resolve())));
      } else {
        latch.loaded();
        await latch.released;
        (req.session as unknown as Data).late = true;
      }
      res.json({ ok: true });
    }),
  );
  app.get('/read', (req, res) => {
    const { a, b, started, late } = req.session as unknown as Data;
    res.json({ a: a ?? null, b: b ?? null, started: started ?? null, late: late ?? null });
  });
  return listen(app);
}

async function lostUpdates(client: HttpClient): Promise<number> {
  let lost = 0;
  for (let round = 1; round <= ROUNDS; round++) {
    await Promise.all(['a', 'b'].map((key) => client.request(`/set/${key}?v=${round}`)));
    const read = JSON.parse((await client.request('/read')).body) as { a: number; b: number };
    if (read.a !== round || read.b !== round) lost++;
  }
  return lost;
}

const options = { secret: TEST_SECRET, resave: false, saveUninitialized: false };

for (const setup of storeSetups.filter((s) => !s.name.includes('tessera/connect'))) {
  describe(`tessera/express-session with ${setup.name}: merged by default`, await setup.skip(), () => {
    let opened: OpenStore;
    let server: Listening;
    before(async () => {
      opened = await setup.open(() => Date.now());
      server = await serve(dropIn({ ...options, store: opened.store }));
    });
    after(async () => {
      await server?.close();
      await opened?.close();
    });

    it(`loses nothing in ${ROUNDS} rounds of two overlapping requests setting a and b`, async () => {
      const client = new HttpClient(server.url);
      await client.request('/init');
      assert.equal(await lostUpdates(client), 0);
    });

    it('does not bring back a session destroyed while another request on it was in flight', async () => {
      const client = new HttpClient(server.url);
      await client.request('/init');
      const cookie = client.cookieHeader!;
      const loaded = new Promise<void>((resolve) => (latch.loaded = resolve));
      let release!: () => void;
      latch.released = new Promise<void>((resolve) => (release = resolve));
      const slow = client.request('/slow-logout', { headers: { cookie } });
      await loaded;
      await client.request('/slow-logout?logout=1', { headers: { cookie } });
      release();
      const late = await slow;
      assert.deepEqual(late.setCookies, [], 'no cookie from the dropped write');
      const replayed = JSON.parse((await new HttpClient(server.url).request('/read', { headers: { cookie } })).body) as Data;
      assert.deepEqual(replayed, { a: null, b: null, started: null, late: null }, 'the old cookie leads to no session');
    });
  });
}

describe('tessera/express-session with express-session stores: last write wins', () => {
  it("keeps express-session's behaviour with its own session.MemoryStore, losing updates", async () => {
    const server = await serve(dropIn({ ...options, store: new dropIn.MemoryStore() }));
    try {
      const client = new HttpClient(server.url);
      await client.request('/init');
      assert.ok((await lostUpdates(client)) > 0, 'whole-session writes overwrite each other');
    } finally {
      await server.close();
    }
  });

  it("refuses concurrency: 'merge' with an express-session store when the middleware is built", () => {
    for (const store of [new dropIn.MemoryStore(), new expressSession.MemoryStore()]) {
      assert.throws(
        () => dropIn({ ...options, store, concurrency: 'merge' }),
        (error: unknown) => error instanceof TypeError && /^concurrency option 'merge' needs a store that can compare-and-set/.test(error.message),
      );
    }
    assert.throws(() => dropIn({ ...options, concurrency: 'lww' as never }), /^TypeError: concurrency option must be 'merge'/);
  });
});
