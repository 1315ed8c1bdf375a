/**
 * CPU profile of one contender under one route's load:
 * `node --import tsx bench/profile.ts <contender> <route> [seconds]`.
 * Starts the server under `--cpu-prof` (core 0), logs in the pool, drives the route (core 1),
 * stops the server, and prints the hottest functions by self time and the time per source file.
 * The `.cpuprofile` stays in bench/profiles/ (open it in Chrome DevTools for the call tree).
 *
 * @module
 */
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { CONTENDERS, ROOT, type RouteName } from './config.js';
import { buildTessera } from './build.js';
import { hasTaskset, startLoadWorker, startServer } from './processes.js';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Self time (ms) by function and by file. */
export function summarizeProfile(profile: CpuProfile): { functions: Array<[string, number]>; files: Array<[string, number]>; totalMs: number } {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfMs = new Map<number, number>();
  profile.samples.forEach((id, i) => selfMs.set(id, (selfMs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000));
  const functions = new Map<string, number>();
  const files = new Map<string, number>();
  let totalMs = 0;
  for (const [id, ms] of selfMs) {
    const frame = byId.get(id)?.callFrame;
    if (!frame) continue;
    totalMs += ms;
    const file = frame.url.startsWith('file://') ? relative(ROOT, new URL(frame.url).pathname) : frame.url || '(native)';
    const name = `${frame.functionName || '(anonymous)'} ${file}:${frame.lineNumber + 1}`;
    functions.set(name, (functions.get(name) ?? 0) + ms);
    files.set(file, (files.get(file) ?? 0) + ms);
  }
  const sort = (m: Map<string, number>): Array<[string, number]> => [...m].sort((a, b) => b[1] - a[1]);
  return { functions: sort(functions), files: sort(files), totalMs };
}

async function main(): Promise<void> {
  const [id = '', route = 'read', seconds = '8'] = process.argv.slice(2);
  const contender = CONTENDERS.find((c) => c.id === id);
  if (!contender || !['read', 'modify', 'create'].includes(route)) {
    throw new Error(`usage: profile.ts <${CONTENDERS.map((c) => c.id).join('|')}> <read|modify|create> [seconds]`);
  }
  const dir = join(ROOT, 'bench/profiles', `${id}-${route}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const problems = buildTessera();
  if (problems) console.error(`tsc reported errors (output still emitted):\n${problems}`);
  const pin = hasTaskset();
  const load = startLoadWorker(pin ? 1 : undefined);
  const server = await startServer(id, { core: pin ? 0 : undefined, profileDir: dir });
  try {
    const sessionful = !contender.sessionless;
    await load.run({ mode: 'login', port: server.port, sessions: 1000, sessionful });
    const plan = { mode: 'route', port: server.port, route: route as RouteName, connections: 10, sessionful } as const;
    await load.run({ ...plan, duration: 1, measure: false });
    const run = await load.run({ ...plan, duration: Number(seconds), measure: true });
    console.log(`${id} ${route}: ${Math.round(run.result.rps)} req/s, p99 ${run.result.p99.toFixed(2)} ms ${run.problems.join('; ')}`);
  } finally {
    await server.stop();
    await load.stop();
  }
  const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
  if (!file) throw new Error(`no profile written in ${dir}`);
  const { functions, files, totalMs } = summarizeProfile(JSON.parse(readFileSync(join(dir, file), 'utf8')) as CpuProfile);
  const pct = (ms: number): string => `${((100 * ms) / totalMs).toFixed(1).padStart(5)}%`;
  console.log(`\nself time by function (${Math.round(totalMs)} ms sampled, whole server life):`);
  for (const [name, ms] of functions.slice(0, 30)) console.log(`${pct(ms)}  ${name}`);
  console.log('\nself time by file:');
  for (const [name, ms] of files.slice(0, 25)) console.log(`${pct(ms)}  ${name}`);
  console.log(`\nprofile: ${relative(ROOT, join(dir, file))}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
