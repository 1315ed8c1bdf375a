/**
 * What the benchmark runs: its settings (from the environment), the contenders, the pairs
 * compared and the targets each pair must reach.
 *
 * @module
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The three measured routes. */
export type RouteName = 'read' | 'modify' | 'create';
export const ROUTES: readonly RouteName[] = ['read', 'modify', 'create'];

/** Settings, each overridable by an environment variable. */
export interface BenchSettings {
  /** Rounds; the contender order alternates between rounds (`BENCH_ROUNDS`, default 5). */
  rounds: number;
  /** Measured seconds per route and contender (`BENCH_DURATION`, default 3). */
  duration: number;
  /**
   * Unmeasured warm-up seconds before each measured run (`BENCH_WARMUP`, default 5). Measured on
   * 2026-12-08: after 1 s, Tessera's servers still spent 15-25 % more CPU per request than in
   * steady state (`bench/pair-cpu.ts`, after 20,000 requests), the peers' none; after 5 s both
   * are there (bench/RESULTS.md, "Redis reads in one command").
   */
  warmup: number;
  /** Concurrent connections of the load generator (`BENCH_CONNECTIONS`, default 10). */
  connections: number;
  /** Logged-in sessions the read and modify routes rotate through (`BENCH_SESSIONS`, default 1000). */
  sessions: number;
  /** Sessions inserted per store for the memory measurements (`BENCH_MEMORY_N`, default 20000). */
  memoryN: number;
  /** Comma-separated contender ids or frameworks (`fastify`, `koa`, ...) to run, or all (`BENCH_ONLY`). */
  only: readonly string[] | undefined;
  /** Skip the memory and store-size measurements (`BENCH_MEMORY=0`). */
  memory: boolean;
  /** Contender id whose server runs under `--cpu-prof` (`BENCH_PROFILE`). */
  profile: string | undefined;
  /** Write bench/RESULTS.md (`BENCH_WRITE=0` only prints). */
  write: boolean;
}

function num(name: string, fallback: number, min: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min) throw new TypeError(`${name} must be a number >= ${min}, got ${raw}`);
  return value;
}

/** Reads the settings from the environment. */
export function readSettings(): BenchSettings {
  const only = process.env.BENCH_ONLY?.split(',').map((s) => s.trim()).filter(Boolean);
  return {
    rounds: num('BENCH_ROUNDS', 5, 1),
    duration: num('BENCH_DURATION', 3, 1),
    warmup: num('BENCH_WARMUP', 5, 0),
    connections: num('BENCH_CONNECTIONS', 10, 1),
    sessions: num('BENCH_SESSIONS', 1000, 1),
    memoryN: num('BENCH_MEMORY_N', 20_000, 100),
    only: only && only.length > 0 ? only : undefined,
    memory: process.env.BENCH_MEMORY !== '0',
    profile: process.env.BENCH_PROFILE || undefined,
    write: process.env.BENCH_WRITE !== '0',
  };
}

/** A service a contender needs. */
export type Service = 'redis' | 'postgres';

/** The web framework a contender's server runs on (its server module is bench/servers/main.ts's factory). */
export type Framework = 'express' | 'fastify' | 'koa' | 'hono' | 'node';

/** One contender: one framework with one session setup, serving the same four routes. */
export interface Contender {
  /** Id used on the command line and in the results (`BENCH_ONLY`, `BENCH_PROFILE`). */
  id: string;
  /** The letter of the contender in the brief (a-j; k-l for the security-cost pair; m-n for the cookie cache pair; o-ab for the other frameworks). */
  letter: string;
  /** The framework its server runs on: Express 5 (bench/servers/app.ts) unless said otherwise. */
  framework: Framework;
  /** Human label. */
  label: string;
  /** Source files that must exist (stores and adapters still being written are skipped). */
  needs: readonly string[];
  /** Servers that must be reachable. */
  services: readonly Service[];
  /** True when the contender keeps no session (its routes still run, on a plain object). */
  sessionless?: boolean;
}

const DROP_IN = 'src/adapters/express-session/index.ts';
const REDIS = 'src/stores/redis/index.ts';
const FASTIFY = 'src/adapters/fastify/index.ts';
const KOA = 'src/adapters/koa/index.ts';
const HONO = 'src/adapters/hono/index.ts';
const NODE = 'src/adapters/node/index.ts';

/**
 * The contenders, in the order of an odd round (even rounds run it reversed). Each compared
 * pair sits side by side so both halves of a ratio are measured seconds apart.
 */
export const CONTENDERS: readonly Contender[] = [
  { id: 'es-memory', letter: 'b', framework: 'express', label: 'express-session + MemoryStore', needs: [], services: [] },
  { id: 'ts-memory', letter: 'c', framework: 'express', label: 'tessera/express-session + session.MemoryStore', needs: [DROP_IN], services: [] },
  { id: 'none', letter: 'a', framework: 'express', label: 'no session', needs: [], services: [], sessionless: true },
  { id: 'native-memory', letter: 'f', framework: 'express', label: 'tessera/express + MemoryStore (native)', needs: ['src/adapters/express/index.ts'], services: [] },
  // The cost of the security defaults on the read path: hashed store keys + encryption vs neither.
  { id: 'native-memory-secure', letter: 'k', framework: 'express', label: 'tessera/express + MemoryStore, hashed keys + AES-256-GCM', needs: ['src/core/envelope.ts'], services: [] },
  { id: 'native-memory-plain', letter: 'l', framework: 'express', label: 'tessera/express + MemoryStore, raw keys, no encryption', needs: ['src/core/envelope.ts'], services: [] },
  { id: 'es-sqlite', letter: 'd', framework: 'express', label: 'express-session + better-sqlite3-session-store', needs: [], services: [] },
  { id: 'ts-sqlite', letter: 'e', framework: 'express', label: 'tessera/express-session + SqliteStore', needs: [DROP_IN, 'src/stores/sqlite/index.ts'], services: [] },
  { id: 'es-redis', letter: 'g', framework: 'express', label: 'express-session + connect-redis 9', needs: [], services: ['redis'] },
  { id: 'ts-redis', letter: 'h', framework: 'express', label: 'tessera/express-session + RedisStore', needs: [DROP_IN, 'src/stores/redis/index.ts'], services: ['redis'] },
  // The cookie cache on the read path: store reads saved vs the cost of sealing a second cookie.
  { id: 'native-redis-cache', letter: 'm', framework: 'express', label: 'tessera/express + RedisStore, cookie cache on', needs: ['src/core/cookie-cache.ts'], services: ['redis'] },
  { id: 'native-redis-nocache', letter: 'n', framework: 'express', label: 'tessera/express + RedisStore, cookie cache off', needs: ['src/core/cookie-cache.ts'], services: ['redis'] },
  { id: 'es-postgres', letter: 'i', framework: 'express', label: 'express-session + connect-pg-simple', needs: [], services: ['postgres'] },
  { id: 'ts-postgres', letter: 'j', framework: 'express', label: 'tessera/express-session + PostgresStore', needs: [DROP_IN, 'src/stores/postgres/index.ts'], services: ['postgres'] },
  // Other frameworks (issue 9): each peer beside its Tessera adapter, same routes and load.
  { id: 'fastify-peer-memory', letter: 'o', framework: 'fastify', label: 'Fastify + @fastify/session (its MemoryStore)', needs: [], services: [] },
  { id: 'fastify-ts-memory', letter: 'p', framework: 'fastify', label: 'Fastify + tessera/fastify + MemoryStore', needs: [FASTIFY], services: [] },
  { id: 'fastify-peer-redis', letter: 'q', framework: 'fastify', label: 'Fastify + @fastify/session + connect-redis 9', needs: [], services: ['redis'] },
  { id: 'fastify-ts-redis', letter: 'r', framework: 'fastify', label: 'Fastify + tessera/fastify + RedisStore', needs: [FASTIFY, REDIS], services: ['redis'] },
  { id: 'koa-peer-memory', letter: 's', framework: 'koa', label: 'Koa + koa-session, external store in memory (a Map)', needs: [], services: [] },
  { id: 'koa-ts-memory', letter: 't', framework: 'koa', label: 'Koa + tessera/koa + MemoryStore', needs: [KOA], services: [] },
  { id: 'koa-peer-redis', letter: 'u', framework: 'koa', label: 'Koa + koa-session, external store on Redis', needs: [], services: ['redis'] },
  { id: 'koa-ts-redis', letter: 'v', framework: 'koa', label: 'Koa + tessera/koa + RedisStore', needs: [KOA, REDIS], services: ['redis'] },
  { id: 'hono-peer-cookie', letter: 'y', framework: 'hono', label: 'Hono + @hono/session, data in its encrypted cookie (its default)', needs: [], services: [] },
  { id: 'hono-peer', letter: 'w', framework: 'hono', label: 'Hono + @hono/session, session storage in memory', needs: [], services: [] },
  { id: 'hono-ts', letter: 'x', framework: 'hono', label: 'Hono + tessera/hono + MemoryStore', needs: [HONO], services: [] },
  { id: 'node-bare', letter: 'z', framework: 'node', label: 'bare node:http, no session', needs: [], services: [], sessionless: true },
  { id: 'node-ts', letter: 'aa', framework: 'node', label: 'node:http + tessera/node + MemoryStore', needs: [NODE], services: [] },
  { id: 'node-floor', letter: 'ab', framework: 'node', label: 'node:http + the least a session does, by hand (signed cookie, Map of JSON)', needs: [], services: [] },
];

/** A ratio reported per route: `tessera / peer` throughput, median over rounds. */
export interface Pair {
  tessera: string;
  peer: string;
  /** Minimum median ratio per route; routes without one are reported for information. */
  targets: Partial<Record<RouteName, number>>;
}

export const PAIRS: readonly Pair[] = [
  { tessera: 'ts-memory', peer: 'es-memory', targets: { read: 1.2 } },
  { tessera: 'ts-memory', peer: 'none', targets: { read: 0.85 } },
  { tessera: 'ts-sqlite', peer: 'es-sqlite', targets: { read: 1.5 } },
  { tessera: 'ts-redis', peer: 'es-redis', targets: { read: 1.5, modify: 1.0 } },
  { tessera: 'ts-postgres', peer: 'es-postgres', targets: { read: 2.0, modify: 1.0 } },
  { tessera: 'native-memory', peer: 'es-memory', targets: {} },
  { tessera: 'native-memory', peer: 'none', targets: {} },
  { tessera: 'native-memory-secure', peer: 'native-memory-plain', targets: { read: 0.9 } },
  { tessera: 'native-redis-cache', peer: 'native-redis-nocache', targets: {} },
  // Issue 9: >= 1.2x each peer on read, >= 1.0x on the write (modify) route; tessera/node >= 0.9x bare node:http.
  { tessera: 'fastify-ts-memory', peer: 'fastify-peer-memory', targets: { read: 1.2, modify: 1.0 } },
  { tessera: 'fastify-ts-redis', peer: 'fastify-peer-redis', targets: { read: 1.2, modify: 1.0 } },
  { tessera: 'koa-ts-redis', peer: 'koa-peer-redis', targets: { read: 1.2, modify: 1.0 } },
  { tessera: 'koa-ts-memory', peer: 'koa-peer-memory', targets: {} },
  { tessera: 'hono-ts', peer: 'hono-peer', targets: { read: 1.2, modify: 1.0 } },
  { tessera: 'hono-ts', peer: 'hono-peer-cookie', targets: {} },
  { tessera: 'node-ts', peer: 'node-bare', targets: { read: 0.9 } },
  // For the target above: what share of a bare request the least any session does already costs.
  { tessera: 'node-floor', peer: 'node-bare', targets: {} },
  { tessera: 'node-ts', peer: 'node-floor', targets: {} },
];

/** True when `BENCH_ONLY` (ids or frameworks) selects `contender`, or when it is unset. */
export function selected(contender: Contender, only: readonly string[] | undefined): boolean {
  return !only || only.includes(contender.id) || only.includes(contender.framework);
}

/** The repository root (bench/..). */
export const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Why a contender cannot run here, or `undefined` when it can (services are checked by the caller). */
export function missingSource(contender: Contender): string | undefined {
  const missing = contender.needs.filter((path) => !existsSync(new URL(`../${path}`, import.meta.url)));
  return missing.length > 0 ? `not written yet: ${missing.join(', ')}` : undefined;
}
