/**
 * The benchmark orchestrator (`npm run bench`). Settings come from the environment (see
 * `readSettings` in config.ts): BENCH_ROUNDS, BENCH_DURATION, BENCH_WARMUP, BENCH_CONNECTIONS,
 * BENCH_SESSIONS, BENCH_MEMORY_N, BENCH_ONLY, BENCH_MEMORY=0, BENCH_PROFILE=<id>, BENCH_WRITE=0;
 * BENCH_TESSERA=src runs Tessera from its sources (see build.ts); BENCH_REDIS_URL and
 * BENCH_POSTGRES_URL point at other servers.
 *
 * Per round, each contender gets a fresh server process pinned to core 0 and the load
 * generator runs pinned to core 1; the contender order flips every round. Then the memory
 * measurements run, and the report is printed and written to bench/RESULTS.md.
 *
 * @module
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, release, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { CONTENDERS, ROOT, ROUTES, missingSource, readSettings, selected, type Contender, type Service } from './config.js';
import type { MemoryResult } from './memory.js';
import { buildTessera, TESSERA_DIST, useSources } from './build.js';
import { hasTaskset, runJson, startLoadWorker, startServer, type LoadWorker, type Server } from './processes.js';
import { renderReport, type BenchData } from './report.js';
import { keepSections } from './results-file.js';
import type { RunRecord } from './stats.js';
import type { StoreSize } from './store-size.js';
import { POSTGRES_URL } from './servers/postgres.js';
import { REDIS_URL } from './servers/redis.js';
import { reachable } from '../test/helpers/services.js';

const settings = readSettings();
const started = Date.now();
const log = (line: string): void => console.error(line);

/** The commit measured, and whether src/ had uncommitted changes (the build compiles the working tree). */
function commitOf(): string {
  const head = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).stdout.trim() || 'unknown';
  const dirty = spawnSync('git', ['status', '--porcelain', '--', 'src'], { cwd: ROOT, encoding: 'utf8' }).stdout.trim();
  return dirty ? `${head} + uncommitted changes in src/ (${dirty.split('\n').length} files)` : head;
}

/** An installed package's version (read from its folder: not every exports map lists package.json). */
function version(pkg: string): string {
  try {
    return (JSON.parse(readFileSync(join(ROOT, 'node_modules', pkg, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return 'not installed';
  }
}

async function plan(): Promise<{ contenders: Contender[]; skipped: BenchData['skipped'] }> {
  const up: Record<Service, boolean> = { redis: await reachable(REDIS_URL, 6379), postgres: await reachable(POSTGRES_URL, 5432) };
  const contenders: Contender[] = [];
  const skipped: BenchData['skipped'] = [];
  for (const c of CONTENDERS) {
    if (!selected(c, settings.only)) continue;
    const down = c.services.find((s) => !up[s]);
    const reason = missingSource(c) ?? (down ? `${down} not reachable` : undefined);
    if (reason) {
      skipped.push({ id: c.id, reason });
      log(`skip ${c.id}: ${reason}`);
    } else contenders.push(c);
  }
  return { contenders, skipped };
}

const message = (error: unknown): string => (error as Error).message.replace(/\s+/g, ' ').slice(0, 300);

/**
 * One round: every contender's server is started (core 0) and its session pool logged in; then
 * route by route, each contender in `order` is measured in turn, so both halves of a pair's ratio
 * are measured seconds apart. Idle servers use no CPU. All servers are stopped (and their stores
 * cleaned up) at the end of the round.
 */
async function runRound(round: number, order: readonly Contender[], pin: boolean, load: LoadWorker): Promise<RunRecord[]> {
  const records: RunRecord[] = order.map((c, i) => ({ round, position: i + 1, contender: c.id }));
  const servers: Array<Server | undefined> = [];
  try {
    for (const [i, c] of order.entries()) {
      const record = records[i]!;
      const profileDir = settings.profile === c.id ? join(ROOT, 'bench/profiles') : undefined;
      if (profileDir) mkdirSync(profileDir, { recursive: true });
      try {
        const server = await startServer(c.id, { core: pin ? 0 : undefined, ...(profileDir ? { profileDir } : {}) });
        servers[i] = server;
        const login = await load.run({ mode: 'login', port: server.port, sessions: settings.sessions, sessionful: !c.sessionless });
        record.result = { loginMs: login.loginMs, routes: {}, problems: login.problems.map((p) => `[login] ${p}`) };
      } catch (error) {
        record.error = message(error);
        log(`  round ${round} ${c.id}: FAILED to start: ${record.error}`);
      }
    }
    for (const route of ROUTES) {
      for (const [i, c] of order.entries()) {
        const record = records[i]!;
        const server = servers[i];
        if (!record.result || !server) continue;
        const plan = { mode: 'route', port: server.port, route, connections: settings.connections, sessionful: !c.sessionless } as const;
        try {
          if (settings.warmup > 0) await load.run({ ...plan, duration: settings.warmup, measure: false });
          const cpuBefore = server.cpuSeconds();
          const wallBefore = performance.now();
          const run = await load.run({ ...plan, duration: settings.duration, measure: true });
          const cpu = server.cpuSeconds() - cpuBefore;
          run.result.serverCpu = cpu / ((performance.now() - wallBefore) / 1000);
          run.result.serverCpuPerRequest = (cpu * 1e6) / run.result.total;
          record.result.routes[route] = run.result;
          record.result.problems.push(...run.problems.map((p) => `[${route}] ${p}`));
          const r = run.result;
          const flags = [r.non2xx ? `${r.non2xx} non-2xx` : '', r.errors ? `${r.errors} errors` : '', ...run.problems].filter(Boolean).join('; ');
          const cpus = `cpu server ${Math.round(100 * (r.serverCpu ?? NaN))}% (${Math.round(r.serverCpuPerRequest ?? NaN)} us/req) load ${Math.round(100 * r.loadCpu)}%`;
          log(`  round ${round} ${route.padEnd(6)} ${c.id.padEnd(19)} ${Math.round(r.rps).toString().padStart(6)} req/s  p99 ${r.p99.toFixed(2).padStart(6)} ms  ${cpus}${flags ? `  ! ${flags}` : ''}`);
        } catch (error) {
          record.result.problems.push(`[${route}] ${message(error)}`);
          log(`  round ${round} ${route} ${c.id}: FAILED: ${message(error)}`);
        }
      }
    }
  } finally {
    await Promise.all(servers.map((s) => s?.stop()));
  }
  return records;
}

async function memory(): Promise<{ memory: MemoryResult[]; storeSizes: StoreSize[] }> {
  const out: { memory: MemoryResult[]; storeSizes: StoreSize[] } = { memory: [], storeSizes: [] };
  for (const kind of ['es-memory', 'ts-memory', 'ts-memory-api']) {
    try {
      const result = await runJson<MemoryResult>('bench/memory.ts', [kind, String(settings.memoryN)], { nodeArgs: ['--expose-gc'], timeoutMs: 120_000 });
      out.memory.push(result);
      log(`memory ${kind}: ${Math.round(result.bytesPerSession)} bytes/session`);
    } catch (error) {
      log(`memory ${kind} failed: ${(error as Error).message}`);
    }
  }
  try {
    out.storeSizes = await runJson<StoreSize[]>('bench/store-size.ts', [String(Math.min(settings.memoryN, 5000))], { timeoutMs: 300_000 });
    for (const s of out.storeSizes) log(`store size ${s.store}: ${s.skipped ?? `${Math.round(s.bytesPerSession ?? NaN)} bytes/session`}`);
  } catch (error) {
    log(`store sizes failed: ${(error as Error).message}`);
  }
  return out;
}

async function main(): Promise<void> {
  const pin = hasTaskset();
  if (!pin) log('taskset not found (apt-get install -y util-linux): running UNPINNED, numbers are less comparable');
  log(useSources() ? 'Tessera from src/ through tsx (BENCH_TESSERA=src)' : `compiling Tessera into ${TESSERA_DIST} ...`);
  const commit = commitOf();
  const buildProblems = buildTessera();
  if (buildProblems) log(`tsc reported errors (output still emitted):\n${buildProblems}`);
  const { contenders, skipped } = await plan();
  const perRun = 3 + settings.sessions / 400 + ROUTES.length * (settings.warmup + settings.duration + 0.3);
  log(`${contenders.length} contenders x ${settings.rounds} rounds, about ${Math.round((perRun * contenders.length * settings.rounds) / 60)} min`);
  const loadStart = loadavg().map((x) => x.toFixed(2)).join(' ');
  const runs: RunRecord[] = [];
  const load = startLoadWorker(pin ? 1 : undefined);
  try {
    for (let round = 1; round <= settings.rounds; round++) {
      const order = round % 2 === 1 ? contenders : [...contenders].reverse();
      log(`round ${round}/${settings.rounds}: ${order.map((c) => c.id).join(' ')}`);
      runs.push(...(await runRound(round, order, pin, load)));
      writeFileSync(join(tmpdir(), 'tessera-bench-partial.json'), JSON.stringify(runs));
    }
  } finally {
    await load.stop();
  }
  const mem = settings.memory ? await memory() : { memory: [], storeSizes: [] };
  const data: BenchData = {
    date: new Date().toISOString(),
    machine: {
      nproc: String(availableParallelism()),
      cpu: cpus()[0]?.model ?? 'unknown',
      memory: `${Math.round(totalmem() / 2 ** 30)} GiB`,
      kernel: release(),
      node: process.version,
      pinning: pin ? 'server on core 0, load generator on core 1 (taskset)' : 'none (taskset missing)',
      commit,
      tessera: useSources() ? 'TypeScript sources through tsx (BENCH_TESSERA=src)' : `compiled by tsc (ES2022) into ${TESSERA_DIST}${buildProblems ? ', with type errors reported' : ''}`,
      'load average (1/5/15 min) at start / end': `${loadStart} / ${loadavg().map((x) => x.toFixed(2)).join(' ')}`,
      versions: [
        ...['express', 'express-session', 'autocannon', 'better-sqlite3', 'better-sqlite3-session-store', 'connect-redis', 'redis', 'connect-pg-simple', 'pg'],
        ...['fastify', '@fastify/session', '@fastify/cookie', 'koa', 'koa-session', 'hono', '@hono/node-server', '@hono/session'],
      ]
        .map((p) => `${p} ${version(p)}`)
        .join(', '),
    },
    settings,
    skipped,
    runs,
    ...mem,
    elapsedSeconds: (Date.now() - started) / 1000,
  };
  const report = renderReport(data);
  process.stdout.write(report);
  if (settings.write) {
    // Sections other scripts wrote (the lost-updates count) stay.
    const path = join(ROOT, 'bench/RESULTS.md');
    writeFileSync(path, keepSections(path, report));
    log('written to bench/RESULTS.md');
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
