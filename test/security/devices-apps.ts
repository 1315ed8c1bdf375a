/**
 * The apps and stores of the device tests: every store with a per-user index (the memory store,
 * SQLite, Redis standalone and Cluster, PostgreSQL), and a native Express app whose routes log
 * in, list, label and revoke.
 *
 * @module
 */
import express from 'express';
import { session } from '../../src/adapters/express/index.js';
import type { SessionManager } from '../../src/core/manager.js';
import { RedisStore } from '../../src/stores/redis/index.js';
import { listen, route, type Listening } from '../helpers/express-apps.js';
import { deleteKeysWithPrefix, openSetup, setupAvailable } from '../helpers/redis-setups.js';
import { skipUnless, uniqueName } from '../helpers/services.js';
import type { Clock } from '../../src/core/clock.js';
import { storeSetups, type OpenStore, type StoreSetup } from './keys-store-setups.js';

/** A store setup whose store may lose a user's index entries on demand (to show the epoch does not need them). */
export interface DeviceSetup extends StoreSetup {
  open(clock: Clock): Promise<OpenStore & { dropUserIndex?(userKey: string): Promise<void> }>;
}

/** RedisStore on one of the Redis setups; `dropUserIndex` deletes the user's index set behind the store's back. */
function redisSetup(name: 'node-redis' | 'node-redis cluster'): DeviceSetup {
  const cluster = name.endsWith('cluster');
  return {
    name: `RedisStore (${name})`,
    skip: async () => skipUnless(await setupAvailable(name), cluster ? 'Redis Cluster (127.0.0.1:7000-7002)' : 'Redis'),
    async open() {
      const setup = await openSetup(name);
      const prefix = `${uniqueName()}:`;
      return {
        store: new RedisStore({ client: setup.client, prefix }),
        dump: async () => new Map(),
        dropUserIndex: async (userKey) => {
          const key = `${prefix}u:{${userKey}}`;
          await setup.command(key, ['DEL', key]);
        },
        close: async () => {
          await deleteKeysWithPrefix(cluster, prefix);
          await setup.close();
        },
      };
    },
  };
}

/** The stores with a per-user index. */
export const deviceSetups: readonly DeviceSetup[] = [
  ...storeSetups.filter((s) => s.name === 'MemoryStore' || s.name === 'SqliteStore' || s.name === 'PostgresStore'),
  redisSetup('node-redis'),
  redisSetup('node-redis cluster'),
];

/** Holds `/slow` between loading its session and answering, so a revocation can land in between. */
export const hold = { loaded: (): void => {}, release: Promise.resolve() };

/** A native Express app on `manager`, listening on an ephemeral port. */
export function serveDevices(manager: SessionManager): Promise<Listening> {
  const app = express();
  app.set('trust proxy', true);
  app.use(session(manager));
  app.get(
    '/login/:user',
    route(async (req, res) => {
      await req.session.login(String(req.params.user));
      res.json({ id: req.sessionID });
    }),
  );
  app.get('/me', (req, res) => {
    res.json({ user: req.session.userKey ?? null, id: req.sessionID });
  });
  app.get(
    '/devices',
    route(async (req, res) => {
      res.json(await manager.listSessions(req.session.userKey ?? 'nobody', { current: req.session }));
    }),
  );
  app.get(
    '/slow',
    route(async (req, res) => {
      hold.loaded();
      await hold.release;
      res.json({ user: req.session.userKey ?? null });
    }),
  );
  app.get('/label', (req, res) => {
    manager.setDeviceLabel(req.session, String(req.query.l));
    res.json({ ok: true });
  });
  app.get(
    '/revoke/:handle',
    route(async (req, res) => {
      res.json({ revoked: await manager.revokeSession(req.session.userKey ?? 'nobody', String(req.params.handle)) });
    }),
  );
  app.get(
    '/revoke-others',
    route(async (req, res) => {
      res.json({ count: await manager.revokeAllSessions(req.session.userKey ?? 'nobody', { except: req.session }) });
    }),
  );
  return listen(app);
}

