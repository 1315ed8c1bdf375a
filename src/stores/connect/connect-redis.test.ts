import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { RedisStore } from 'connect-redis';
import express from 'express';
import session from 'express-session';
import { createClient } from 'redis';
import request from 'supertest';
import { redisAvailable, redisUrl, skipUnless, uniqueName } from '../../../test/helpers/services.js';
import { storeConformance } from '../../testing/index.js';
import { fromExpressSessionStore } from './index.js';
import { deleteKeysWithPrefix } from '../../../test/helpers/redis-setups.js';

const available = await redisAvailable();
const skip = skipUnless(available, 'Redis').skip ?? false;
const prefix = `${uniqueName()}:`;
type Client = ReturnType<typeof createClient>;
let client: Client | undefined;
const connected = async (): Promise<Client> => {
  client ??= createClient({ url: redisUrl });
  if (!client.isOpen) await client.connect();
  return client;
};

after(async () => {
  if (client === undefined) return;
  await deleteKeysWithPrefix(false, prefix);
  client.destroy();
});

// connect-redis cannot report expiry after a touch (EXPIRE leaves the stored cookie as it was),
// so the adapter reports +Infinity; Redis TTLs are whole seconds, rounded up.
storeConformance(
  'fromExpressSessionStore(connect-redis)',
  async () => fromExpressSessionStore(new RedisStore({ client: await connected(), prefix })),
  { skip, supportsExpiryReport: false, expiryPrecisionMs: 1000 },
);

describe('fromExpressSessionStore(connect-redis) with real express-session', { skip }, () => {
  const secret = 'interop secret';
  let store: RedisStore;
  let app: express.Express;

  before(async () => {
    store = new RedisStore({ client: await connected(), prefix: `${prefix}app:` });
    app = express();
    app.use(session({ store, secret, resave: false, saveUninitialized: false }));
    app.get('/visit', (req, res) => {
      const data = req.session as unknown as { views?: number };
      data.views = (data.views ?? 0) + 1;
      res.json({ sid: req.sessionID, views: data.views });
    });
  });

  it('reads a session express-session wrote, as JSON in express-session shape', async () => {
    const agent = request.agent(app);
    await agent.get('/visit').expect(200);
    const { body } = await agent.get('/visit').expect(200);
    assert.equal(body.views, 2);

    const record = await fromExpressSessionStore(store).get(body.sid);
    assert.ok(record !== undefined);
    assert.equal(record.value, await client?.get(`${prefix}app:${body.sid}`), 'the value is the JSON Redis holds');
    const parsed = JSON.parse(record.value);
    assert.equal(parsed.views, 2);
    assert.equal(typeof parsed.cookie.expires, 'object', 'a browser-session cookie has expires null');
    assert.equal(parsed.cookie.httpOnly, true);
    assert.equal(record.expiresAt, Number.POSITIVE_INFINITY, 'connect-redis enforces its TTL itself');
  });

  it('lets express-session read a session Tessera wrote through the bridge', async () => {
    const sid = uniqueName('sid');
    const expires = new Date(Date.now() + 3_600_000);
    const value = JSON.stringify({
      cookie: { originalMaxAge: 3_600_000, expires: expires.toISOString(), httpOnly: true, path: '/' },
      views: 41,
      __tessera: { v: 1, createdAt: Date.now() },
    });
    await fromExpressSessionStore(store).set(sid, { value, expiresAt: expires.getTime(), userKey: 'user-7' });
    const ttl = await client?.ttl(`${prefix}app:${sid}`);
    assert.ok(ttl !== undefined && ttl > 3590 && ttl <= 3600, `Redis TTL follows cookie.expires, got ${ttl}`);

    // express-session's signed cookie: "s:" + sid + "." + base64 HMAC-SHA256 without padding.
    const signature = createHmac('sha256', secret).update(sid).digest('base64').replace(/=+$/, '');
    const cookie = `connect.sid=${encodeURIComponent(`s:${sid}.${signature}`)}`;
    const { body } = await request(app).get('/visit').set('Cookie', cookie).expect(200);
    assert.deepEqual(body, { sid, views: 42 });

    const record = await fromExpressSessionStore(store).get(sid);
    assert.equal(JSON.parse(record?.value ?? '{}').views, 42, 'and Tessera reads what express-session saved');
  });

  it('close leaves the Redis client open', async () => {
    const adapter = fromExpressSessionStore(store);
    await adapter.close();
    assert.equal(client?.isOpen, true);
    assert.equal(await client?.ping(), 'PONG');
  });
});
