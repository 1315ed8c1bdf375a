/**
 * The read route's CPU cost of the security defaults, measured in one process:
 * `node --import tsx bench/read-cpu.ts [requests] [rounds]` (default 20000 and 7).
 *
 * Three measurements, each the secure stack (k: hashed keys + AES-256-GCM) against the plain one
 * (l), built by the very factories the HTTP benchmark's servers use (`bench/servers/memory.ts`,
 * from the compiled bench/.tmp/dist as there), with the same 1000-session pool:
 *
 * 1. `engine`: the engine alone, `loadSession` + `commitNow` per read;
 * 2. `express`: a real Express server on 127.0.0.1 in this process, driven by a minimal
 *    keep-alive client (10 connections, one prebuilt request per session, responses checked);
 * 3. `processes`: the HTTP benchmark's own server processes (`bench/servers/main.ts`), driven by
 *    the same client; only the server process's CPU is counted.
 *
 * Each reports CPU time per request (`process.cpuUsage`, or the server's threads' run time from
 * /proc/<pid>/task/<tid>/schedstat), which a busy machine disturbs far less than throughput:
 * time spent waiting for a core is not counted. In `express` the client's CPU is in both
 * figures alike, so the difference k - l is the server's. The two sides alternate slice by
 * slice; medians over rounds are printed.
 *
 * @module
 */
import type { AddressInfo } from 'node:net';
import { PerformanceObserver } from 'node:perf_hooks';
import { Connection, processCpu } from './http-cpu.js';

const { buildTessera } = await import('./build.js');
const { importTessera } = await import('./servers/untyped.js');
// The JavaScript users get, as in the HTTP benchmark (`BENCH_TESSERA=src`: the sources through tsx).
const problems = buildTessera();
if (problems) console.error(`tsc reported errors (output still emitted):\n${problems}`);
const { createApp } = await import('./servers/app.js');
const { nativeMemorySecure, nativeMemoryPlain, nativeMemoryWith, BENCH_ENCRYPTION } = await import('./servers/memory.js');
const { startServer } = await import('./processes.js');

const SESSIONS = 1000;
const CONNECTIONS = 10;
const REQUESTS = Number(process.argv[2] ?? 20_000);
const ROUNDS = Number(process.argv[3] ?? 7);

let gcMs = 0;
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) gcMs += entry.duration;
}).observe({ entryTypes: ['gc'] });

/** This process's CPU time so far, µs. */
function ownCpu(): number {
  const { user, system } = process.cpuUsage();
  return user + system;
}

/** What one side of a comparison runs: `n` requests, and the CPU clock that counts them. */
interface Side {
  run(n: number): Promise<void>;
  cpu(): number;
}

/** CPU µs and GC ms (this process's, wall clock) per request of `side.run(n)`. */
async function measure(n: number, side: Side): Promise<{ cpu: number; gc: number }> {
  const gcStart = gcMs;
  const start = side.cpu();
  await side.run(n);
  const used = side.cpu() - start;
  // GC entries are delivered asynchronously: let the observer catch up.
  await new Promise((resolve) => setImmediate(resolve));
  return { cpu: used / n, gc: ((gcMs - gcStart) * 1000) / n };
}

/** A server under test, its connections and its logged-in pool. */
interface Target {
  name: string;
  connections: Connection[];
  /** `GET /read` per session, cookie included. */
  reads: string[];
  /** Which user each read must name. */
  users: string[];
}

/** Logs in the pool on the server at `port` and opens the connections. */
async function target(name: string, port: number): Promise<Target> {
  const reads: string[] = [];
  const users: string[] = [];
  for (let i = 0; i < SESSIONS; i++) {
    const res = await fetch(`http://127.0.0.1:${port}/login?u=user-${i}`, { method: 'POST' });
    await res.text();
    const cookie = res.headers.getSetCookie()[0]?.split(';', 1)[0];
    if (cookie === undefined) throw new Error(`${name}: login set no cookie`);
    reads.push(`GET /read HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: ${cookie}\r\n\r\n`);
    users.push(`user-${i}`);
  }
  const connections = Array.from({ length: CONNECTIONS }, () => new Connection(port));
  return { name, connections, reads, users };
}

/** An Express server in this process; `stop` closes it. */
async function inProcess(name: string, factory: typeof nativeMemorySecure): Promise<Target & { stop(): Promise<void> }> {
  const built = await factory(name);
  if (!('middleware' in built)) throw new Error(`${name}: an Express contender was expected`);
  const server = createApp(built.middleware).listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  // As the benchmark's servers: a starved client must not find its connections closed.
  server.keepAliveTimeout = 600_000;
  const t = await target(name, (server.address() as AddressInfo).port);
  const stop = async (): Promise<void> => {
    t.connections.forEach((c) => c.close());
    server.closeAllConnections();
    server.close();
    await built.close();
  };
  return { ...t, stop };
}

/** `n` reads over the contender's connections, rotating through the pool; each response checked. */
async function drive(c: Target, n: number): Promise<void> {
  let next = 0;
  await Promise.all(
    c.connections.map(async (connection) => {
      while (next < n) {
        const i = next++ % SESSIONS;
        const { status, body } = await connection.send(c.reads[i] as string);
        if (status !== 200 || body !== c.users[i]) throw new Error(`${c.name}: read ${i} answered ${status} ${body}`);
      }
    }),
  );
}

type ManagerModule = typeof import('../src/core/manager.js');
type MemoryModule = typeof import('../src/stores/memory/index.js');
const { SessionManager } = await importTessera<ManagerModule>('core/manager.js');
const { MemoryStore } = await importTessera<MemoryModule>('stores/memory/index.js');
const { loggedInData, SECRET, MAX_AGE } = await import('./session-data.js');

/** The engine's read path alone, with the same options and data as the servers. */
async function engineReads(security: object): Promise<(n: number) => Promise<void>> {
  const manager = new SessionManager({ secret: SECRET, store: new MemoryStore(), name: 'sid', cookie: { maxAge: MAX_AGE }, idleTimeout: MAX_AGE, warn: () => {}, ...security });
  const headers: string[] = [];
  for (let i = 0; i < SESSIONS; i++) {
    const { session } = await manager.loadSession({ cookieHeader: undefined, secure: false });
    Object.assign(session, loggedInData(`user-${i}`));
    const { setCookie } = await manager.commitSession(session, { secure: false, cookieName: 'sid' });
    if (setCookie === undefined) throw new Error('bench: a login set no cookie');
    headers.push(setCookie.split(';', 1)[0] as string);
  }
  return async (n) => {
    for (let i = 0; i < n; i++) {
      const { session } = await manager.loadSession({ cookieHeader: headers[i % SESSIONS], secure: false });
      if (session.isNew) throw new Error('bench: a session did not load');
      const result = manager.commitNow(session, { secure: false, cookieName: 'sid' });
      if (result instanceof Promise) await result;
    }
  };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

/** Slices per side in a round: the sides alternate every slice (ABBA...), so a burst of load elsewhere on the machine falls on both. */
const SLICES = 10;

/**
 * Rounds of `secure` and `plain` alternating slice by slice; prints the median CPU µs per
 * request of each, the median per-round difference and the GC time (wall clock, so only
 * meaningful on a quiet machine).
 */
async function compare(label: string, n: number, secure: Side, plain: Side): Promise<void> {
  await measure(n, secure);
  await measure(n, plain);
  const slice = Math.ceil(n / SLICES);
  const s: Array<{ cpu: number; gc: number }> = [];
  const p: Array<{ cpu: number; gc: number }> = [];
  for (let round = 0; round < ROUNDS; round++) {
    const sum = { s: { cpu: 0, gc: 0 }, p: { cpu: 0, gc: 0 } };
    for (let i = 0; i < SLICES; i++) {
      const order = i % 2 === round % 2 ? (['p', 's'] as const) : (['s', 'p'] as const);
      for (const side of order) {
        const m = await measure(slice, side === 's' ? secure : plain);
        sum[side].cpu += m.cpu / SLICES;
        sum[side].gc += m.gc / SLICES;
      }
    }
    s.push(sum.s);
    p.push(sum.p);
  }
  const sc = median(s.map((x) => x.cpu));
  const pc = median(p.map((x) => x.cpu));
  const diffs = s.map((x, i) => x.cpu - (p[i] as { cpu: number }).cpu);
  console.log(`${label}: CPU µs/request (median of ${ROUNDS} rounds x ${n}): secure ${sc.toFixed(1)}, plain ${pc.toFixed(1)}; difference ${median(diffs).toFixed(1)} (rounds ${diffs.map((d) => d.toFixed(1)).join(' ')}); ratio plain/secure ${(pc / sc).toFixed(3)}`);
  console.log(`${' '.repeat(label.length)}  GC (wall) µs/request: secure ${median(s.map((x) => x.gc)).toFixed(1)}, plain ${median(p.map((x) => x.gc)).toFixed(1)}`);
}

/**
 * `READ_CPU_SECURE=hash` or `=encryption` puts only that default on the secure side (to tell
 * their costs apart; not in `processes`, which runs the benchmark's own contenders);
 * `READ_CPU_ONLY=engine|express|processes` runs one of the three measurements.
 */
const part = process.env.READ_CPU_SECURE ?? 'both';
const security =
  part === 'hash' ? { hashStoreKeys: true } : part === 'encryption' ? { hashStoreKeys: false, encryption: BENCH_ENCRYPTION } : { hashStoreKeys: true, encryption: BENCH_ENCRYPTION };
const only = process.env.READ_CPU_ONLY;

if (only === undefined || only === 'engine') {
  const secureEngine = await engineReads(security);
  const plainEngine = await engineReads({ hashStoreKeys: false });
  await compare(`engine (secure: ${part})`, REQUESTS * 2, { run: secureEngine, cpu: ownCpu }, { run: plainEngine, cpu: ownCpu });
}

if (only === undefined || only === 'express') {
  const k = await inProcess('native-memory-secure', part === 'both' ? nativeMemorySecure : nativeMemoryWith(security));
  const l = await inProcess('native-memory-plain', nativeMemoryPlain);
  try {
    await compare(`express (secure: ${part})`, REQUESTS, { run: (n) => drive(k, n), cpu: ownCpu }, { run: (n) => drive(l, n), cpu: ownCpu });
  } finally {
    await k.stop();
    await l.stop();
  }
}

if (only === undefined || only === 'processes') {
  const servers = [await startServer('native-memory-secure', { core: undefined }), await startServer('native-memory-plain', { core: undefined })] as const;
  try {
    const [k, l] = [await target('native-memory-secure', servers[0].port), await target('native-memory-plain', servers[1].port)];
    await compare('processes', REQUESTS, { run: (n) => drive(k, n), cpu: () => processCpu(servers[0].pid) }, { run: (n) => drive(l, n), cpu: () => processCpu(servers[1].pid) });
    for (const c of [...k.connections, ...l.connections]) c.close();
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
  }
}
