/**
 * The stores the drop-in's opt-in tests run against, each with a dump of the raw text it holds
 * by key: the drop-in's own `session.MemoryStore` (served by the native store inside it),
 * express-session's MemoryStore (through the express-session store bridge), and connect-redis.
 *
 * @module
 */
import { RedisStore as ConnectRedisStore } from 'connect-redis';
import expressSession from 'express-session';
import { createClient } from 'redis';
import dropIn from '../../src/adapters/express-session/index.js';
import { nativeMemoryStoreOf } from '../../src/adapters/express-session/memory-store.js';
import { deleteKeysWithPrefix } from '../helpers/redis-setups.js';
import { redisAvailable, redisUrl, skipUnless, uniqueName } from '../helpers/services.js';

/** An express-session store and what it holds. */
export interface OpenDropInStore {
  store: object;
  dump(): Promise<Map<string, string>>;
  /** Rewrites the sealed value stored under `key` at rest (the envelope inside the object an express-session store keeps). */
  tamper(key: string, change: (sealed: string) => string): Promise<void>;
  close(): Promise<void>;
}

/** `change` applied to `__tessera.value` inside the JSON of a stored session object. */
function tamperJson(json: string, change: (sealed: string) => string): string {
  const session = JSON.parse(json) as { __tessera: { value: string } };
  session.__tessera.value = change(session.__tessera.value);
  return JSON.stringify(session);
}

export interface DropInStoreSetup {
  name: string;
  skip(): Promise<{ skip?: string }>;
  open(): Promise<OpenDropInStore>;
}

export const dropInStoreSetups: readonly DropInStoreSetup[] = [
  {
    name: "tessera's session.MemoryStore",
    skip: async () => ({}),
    async open() {
      const store = new dropIn.MemoryStore();
      const native = nativeMemoryStoreOf(store);
      if (native === undefined) throw new Error('no native store inside');
      return {
        store,
        dump: async () => new Map((await native.all()).map(([key, record]) => [key, record.value])),
        async tamper(key, change) {
          const record = await native.get(key);
          if (record !== undefined) await native.set(key, { ...record, value: change(record.value) });
        },
        close: () => native.close(),
      };
    },
  },
  {
    name: "express-session's MemoryStore",
    skip: async () => ({}),
    async open() {
      const store = new expressSession.MemoryStore() as unknown as { sessions: Record<string, string> };
      return {
        store,
        dump: async () => new Map(Object.entries(store.sessions)),
        tamper: async (key, change) => {
          store.sessions[key] = tamperJson(store.sessions[key] ?? '', change);
        },
        close: async () => {},
      };
    },
  },
  {
    name: 'connect-redis',
    skip: async () => skipUnless(await redisAvailable(), 'Redis'),
    async open() {
      const client = createClient({ url: redisUrl });
      client.on('error', () => {});
      await client.connect();
      const prefix = `${uniqueName()}:`;
      return {
        store: new ConnectRedisStore({ client, prefix }),
        async dump() {
          const out = new Map<string, string>();
          for await (const keys of client.scanIterator({ MATCH: `${prefix}*` })) {
            for (const key of keys) out.set(key.slice(prefix.length), (await client.get(key)) ?? '');
          }
          return out;
        },
        async tamper(key, change) {
          await client.set(`${prefix}${key}`, tamperJson((await client.get(`${prefix}${key}`)) ?? '', change), { KEEPTTL: true });
        },
        close: async () => {
          await deleteKeysWithPrefix(false, prefix);
          await client.close();
        },
      };
    },
  },
];
