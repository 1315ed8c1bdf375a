/**
 * Heap bytes per session of an in-memory store, in its own process:
 * `node --expose-gc --import tsx bench/memory.ts <es-memory|ts-memory|ts-memory-api> <N>`.
 * `ts-memory` fills Tessera's MemoryStore the way the middleware does (the core's encoded record
 * into the native store); `ts-memory-api` goes through `session.MemoryStore`'s callback API.
 * Collects garbage, reads `heapUsed`, inserts N sessions of the same data through the store's own
 * API (values built the way each library builds them), collects again and prints
 * `{ bytesPerSession, n, ... }` as JSON. Keys are each library's own ID format (express-session:
 * 24 random bytes, 32 characters; Tessera: 32 bytes, 43 characters).
 *
 * @module
 */
import { randomBytes } from 'node:crypto';
import { dataToJson, encodeRecord } from '../src/core/codec.js';
import { generateSessionId } from '../src/core/id.js';
import { SessionCookie } from '../src/core/session-cookie.js';
import { dropIn, expressSession, importTessera } from './servers/untyped.js';
import { loggedInData, MAX_AGE } from './session-data.js';

/** What the memory child prints. */
export interface MemoryResult {
  store: string;
  n: number;
  heapBefore: number;
  heapAfter: number;
  bytesPerSession: number;
}

declare const gc: (() => void) | undefined;

function collect(): number {
  if (typeof gc !== 'function') throw new Error('run with --expose-gc');
  for (let i = 0; i < 3; i++) gc();
  return process.memoryUsage().heapUsed;
}

interface PeerStore {
  set(sid: string, session: object, cb: (err?: unknown) => void): void;
}

/** express-session's MemoryStore, given what express-session hands it: `{ cookie, ...data }`. */
async function fillExpressSession(n: number): Promise<unknown> {
  const session = expressSession();
  const store = new session.MemoryStore() as PeerStore;
  for (let i = 0; i < n; i++) {
    const cookie = new session.Cookie({ maxAge: MAX_AGE });
    const sess = { cookie, ...loggedInData(`user-${i}`) };
    await new Promise<void>((resolve, reject) => store.set(randomBytes(24).toString('base64url'), sess, (e) => (e ? reject(e) : resolve())));
  }
  return store;
}

/** The drop-in's `session.MemoryStore`, through its express-session API (`set(sid, session, cb)`). */
async function fillDropInApi(n: number): Promise<unknown> {
  const session = await dropIn();
  const store = new session.MemoryStore({ maxSessions: n + 1, sweepInterval: 0 }) as unknown as PeerStore;
  for (let i = 0; i < n; i++) {
    const sess = { cookie: new SessionCookie({ maxAge: MAX_AGE, httpOnly: true, path: '/' }), ...loggedInData(`user-${i}`) };
    await new Promise<void>((resolve, reject) => store.set(generateSessionId(), sess, (e) => (e ? reject(e) : resolve())));
  }
  return store;
}

/** Tessera's MemoryStore, given what the core hands it: the encoded record and its expiry. */
async function fillTessera(n: number): Promise<unknown> {
  const { MemoryStore } = await importTessera<typeof import('../src/stores/memory/index.js')>('stores/memory/index.js');
  // maxSessions at least N, or the default bound (10,000) would evict what is being measured.
  const store = new MemoryStore({ maxSessions: n + 1, sweepInterval: 0 });
  for (let i = 0; i < n; i++) {
    const now = Date.now();
    const cookie = new SessionCookie({ maxAge: MAX_AGE, httpOnly: true, path: '/' });
    const value = encodeRecord(cookie.data, dataToJson({ ...loggedInData(`user-${i}`) }), { v: 1, createdAt: now });
    await store.set(generateSessionId(), { value, expiresAt: now + MAX_AGE });
  }
  return store;
}

async function main(): Promise<void> {
  const kind = process.argv[2];
  const n = Number(process.argv[3] ?? 20_000);
  const fills: Record<string, (n: number) => Promise<unknown>> = { 'es-memory': fillExpressSession, 'ts-memory': fillTessera, 'ts-memory-api': fillDropInApi };
  const fill = fills[kind ?? ''];
  if (!fill) throw new Error(`usage: memory.ts <${Object.keys(fills).join('|')}> <N>`);
  // Load the modules and warm the code once, so their own allocations are not counted.
  await fill(10);
  const heapBefore = collect();
  const store = await fill(n);
  const heapAfter = collect();
  const result: MemoryResult = { store: kind ?? '', n, heapBefore, heapAfter, bytesPerSession: (heapAfter - heapBefore) / n };
  process.stdout.write(`${JSON.stringify(result)}\n`);
  // Keep the store reachable until after the second measurement.
  if (store === undefined) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
