// connect-redis 9 (on a node-redis client) works unchanged as the drop-in's `store`, through the
// express-session store bridge: sessions load, resave: false touches the key's TTL, destroy deletes.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { RedisStore } from 'connect-redis';
import type { Express } from 'express';
import { createClient } from 'redis';
import { redisAvailable, redisUrl, skipUnless, uniqueName } from '../helpers/services.js';
import { data, eachExpress, idOf, SECRET, setCookieFor, start } from './helpers.js';
import { deleteKeysWithPrefix } from '../helpers/redis-setups.js';

const { skip } = skipUnless(await redisAvailable(), 'Redis');
const prefix = `${uniqueName()}:`;
let client: ReturnType<typeof createClient> | undefined;

const routes = (app: Express) => {
  app.get('/write', (req, res) => {
    data(req).n = (data(req).n ?? 0) + 1;
    res.json({ id: req.sessionID, n: data(req).n });
  });
  app.get('/read', (req, res) => res.json({ n: data(req).n ?? null }));
  app.get('/destroy', (req, res, next) => req.session.destroy((err) => (err ? next(err) : res.send('ok'))));
};

describe('connect-redis as the store', { skip: skip ?? false }, () => {
  before(async () => {
    client = createClient({ url: redisUrl });
    await client.connect();
  });

  after(async () => {
    if (client === undefined) return;
    await deleteKeysWithPrefix(false, prefix);
    client.destroy();
  });

  eachExpress((express) => {
    it('stores, loads, touches and destroys sessions in Redis', async (t) => {
      const redis = client;
      assert.ok(redis);
      const store = new RedisStore({ client: redis, prefix });
      const app = await start(t, express, { secret: SECRET, store, resave: false, saveUninitialized: false, cookie: { maxAge: 600_000 } }, routes);
      const browser = app.client();
      const first = JSON.parse((await browser.request('/write')).body) as { id: string };
      const second = JSON.parse((await browser.request('/write')).body) as { id: string; n: number };
      assert.deepEqual(second, { id: first.id, n: 2 });

      const stored = JSON.parse((await redis.get(`${prefix}${first.id}`)) ?? '{}') as { n: number; cookie: { originalMaxAge: number } };
      assert.equal(stored.n, 2);
      assert.equal(stored.cookie.originalMaxAge, 600_000);

      // resave: false -> an unchanged request touches: the TTL is set again from the cookie.
      await redis.expire(`${prefix}${first.id}`, 30);
      assert.deepEqual(JSON.parse((await browser.request('/read')).body), { n: 2 });
      assert.ok((await redis.ttl(`${prefix}${first.id}`)) > 500);

      await browser.request('/destroy');
      assert.equal(await redis.exists(`${prefix}${first.id}`), 0);
    });

    it('gives a session whose key expired in Redis a fresh ID', async (t) => {
      const redis = client;
      assert.ok(redis);
      const store = new RedisStore({ client: redis, prefix });
      const app = await start(t, express, { secret: SECRET, store, rolling: true }, routes);
      const browser = app.client();
      const first = await browser.request('/write');
      const id = idOf(setCookieFor(first.setCookies));
      await redis.del(`${prefix}${id}`);
      const res = await browser.request('/write');
      assert.equal((JSON.parse(res.body) as { n: number }).n, 1);
      assert.notEqual(idOf(setCookieFor(res.setCookies)), id);
    });
  });
});
