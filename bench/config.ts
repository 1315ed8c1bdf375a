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
  /** Unmeasured warm-up seconds before each measured run (`BENCH_WARMUP`, default 1). */
  warmup: number;
  /** Concurrent connections of the load generator (`BENCH_CONNECTIONS`, default 10). */
  connections: number;
  /** Logged-in sessions the read and modify routes rotate through (`BENCH_SESSIONS`, default 1000). */
  sessions: number;
  /** Sessions inserted per store for the memory measurements (`BENCH_MEMORY_N`, default 20000). */
  memoryN: number;
  /** Comma-separated contender ids to run, or all (`BENCH_ONLY`). */
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
    warmup: num('BENCH_WARMUP', 1, 0),
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

/** One contender: an Express 5 app with one session setup. */
export interface Contender {
  /** Id used on the command line and in the results (`BENCH_ONLY`, `BENCH_PROFILE`). */
  id: string;
  /** The letter of the contender in the brief (a-j; k-l for the security-cost pair; m-n for the cookie cache pair). */
  letter: string;
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

/**
 * The contenders, in the order of an odd round (even rounds run it reversed). Each compared
 * pair sits side by side so both halves of a ratio are measured seconds apart.
 */
export const CONTENDERS: readonly Contender[] = [
  { id: 'es-memory', letter: 'b', label: 'express-session + MemoryStore', needs: [], services: [] },
  { id: 'ts-memory', letter: 'c', label: 'tessera/express-session + session.MemoryStore', needs: [DROP_IN], services: [] },
  { id: 'none', letter: 'a', label: 'no session', needs: [], services: [], sessionless: true },
  { id: 'native-memory', letter: 'f', label: 'tessera/express + MemoryStore (native)', needs: ['src/adapters/express/index.ts'], services: [] },
  // The cost of the security defaults on the read path: hashed store keys + encryption vs neither.
  { id: 'native-memory-secure', letter: 'k', label: 'tessera/express + MemoryStore, hashed keys + AES-256-GCM', needs: ['src/core/envelope.ts'], services: [] },
  { id: 'native-memory-plain', letter: 'l', label: 'tessera/express + MemoryStore, raw keys, no encryption', needs: ['src/core/envelope.ts'], services: [] },
  { id: 'es-sqlite', letter: 'd', label: 'express-session + better-sqlite3-session-store', needs: [], services: [] },
  { id: 'ts-sqlite', letter: 'e', label: 'tessera/express-session + SqliteStore', needs: [DROP_IN, 'src/stores/sqlite/index.ts'], services: [] },
  { id: 'es-redis', letter: 'g', label: 'express-session + connect-redis 9', needs: [], services: ['redis'] },
  { id: 'ts-redis', letter: 'h', label: 'tessera/express-session + RedisStore', needs: [DROP_IN, 'src/stores/redis/index.ts'], services: ['redis'] },
  // The cookie cache on the read path: store reads saved vs the cost of sealing a second cookie.
  { id: 'native-redis-cache', letter: 'm', label: 'tessera/express + RedisStore, cookie cache on', needs: ['src/core/cookie-cache.ts'], services: ['redis'] },
  { id: 'native-redis-nocache', letter: 'n', label: 'tessera/express + RedisStore, cookie cache off', needs: ['src/core/cookie-cache.ts'], services: ['redis'] },
  { id: 'es-postgres', letter: 'i', label: 'express-session + connect-pg-simple', needs: [], services: ['postgres'] },
  { id: 'ts-postgres', letter: 'j', label: 'tessera/express-session + PostgresStore', needs: [DROP_IN, 'src/stores/postgres/index.ts'], services: ['postgres'] },
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
];

/** The repository root (bench/..). */
export const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Why a contender cannot run here, or `undefined` when it can (services are checked by the caller). */
export function missingSource(contender: Contender): string | undefined {
  const missing = contender.needs.filter((path) => !existsSync(new URL(`../${path}`, import.meta.url)));
  return missing.length > 0 ? `not written yet: ${missing.join(', ')}` : undefined;
}
