// A destroyed session stays dead, over real HTTP on the native Express adapter, on every store:
// a request that loaded the session before a concurrent logout (or a login that regenerated the
// ID) and changes it afterwards writes nothing with `concurrency: 'merge'`, sends no cookie, and
// the old cookie stays dead. With 'last-write-wins' the same request brings the session back (as
// express-session does), which shows the requests really interleave. The interleaving is fixed
// by latches in the handler, not by timing.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import express from 'express';
import { session } from '../../src/adapters/express/index.js';
import type { ConflictInfo } from '../../src/core/engine.js';
import { SessionManager, type SessionManagerOptions } from '../../src/index.js';
import { listen, route, type Listening } from '../helpers/express-apps.js';
import { HttpClient } from '../helpers/http-client.js';
import { TEST_SECRET } from '../helpers/session-client.js';
import { storeSetups, type OpenStore } from '../security/keys-store-setups.js';

type Data = Record<string, unknown>;

/** A latch the slow handler waits on: `loaded` resolves once it has its session, `release()` lets it finish. */
interface Gate {
  loaded: Promise<void>;
  signalLoaded(): void;
  release(): void;
  released: Promise<void>;
}

function gate(): Gate {
  let signalLoaded!: () => void;
  let release!: () => void;
  const loaded = new Promise<void>((resolve) => (signalLoaded = resolve));
  const released = new Promise<void>((resolve) => (release = resolve));
  return { loaded, signalLoaded, release, released };
}

function serve(manager: SessionManager, current: () => Gate): Promise<Listening> {
  const app = express();
  app.use(session(manager));
  app.get('/init', (req, res) => {
    (req.session as unknown as Data).started = true;
    res.json({ id: req.sessionID });
  });
  // Loaded, then waits for the test, then changes the session.
  app.get(
    '/slow',
    route(async (req, res) => {
      const g = current();
      g.signalLoaded();
      await g.released;
      (req.session as unknown as Data).late = true;
      res.json({ id: req.sessionID });
    }),
  );
  app.get(
    '/logout',
    route(async (req, res) => {
      await req.session.destroy();
      res.json({ ok: true });
    }),
  );
  app.get(
    '/login',
    route(async (req, res) => {
      await req.session.login('alice');
      res.json({ id: req.sessionID });
    }),
  );
  app.get('/read', (req, res) => {
    const data = req.session as unknown as Data;
    res.json({ id: req.sessionID, isNew: req.session.isNew, started: data.started ?? null, late: data.late ?? null, user: req.session.userKey ?? null });
  });
  return listen(app);
}

interface Read {
  id: string;
  isNew: boolean;
  started: boolean | null;
  late: boolean | null;
  user: string | null;
}

for (const setup of storeSetups.filter((s) => !s.name.includes('tessera/connect'))) {
  describe(`a destroyed session stays dead on ${setup.name}`, await setup.skip(), () => {
    let opened: OpenStore;
    before(async () => {
      opened = await setup.open(() => Date.now());
    });
    after(() => opened?.close());

    /** Starts `/slow` on a fresh session, runs `meanwhile` once it has loaded, then lets it finish. */
    const race = async (options: Partial<SessionManagerOptions>, meanwhile: (client: HttpClient) => Promise<void>) => {
      const manager = new SessionManager({ secret: TEST_SECRET, store: opened.store, warn: () => {}, ...options });
      const conflicts: ConflictInfo[] = [];
      manager.on('conflict', (info) => conflicts.push(info));
      let g = gate();
      const server = await serve(manager, () => g);
      try {
        const client = new HttpClient(server.url);
        const { id } = JSON.parse((await client.request('/init')).body) as { id: string };
        const oldCookie = client.cookieHeader!;
        const slow = client.request('/slow', { headers: { cookie: oldCookie } });
        await g.loaded;
        await meanwhile(client);
        g.release();
        const late = await slow;
        assert.equal(late.status, 200);
        g = gate();
        g.release();
        const replayed = JSON.parse((await new HttpClient(server.url).request('/read', { headers: { cookie: oldCookie } })).body) as Read;
        const oldRecord = await opened.store.get(manager.storeKey(id));
        // What the browser's own cookie (the one the requests in between left it) leads to now.
        const current = JSON.parse((await client.request('/read')).body) as Read;
        return { late, replayed, oldRecord, conflicts, current };
      } finally {
        await server.close();
      }
    };

    it('a request that loaded the session before a logout writes nothing afterwards, sends no cookie, and the old cookie stays dead', async () => {
      const { late, replayed, oldRecord, conflicts } = await race({}, async (client) => {
        assert.equal((await client.request('/logout')).status, 200);
      });
      assert.deepEqual(late.setCookies, [], 'no cookie from the dropped write');
      assert.equal(oldRecord, undefined, 'the destroyed record was not recreated');
      assert.equal(replayed.isNew, true, 'the old cookie leads to no session');
      assert.equal(replayed.started, null);
      assert.equal(replayed.late, null);
      assert.equal(conflicts.length, 1);
      assert.equal(conflicts[0]?.outcome, 'dropped');
    });

    it('a request that loaded the session before a login regenerated it leaves the new session and its cookie alone', async () => {
      let loggedIn: Read | undefined;
      const { late, replayed, oldRecord, current } = await race({}, async (c) => {
        assert.equal((await c.request('/login')).status, 200);
        loggedIn = JSON.parse((await c.request('/read')).body) as Read;
      });
      assert.equal(loggedIn?.user, 'alice');
      assert.deepEqual(late.setCookies, [], 'no cookie, not even a clearing one (it would log the new session out)');
      assert.equal(oldRecord, undefined, 'the pre-login record was not recreated');
      assert.equal(replayed.isNew, true, 'the pre-login cookie leads to no session');
      assert.equal(replayed.user, null);
      // The browser's cookie is the new session's, which is still logged in.
      assert.equal(current.id, loggedIn?.id);
      assert.equal(current.user, 'alice');
    });

    it("with 'last-write-wins' the same request brings the destroyed session back (express-session's behaviour)", async () => {
      const { replayed, oldRecord } = await race({ concurrency: 'last-write-wins' }, async (client) => {
        await client.request('/logout');
      });
      assert.ok(oldRecord !== undefined, 'the late whole-session write recreated the record');
      assert.equal(replayed.isNew, false, 'the old cookie works again after logout');
      assert.equal(replayed.late, true);
    });
  });
}
