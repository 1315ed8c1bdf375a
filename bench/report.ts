/**
 * Renders the collected numbers as the markdown of bench/RESULTS.md: targets (PASS/MISS),
 * every ratio, per-contender medians, memory, method, and the raw per-round numbers.
 *
 * @module
 */
import { CONTENDERS, PAIRS, ROUTES, type BenchSettings, type RouteName } from './config.js';
import type { MemoryResult } from './memory.js';
import { median, roundCpuRatios, roundRatios, routeResults, summarize, type RunRecord } from './stats.js';
import type { StoreSize } from './store-size.js';
import { MAX_AGE, OPTIONS_TEXT } from './session-data.js';

/** Everything a report is made of. */
export interface BenchData {
  date: string;
  machine: Record<string, string>;
  settings: BenchSettings;
  skipped: Array<{ id: string; reason: string }>;
  runs: RunRecord[];
  memory: MemoryResult[];
  storeSizes: StoreSize[];
  elapsedSeconds: number;
}

const label = (id: string): string => {
  const c = CONTENDERS.find((x) => x.id === id);
  return c ? `(${c.letter}) ${c.label}` : id;
};
/** True when `id` was part of this run (measured, or skipped for a reason): `BENCH_ONLY` leaves the others out of the report. */
const inRun = (data: BenchData, id: string): boolean => data.runs.some((r) => r.contender === id) || data.skipped.some((s) => s.id === id);
/** The pairs whose two contenders were both part of this run. */
const pairsIn = (data: BenchData): typeof PAIRS => PAIRS.filter((p) => inRun(data, p.tessera) && inRun(data, p.peer));
/** True when a contender on another framework than Express was part of this run. */
const otherFrameworks = (data: BenchData): boolean => CONTENDERS.some((c) => c.framework !== 'express' && inRun(data, c.id));
const fmt = (x: number, digits = 2): string => (Number.isFinite(x) ? x.toFixed(digits) : 'n/a');
const int = (x: number): string => (Number.isFinite(x) ? Math.round(x).toLocaleString('en-US') : 'n/a');

function targetRows(data: BenchData): string[] {
  const rows = ['| target | route | median ratio | min-max | IQR | rounds | needed | result |', '| --- | --- | --- | --- | --- | --- | --- | --- |'];
  for (const pair of pairsIn(data)) {
    for (const [route, needed] of Object.entries(pair.targets) as Array<[RouteName, number]>) {
      const name = `${pair.tessera} / ${pair.peer}`;
      const skipped = data.skipped.find((s) => s.id === pair.tessera || s.id === pair.peer);
      if (skipped) {
        rows.push(`| ${name} | ${route} | - | - | - | 0 | >= ${needed} | SKIPPED (${skipped.id}: ${skipped.reason}) |`);
        continue;
      }
      const s = summarize(roundRatios(data.runs, pair.tessera, pair.peer, route));
      const result = s.n === 0 ? 'NO DATA' : s.median >= needed ? 'PASS' : 'MISS';
      rows.push(`| ${name} | ${route} | **${fmt(s.median)}** | ${fmt(s.min)}-${fmt(s.max)} | ${fmt(s.q1)}-${fmt(s.q3)} | ${s.n} | >= ${needed} | ${result} |`);
    }
  }
  return rows;
}

function ratioRows(data: BenchData, ratios: typeof roundRatios): string[] {
  const rows = [`| tessera vs peer | ${ROUTES.join(' | ')} |`, `| --- | ${ROUTES.map(() => '---').join(' | ')} |`];
  for (const pair of pairsIn(data)) {
    const cells = ROUTES.map((route) => {
      const s = summarize(ratios(data.runs, pair.tessera, pair.peer, route));
      return s.n === 0 ? '-' : `${fmt(s.median)} (${fmt(s.min)}-${fmt(s.max)})`;
    });
    rows.push(`| ${pair.tessera} / ${pair.peer} | ${cells.join(' | ')} |`);
  }
  return rows;
}

function contenderRows(data: BenchData): string[] {
  const head = ROUTES.flatMap((r) => [`${r} req/s`, `${r} p99 ms`, `${r} CPU us/req`]);
  const rows = [`| contender | ${head.join(' | ')} | valid runs |`, `| --- | ${head.map(() => '---:').join(' | ')} | ---: |`];
  for (const c of CONTENDERS) {
    if (data.skipped.some((s) => s.id === c.id) || !inRun(data, c.id)) continue;
    const cells = ROUTES.flatMap((route) => {
      const results = routeResults(data.runs, c.id, route);
      return [int(median(results.map((r) => r.rps))), fmt(median(results.map((r) => r.p99))), int(median(results.map((r) => r.serverCpuPerRequest ?? Number.NaN)))];
    });
    const valid = data.runs.filter((r) => r.contender === c.id && r.result && r.result.problems.length === 0).length;
    const all = data.runs.filter((r) => r.contender === c.id).length;
    rows.push(`| ${label(c.id)} | ${cells.join(' | ')} | ${valid}/${all} |`);
  }
  return rows;
}

function memoryRows(data: BenchData): string[] {
  const rows = ['| store | where | sessions | bytes / session |', '| --- | --- | ---: | ---: |'];
  const names: Record<string, string> = {
    'es-memory': "express-session's MemoryStore",
    'ts-memory': "Tessera's MemoryStore, as the middleware fills it",
    'ts-memory-api': "Tessera's session.MemoryStore, through its callback API",
  };
  for (const m of data.memory) rows.push(`| ${names[m.store] ?? m.store} | V8 heap | ${int(m.n)} | ${int(m.bytesPerSession)} |`);
  for (const s of data.storeSizes) {
    const where = /redis/i.test(s.store) ? 'Redis `MEMORY USAGE`' : 'PostgreSQL `pg_total_relation_size` / rows';
    rows.push(`| ${s.store} | ${where} | ${int(s.n)} | ${s.skipped ? `skipped: ${s.skipped}` : int(s.bytesPerSession ?? Number.NaN)} |`);
  }
  return rows;
}

function rawRows(data: BenchData): string[] {
  const rows = [
    '| round | pos | contender | route | req/s | p50 ms | p99 ms | responses | non-2xx | errors | server CPU | CPU us/req | load CPU | notes |',
    '| ---: | ---: | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
  ];
  for (const run of data.runs) {
    if (!run.result) {
      rows.push(`| ${run.round} | ${run.position} | ${run.contender} | - | - | - | - | - | - | - | - | - | - | ${run.error ?? 'no result'} |`);
      continue;
    }
    for (const route of ROUTES) {
      const r = run.result.routes[route];
      if (!r) continue;
      const notes = route === 'read' ? [`login ${int(run.result.loginMs)} ms`, ...run.result.problems].join('; ') : '';
      const pct = (x: number | undefined): string => (x === undefined || !Number.isFinite(x) ? 'n/a' : `${Math.round(100 * x)}%`);
      const cells = [int(r.rps), fmt(r.p50), fmt(r.p99), r.total, r.non2xx, r.errors, pct(r.serverCpu), int(r.serverCpuPerRequest ?? Number.NaN), pct(r.loadCpu)];
      rows.push(`| ${run.round} | ${run.position} | ${run.contender} | ${route} | ${cells.join(' | ')} | ${notes} |`);
    }
  }
  return rows;
}

/** The whole report, as markdown. */
export function renderReport(data: BenchData): string {
  const s = data.settings;
  const machine = Object.entries(data.machine).map(([k, v]) => `- ${k}: ${v}`);
  const skipped = data.skipped.map((x) => `- ${label(x.id)}: skipped (${x.reason})`);
  return [
    '# Tessera benchmark results',
    '',
    `Run on ${data.date}, ${Math.round(data.elapsedSeconds)} s in all. Ratios are tessera / peer throughput (2xx requests per second): the median of the per-round ratios, with their spread. Above 1 means Tessera served more requests.`,
    '',
    '## Targets',
    '',
    ...targetRows(data),
    '',
    '## All ratios (median, min-max over rounds)',
    '',
    'Throughput, tessera / peer:',
    '',
    ...ratioRows(data, roundRatios),
    '',
    'Server CPU time per request, peer / tessera (above 1: Tessera\'s server process spent less CPU per request; steadier than throughput on a shared machine, but it leaves out the Redis/PostgreSQL server\'s own CPU):',
    '',
    ...ratioRows(data, roundCpuRatios),
    '',
    '## Per contender (medians over rounds)',
    '',
    ...contenderRows(data),
    ...(skipped.length ? ['', ...skipped] : []),
    '',
    '## Memory per session',
    '',
    ...memoryRows(data),
    '',
    'Heap: one child process per store (`--expose-gc`): gc, `heapUsed`, insert the sessions through the store\'s own API (values built as each library builds them: express-session\'s `{cookie, ...data}`, Tessera\'s encoded record), gc, `heapUsed`; keys in each library\'s ID format (32 vs 43 characters); Tessera\'s stores with `maxSessions` above N so nothing is evicted. Redis: the sum of `MEMORY USAGE` over every key under the store\'s prefix / sessions. PostgreSQL: `pg_total_relation_size` (table, TOAST, indexes) after `VACUUM ANALYZE` / rows.',
    '',
    '## Machine',
    '',
    ...machine,
    '',
    '## Method',
    '',
    `- ${s.rounds} rounds; in each, every contender runs in its own server process (\`taskset -c 0\`; Express 5, or the framework it names: Fastify 5, Koa 3, Hono 4 on @hono/node-server, bare node:http, each serving the same routes), started fresh, with a fresh store (own key prefix / schema / file, removed afterwards). Odd rounds run the contenders in the order below, even rounds in reverse, so each compared pair runs back to back, alternating A B / B A.`,
    `- Order: ${data.runs.filter((r) => r.round === 1).map((r) => r.contender).join(', ') || CONTENDERS.map((c) => c.id).join(', ')}.`,
    `- Load: autocannon 8 in its own process (\`taskset -c 1\`), ${s.connections} connections (one autocannon instance each, with its own share of the session pool, so no two requests in flight carry the same session), no pipelining. Per server: ${s.sessions} sessions logged in through \`POST /login\` (a sample of their cookies is read back and must return its own user name, after login and after each route), then per route ${s.warmup} s warm-up (not measured) and ${s.duration} s measured.`,
    `- Routes: \`GET /read\` (reads the user name from the session; 401 without one), \`POST /modify\` (increments a counter: a store write each request), \`POST /create\` (no cookie; writes a cart into a new session). read and modify rotate through the pool's cookies.`,
    `- Session options, identical for express-session and tessera/express-session: \`${OPTIONS_TEXT}\`. Native tessera/express: \`SessionManager({ secret, store: new MemoryStore(), name: 'sid', cookie: { maxAge }, idleTimeout: maxAge })\`. SQLite: each on its own file in the temp directory, both in WAL mode with \`synchronous = NORMAL\` (what SqliteStore sets itself; set by hand on the peer's database). Redis: node-redis client. PostgreSQL: pg Pool (max 10).`,
    ...(otherFrameworks(data) ? [`- Other frameworks (one SessionManager for every Tessera side, as the native Express one: cookie \`sid\`, maxAge ${MAX_AGE} ms, idle timeout the same, Tessera's other defaults: hashed store keys, no encryption, httpOnly, SameSite=Lax, touch at most once a minute). @fastify/session (+ @fastify/cookie): \`{ secret, cookieName: 'sid', cookie: { maxAge, httpOnly, sameSite: 'lax', secure: false }, saveUninitialized: false, rolling: false }\` (its default \`rolling: true\` would write every session on every request), its MemoryStore or connect-redis 9; tessera/fastify: \`register(plugin, { manager })\`. koa-session: \`{ key: 'sid', maxAge, httpOnly, sameSite: 'lax', signed: true (two cookies, keygrip), rolling: false, renew: false, store }\` with a minimal external store (JSON in a Map with expiry, or Redis GET / SET PX / DEL). @hono/session: \`duration: { absolute: ${MAX_AGE / 1000} }\` (A256GCM JWE cookie), with a storage of JSON in a Map (w) or the data in the cookie itself (y, its default); reads call \`get()\`, writes one \`update(fn)\`. tessera/node: \`nodeSessions(manager).load(req, res)\`; bare node:http (z) answers from a plain object like (a).`] : []),
    '- Behaviour that differs under these identical options (by design): express-session touches the store on every request that did not change the session (connect-redis: `EXPIRE`, connect-pg-simple: `UPDATE`, better-sqlite3-session-store: `UPDATE`, its MemoryStore: re-serialise); tessera/express-session on its own stores skips that touch while the stored expiry is less than 60 s old.',
    `- With ${s.connections} connections the server's core is saturated (see server CPU in the raw numbers): throughput is CPU per request, so a store round trip saved (a skipped touch) counts only by the CPU its command costs in Node, diluted by Express and the session layer; latency-bound setups (few connections, a remote database) weigh round trips more (\`BENCH_CONNECTIONS=1\`).`,
    '- A run counts only if every response was 2xx with no socket errors and every cookie check passed; a ratio needs both runs of its round valid.',
    '- Latency p50/p99 are computed from autocannon\'s per-response times (2xx only). Server CPU is read from /proc around each measured run (CPU us/req = server CPU time / responses); load CPU is the load generator\'s own share of its core (near 100%: the generator, not the server, limits that run). Redis and PostgreSQL run on the same 2 cores, unpinned, so they compete with the server and the load generator.',
    '',
    '<details><summary>Raw per-round numbers</summary>',
    '',
    ...rawRows(data),
    '',
    '</details>',
    '',
  ].join('\n');
}
