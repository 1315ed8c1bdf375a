/**
 * Counts store reads per request with the cookie cache on and off (native tessera/express +
 * RedisStore, the bench's secure settings), over real HTTP with a cookie jar per user that keeps
 * what the server sends, as a browser does:
 *
 *   node --import tsx bench/cookie-cache-reads.ts [users=50] [reads=20]
 *
 * Each user logs in, then reads `/read` `reads` times; the store's `get` and `userEpoch` calls
 * are counted per request. Prints one line per configuration. Cleans up its keys.
 *
 * @module
 */
import type { AddressInfo } from 'node:net';
import { createClient } from 'redis';
import { session } from '../src/adapters/express/index.js';
import { SessionManager } from '../src/core/manager.js';
import type { Store } from '../src/core/store.js';
import { RedisStore } from '../src/stores/redis/index.js';
import { createApp } from './servers/app.js';
import { deletePrefix, REDIS_URL } from './servers/redis.js';
import { MAX_AGE, SECRET } from './session-data.js';

const USERS = Number(process.argv[2] ?? 50);
const READS = Number(process.argv[3] ?? 20);
const BENCH_KEY = 'pTqv2bq6pGjU2Xn2wq9vA1m1tS8mI3hK4cWcDkz8b1E';

/** The store with its reads counted. */
function counting(store: Store): { store: Store; reads: { get: number; userEpoch: number } } {
  const reads = { get: 0, userEpoch: 0 };
  const proxy = new Proxy(store, {
    get(target, prop) {
      const value: unknown = Reflect.get(target, prop, target);
      if (typeof value !== 'function') return value;
      const fn = value as (...args: unknown[]) => unknown;
      if (prop === 'get' || prop === 'userEpoch') {
        return (...args: unknown[]) => {
          reads[prop]++;
          return fn.apply(target, args);
        };
      }
      return fn.bind(target);
    },
  });
  return { store: proxy, reads };
}

/** Keeps a response's cookies in `jar`, deleting emptied ones. */
function keep(jar: Map<string, string>, res: Response): void {
  for (const header of res.headers.getSetCookie()) {
    const pair = header.split(';', 1)[0] ?? '';
    const eq = pair.indexOf('=');
    const [name, value] = [pair.slice(0, eq), pair.slice(eq + 1)];
    if (value === '') jar.delete(name);
    else jar.set(name, value);
  }
}

async function measure(cookieCache: boolean): Promise<string> {
  const client = createClient({ url: REDIS_URL });
  await client.connect();
  const prefix = `bench:reads:${process.pid}:${cookieCache ? 'on' : 'off'}:`;
  const counted = counting(new RedisStore({ client, prefix }));
  const manager = new SessionManager({
    secret: SECRET,
    store: counted.store,
    name: 'sid',
    cookie: { maxAge: MAX_AGE },
    idleTimeout: MAX_AGE,
    encryption: { keys: [{ id: 'bench', key: BENCH_KEY }] },
    ...(cookieCache ? { cookieCache: { ttl: '30s' as const } } : {}),
  });
  await manager.cookieCache?.epochs?.ready();
  const server = createApp(session(manager)).listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    const jars = await Promise.all(
      Array.from({ length: USERS }, async (_, i) => {
        const jar = new Map<string, string>();
        keep(jar, await fetch(`${base}/login?u=user-${i}`, { method: 'POST' }));
        return jar;
      }),
    );
    counted.reads.get = 0;
    counted.reads.userEpoch = 0;
    let failures = 0;
    for (let r = 0; r < READS; r++) {
      for (const jar of jars) {
        const res = await fetch(`${base}/read`, { headers: { cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; ') } });
        if (res.status !== 200) failures++;
        await res.text();
        keep(jar, res);
      }
    }
    const requests = USERS * READS;
    const per = (n: number): string => (n / requests).toFixed(3);
    return `cookie cache ${cookieCache ? 'on ' : 'off'}: ${requests} reads, store get/request ${per(counted.reads.get)}, userEpoch/request ${per(counted.reads.userEpoch)}, non-200: ${failures}`;
  } finally {
    server.close();
    server.closeAllConnections();
    await manager.close();
    await deletePrefix(client, prefix);
    await client.quit();
  }
}

for (const on of [false, true]) console.log(await measure(on));
