/**
 * Lost updates per stack (issue 8), `npm run bench:lost-updates`: on each stack of
 * lost-updates-stacks.ts, one session, then `BENCH_LOST_ROUNDS` (default 50) rounds of two
 * overlapping requests on it (one sets `a`, the other `b`, each handler awaiting 5 ms after the
 * session was loaded), each round followed by a read: a round lost an update when `a` or `b` is
 * not the value it just wrote. Correctness, not speed: no pinning, run anywhere. Prints the table
 * and writes it into bench/RESULTS.md as its own section (`BENCH_WRITE=0` only prints).
 * `BENCH_ONLY` takes store kinds (`memory,Redis`); Redis and PostgreSQL stacks are skipped when
 * their server is not reachable.
 *
 * @module
 */
import { spawnSync } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import express from 'express';
import { ROOT, type Service } from './config.js';
import { LIBRARIES, STACKS, STORE_KINDS, type OpenStack, type Stack } from './lost-updates-stacks.js';
import { section, writeSection } from './results-file.js';
import { POSTGRES_URL } from './servers/postgres.js';
import { REDIS_URL } from './servers/redis.js';
import { reachable } from '../test/helpers/services.js';

const ROUNDS = Number(process.env.BENCH_LOST_ROUNDS ?? 50);
const ONLY = process.env.BENCH_ONLY?.split(',').map((s) => s.trim().toLowerCase()).filter(Boolean);

/** What one stack gave. */
interface Outcome {
  stack: Stack;
  lost?: number;
  conflicts?: number;
  skipped?: string;
}

type Data = Record<string, unknown>;

/** The racing app: `/init` writes the session; `/set/:name?v=` awaits 5 ms, then sets one key; `/read` answers a and b. */
async function serve(opened: OpenStack): Promise<{ url: string; close(): Promise<void> }> {
  const app = express();
  app.use(opened.middleware);
  app.get('/init', (req, res) => {
    (req.session as unknown as Data).started = true;
    res.json({ ok: true });
  });
  app.get('/set/:name', async (req, res, next) => {
    try {
      await sleep(5);
      (req.session as unknown as Data)[String(req.params.name)] = Number(req.query.v);
      res.json({ ok: true });
    } catch (error) {
      next(error);
    }
  });
  app.get('/read', (req, res) => {
    const { a, b } = req.session as unknown as Data;
    res.json({ a: a ?? null, b: b ?? null });
  });
  const server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve, reject) => server.once('listening', resolve).once('error', reject));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}

/** A client with a cookie jar: every `Set-Cookie` it receives is sent back. */
function client(base: string): (path: string) => Promise<unknown> {
  const jar = new Map<string, string>();
  return async (path) => {
    const cookie = [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
    const res = await fetch(`${base}${path}`, { headers: cookie ? { cookie } : {} });
    for (const line of res.headers.getSetCookie()) {
      const pair = line.split(';', 1)[0]!;
      const eq = pair.indexOf('=');
      jar.set(pair.slice(0, eq), pair.slice(eq + 1));
    }
    const body = await res.text();
    if (res.status !== 200) throw new Error(`${path}: ${res.status} ${body.slice(0, 200)}`);
    return JSON.parse(body) as unknown;
  };
}

/** Runs the rounds on one stack; resolves to the rounds that lost `a` or `b`. */
async function race(request: (path: string) => Promise<unknown>): Promise<number> {
  await request('/init');
  let lost = 0;
  for (let round = 1; round <= ROUNDS; round++) {
    await Promise.all([request(`/set/a?v=${round}`), request(`/set/b?v=${round}`)]);
    const read = (await request('/read')) as { a: number | null; b: number | null };
    if (read.a !== round || read.b !== round) lost++;
  }
  return lost;
}

async function run(stack: Stack, up: Record<Service, boolean>, tag: string): Promise<Outcome> {
  if (stack.service && !up[stack.service]) return { stack, skipped: `${stack.service} not reachable` };
  const opened = await stack.open(tag);
  try {
    const server = await serve(opened);
    try {
      const lost = await race(client(server.url));
      return { stack, lost, ...(opened.conflicts ? { conflicts: opened.conflicts() } : {}) };
    } finally {
      await server.close();
    }
  } finally {
    await opened.close();
  }
}

function cell(outcome: Outcome | undefined): string {
  if (!outcome) return '-';
  if (outcome.skipped) return `skipped (${outcome.skipped})`;
  const merged = outcome.conflicts !== undefined && outcome.stack.library === 'tessera/express' ? `, ${outcome.conflicts} conflicts merged` : '';
  return `**${outcome.lost}/${ROUNDS}** (${outcome.stack.storeName}${merged})`;
}

function render(outcomes: readonly Outcome[], seconds: number): string {
  const commit = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).stdout.trim() || 'unknown';
  const rows = STORE_KINDS.filter((kind) => outcomes.some((o) => o.stack.store === kind)).map((kind) => {
    const cells = LIBRARIES.map((library) => cell(outcomes.find((o) => o.stack.store === kind && o.stack.library === library)));
    return `| ${kind} | ${cells.join(' | ')} |`;
  });
  return [
    '## Lost updates (issue 8)',
    '',
    `\`npm run bench:lost-updates\`, run on ${new Date().toISOString()} (commit ${commit}, Node ${process.version}), ${Math.round(seconds)} s. On each stack, one session, then ${ROUNDS} rounds of two overlapping requests on it (one sets \`a\`, the other \`b\`, each handler awaiting 5 ms after its session was loaded), each round followed by a read; a round counts as lost when \`a\` or \`b\` is not the value it just wrote. Lost rounds out of ${ROUNDS}, lower is better:`,
    '',
    `| store | ${LIBRARIES.join(' | ')} |`,
    `| --- | ${LIBRARIES.map(() => '---').join(' | ')} |`,
    ...rows,
    '',
    "Same options everywhere: `{ secret, resave: false, saveUninitialized: false }` for express-session and the drop-in (given Tessera's own store, which can compare-and-set: `concurrency: 'merge'` by default); the native `SessionManager({ secret, store })` with its default `concurrency: 'merge'`, and with `'last-write-wins'` as the control that shows the two requests of a round really overlap. Each stack on its own store (key prefix, schema or file), removed afterwards; Redis and PostgreSQL are the local servers.",
    '',
  ].join('\n');
}

async function main(): Promise<void> {
  const started = performance.now();
  const up: Record<Service, boolean> = { redis: await reachable(REDIS_URL, 6379), postgres: await reachable(POSTGRES_URL, 5432) };
  const outcomes: Outcome[] = [];
  for (const [i, stack] of STACKS.entries()) {
    if (ONLY && !ONLY.includes(stack.store.toLowerCase())) continue;
    const outcome = await run(stack, up, `${process.pid}_${i}`);
    outcomes.push(outcome);
    console.error(`${stack.store.padEnd(10)} ${stack.library.padEnd(32)} ${outcome.skipped ? `skipped: ${outcome.skipped}` : `${outcome.lost}/${ROUNDS} lost${outcome.conflicts !== undefined ? `, ${outcome.conflicts} conflicts` : ''}`}`);
  }
  const markdown = render(outcomes, (performance.now() - started) / 1000);
  process.stdout.write(markdown);
  if (process.env.BENCH_WRITE !== '0') {
    writeSection(join(ROOT, 'bench/RESULTS.md'), section('lost-updates', markdown));
    console.error('written to bench/RESULTS.md');
  }
}

main().then(
  // better-sqlite3-session-store leaves a sweep interval running that nothing can stop.
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
