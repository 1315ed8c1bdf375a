/**
 * The load generator process: `node --import tsx bench/load.ts`, started once and pinned to its
 * own core. It reads one JSON `LoadPlan` per line on stdin and answers each with one JSON line on
 * stdout (`{ ok: result }` or `{ error }`), one plan at a time. `login` logs in a pool of
 * sessions on a server and checks a sample of their cookies; `route` drives one route of that
 * server with autocannon (a warm-up, or a measured run followed by the sample check again).
 *
 * Cookies rotate through the pool as one prebuilt request per session: autocannon cycles through
 * the list without rebuilding requests, so the load generator stays cheap. Each connection has
 * its own share of the pool (one autocannon instance per connection), so no session is ever used
 * by two requests at once.
 *
 * @module
 */
import { createInterface } from 'node:readline';
import { createRequire } from 'node:module';
import type { RouteName } from './config.js';

/** What the orchestrator asks for: `login` builds the pool, `route` measures one route. */
export type LoadPlan =
  | { mode: 'login'; port: number; sessions: number; sessionful: boolean }
  | {
      mode: 'route';
      port: number;
      route: RouteName;
      connections: number;
      duration: number;
      /** False for a warm-up: no latencies kept, no checks. */
      measure: boolean;
      sessionful: boolean;
    };

/** One measured run. */
export interface RouteResult {
  /** 2xx responses per second over the measured run. */
  rps: number;
  /** Latency percentiles of 2xx responses, ms (from autocannon's per-response times). */
  p50: number;
  p99: number;
  total: number;
  non2xx: number;
  errors: number;
  /** CPU the load generator used during the run, as a fraction of one core (near 1: it may be the bottleneck). */
  loadCpu: number;
  /** CPU the server used during the run, as a fraction of one core (filled in by the orchestrator). */
  serverCpu?: number;
  /** Server CPU time per response, microseconds (filled in by the orchestrator). */
  serverCpuPerRequest?: number;
}

/** What `login` prints. */
export interface LoginResult {
  loginMs: number;
  /** Problems found by the cookie checks (empty when all is well). */
  problems: string[];
}

/** What `route` prints. */
export interface RouteRun {
  result: RouteResult;
  problems: string[];
}

/** A contender's whole run in one round, as the orchestrator assembles it. */
export interface LoadResult {
  loginMs: number;
  routes: Partial<Record<RouteName, RouteResult>>;
  problems: string[];
}

interface AutocannonRequest {
  method: string;
  path: string;
  headers?: Record<string, string>;
}
interface AutocannonResult {
  duration: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  '2xx': number;
}
interface AutocannonInstance {
  on(event: 'response', fn: (client: unknown, status: number, bytes: number, ms: number) => void): void;
  on(event: 'done', fn: (result: AutocannonResult) => void): void;
}
type Autocannon = (options: object) => AutocannonInstance;

const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

const PATHS: Record<RouteName, { method: string; path: string; cookie: boolean }> = {
  read: { method: 'GET', path: '/read', cookie: true },
  modify: { method: 'POST', path: '/modify', cookie: true },
  create: { method: 'POST', path: '/create', cookie: false },
};

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/**
 * Runs autocannon for `seconds`, one instance of one connection per request list, all at once;
 * latencies are collected only when `measure`. Each connection gets its own list so no two
 * requests in flight ever carry the same session (see `slices`).
 */
function cannon(port: number, lists: readonly AutocannonRequest[][], seconds: number, measure: boolean): Promise<RouteResult> {
  const latencies: number[] = [];
  const cpuStart = process.cpuUsage();
  const wallStart = performance.now();
  const runs = lists.map(
    (requests) =>
      new Promise<AutocannonResult>((resolve) => {
        const instance = autocannon({ url: `http://127.0.0.1:${port}`, connections: 1, duration: seconds, requests });
        if (measure) instance.on('response', (_c, status, _b, ms) => {
          if (status >= 200 && status < 300) latencies.push(ms);
        });
        instance.on('done', resolve);
      }),
  );
  return Promise.all(runs).then((results) => {
    const cpu = process.cpuUsage(cpuStart);
    const loadCpu = (cpu.user + cpu.system) / 1000 / (performance.now() - wallStart);
    const sorted = Float64Array.from(latencies).sort();
    const sum = (f: (r: AutocannonResult) => number): number => results.reduce((total, r) => total + f(r), 0);
    const duration = sum((r) => r.duration) / results.length;
    return {
      rps: sum((r) => r['2xx']) / duration,
      p50: percentile(sorted, 50),
      p99: percentile(sorted, 99),
      total: sum((r) => r['2xx'] + r.non2xx),
      non2xx: sum((r) => r.non2xx),
      errors: sum((r) => r.errors + r.timeouts),
      loadCpu,
    };
  });
}

/**
 * The pool cut into one list per connection (session i goes to connection i mod connections), so
 * no two connections ever send the same session at once: real users do not fire ten concurrent
 * writes at one session, and with autocannon's shared list every connection would start at the
 * first cookie and walk the pool in step, ten requests on one session at a time (which Tessera's
 * compare-and-set merge, issue 8, would have to retry rather than let the last write win).
 */
function slices<T>(pool: readonly T[], connections: number): T[][] {
  const lists = Array.from({ length: Math.min(connections, pool.length) }, () => [] as T[]);
  pool.forEach((item, i) => lists[i % lists.length]!.push(item));
  return lists;
}

/**
 * The `name=value` parts of every cookie a response set, joined as one `Cookie` header, if it set
 * any (the session cookie and the cookie cache's; koa-session's signed cookie comes as two:
 * `sid` and `sid.sig`).
 */
function cookieOf(res: Response): string | undefined {
  const pairs = res.headers.getSetCookie().map((header) => header.split(';', 1)[0]!);
  return pairs.length > 0 ? pairs.join('; ') : undefined;
}

async function login(base: string, count: number): Promise<string[]> {
  const cookies = new Array<string>(count);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      const i = next++;
      const res = await fetch(`${base}/login?u=user-${i}`, { method: 'POST' });
      await res.text();
      cookies[i] = cookieOf(res) ?? 'nocookie=1';
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
  return cookies;
}

/** Reads a sample of the pool back: each cookie must still name its own user. */
async function checkPool(base: string, cookies: string[], when: string, problems: string[]): Promise<void> {
  const step = Math.max(1, Math.floor(cookies.length / 25));
  let bad = 0;
  let checked = 0;
  for (let i = 0; i < cookies.length; i += step) {
    checked++;
    const res = await fetch(`${base}/read`, { headers: { cookie: cookies[i]! } });
    const body = await res.text();
    if (res.status !== 200 || body !== `user-${i}`) bad++;
  }
  if (bad > 0) problems.push(`${when}: ${bad}/${checked} sampled cookies did not read back their user`);
}

/** The pool of each server (by port), from its `login`. */
const pools = new Map<number, string[]>();

async function execute(plan: LoadPlan): Promise<LoginResult | RouteRun> {
  const base = `http://127.0.0.1:${plan.port}`;
  const problems: string[] = [];
  if (plan.mode === 'login') {
    const started = performance.now();
    const cookies = await login(base, plan.sessions);
    const loginMs = performance.now() - started;
    pools.set(plan.port, cookies);
    if (plan.sessionful) {
      if (cookies.some((c) => c === 'nocookie=1')) problems.push('login: some logins set no cookie');
      await checkPool(base, cookies, 'after login', problems);
    }
    return { loginMs, problems };
  }
  const cookies = pools.get(plan.port);
  if (!cookies) throw new Error(`no login on port ${plan.port} before route ${plan.route}`);
  const { method, path, cookie } = PATHS[plan.route];
  const lists = cookie
    ? slices(cookies.map((c) => ({ method, path, headers: { cookie: c } })), plan.connections)
    : Array.from({ length: plan.connections }, () => [{ method, path }]);
  const result = await cannon(plan.port, lists, plan.duration, plan.measure);
  if (!plan.measure) return { result, problems };
  if (plan.sessionful && plan.route === 'create') {
    const res = await fetch(`${base}/create`, { method: 'POST' });
    await res.text();
    if (!cookieOf(res)) problems.push('create: a new session got no cookie');
  } else if (plan.sessionful) {
    await checkPool(base, cookies, `after ${plan.route}`, problems);
  }
  return { result, problems };
}

async function main(): Promise<void> {
  for await (const line of createInterface({ input: process.stdin })) {
    if (!line.trim()) continue;
    let reply: object;
    try {
      reply = { ok: await execute(JSON.parse(line) as LoadPlan) };
    } catch (error) {
      reply = { error: (error as Error).stack ?? String(error) };
    }
    process.stdout.write(`${JSON.stringify(reply)}\n`);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
