/**
 * Young-generation collections of one benchmark contender under load:
 * `node --import tsx bench/gc-check.ts <id> [requests] [read|modify]` (default 40000, read).
 * Set `GC_FLAGS` to pass V8 flags to the server, e.g. `--no-allocation-site-pretenuring`.
 *
 * Starts the contender's server (`bench/servers/main.ts`, Tessera from its sources) under
 * `--trace-gc`, pinned to core 0 where `taskset` exists, logs in a 1000-session pool, drives it
 * with 10 keep-alive connections and prints the count and mean pause of the young collections
 * (scavenges), the full collections, and the heap after the first and the last scavenge. A heap
 * that keeps growing between full collections while the load holds nothing new means something
 * dead in the old generation keeps young objects alive (see `test/hold/request-retention.test.ts`);
 * comparing with `GC_FLAGS=--no-allocation-site-pretenuring` tells whether pretenuring is why.
 * It is a diagnostic, not a measurement with targets: `npm run bench` is.
 *
 * @module
 */
import { spawn } from 'node:child_process';
import { Connection, drivenRoute, logInPool, routeRequest } from './http-cpu.js';
import { CONTENDERS } from './config.js';
import { hasTaskset } from './processes.js';

const [id = '', requests = '40000', route = 'read'] = process.argv.slice(2);
if (!CONTENDERS.some((c) => c.id === id)) throw new Error(`usage: gc-check.ts <contender id> [requests] [read|modify]; unknown contender "${id}"`);
const driven = drivenRoute(route);

const flags = (process.env.GC_FLAGS ?? '').split(' ').filter(Boolean);
const nodeArgs = ['--trace-gc', ...flags, '--import', 'tsx', 'bench/servers/main.ts', id];
const [command, args] = hasTaskset() ? ['taskset', ['-c', '0', process.execPath, ...nodeArgs]] : [process.execPath, nodeArgs];
const server = spawn(command, args, { env: { ...process.env, BENCH_TESSERA: 'src' }, stdio: ['pipe', 'pipe', 'inherit'] });
let trace = '';
server.stdout.on('data', (chunk: Buffer) => (trace += chunk.toString()));

async function ready(): Promise<number> {
  for (let waited = 0; waited < 60_000; waited += 50) {
    const match = /READY (\d+)/.exec(trace);
    if (match) return Number(match[1]);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`${id}: server not ready after 60 s`);
}

/** `Scavenge 67.9 (88.4) -> 56.6 (89.1) MB, 7.20 / 0.00 ms ...`: the pause and the heap after. */
function scavenges(lines: string[]): Array<{ ms: number; heapAfter: number }> {
  const found: Array<{ ms: number; heapAfter: number }> = [];
  for (const line of lines) {
    const match = /Scavenge[^>]*-> ([\d.]+) \([\d.]+\) MB, ([\d.]+) \//.exec(line);
    if (match) found.push({ heapAfter: Number(match[1]), ms: Number(match[2]) });
  }
  return found;
}

async function main(): Promise<void> {
  const port = await ready();
  const cookies = (await logInPool(port)) ?? Array.from({ length: 1000 }, () => '');
  const prebuilt = cookies.map((cookie) => routeRequest(driven, cookie));
  const connections = Array.from({ length: 10 }, () => new Connection(port));
  const total = Number(requests);
  const from = trace.length;
  const started = performance.now();
  let next = 0;
  await Promise.all(
    connections.map(async (connection) => {
      while (next < total) {
        const { status, body } = await connection.send(prebuilt[next++ % prebuilt.length] as string);
        if (status !== 200) throw new Error(`${id}: ${route} answered ${status} ${body}`);
      }
    }),
  );
  const ms = performance.now() - started;
  connections.forEach((c) => c.close());
  const lines = trace.slice(from).split('\n');
  const young = scavenges(lines);
  const full = lines.filter((line) => line.includes('Mark-Compact')).length;
  const pauses = young.reduce((sum, s) => sum + s.ms, 0);
  console.log(
    `${id} ${route}${flags.length ? ` (${flags.join(' ')})` : ''}: ${total} requests in ${ms.toFixed(0)} ms; ` +
      `${young.length} scavenges, mean ${(pauses / Math.max(1, young.length)).toFixed(2)} ms, total ${pauses.toFixed(0)} ms; ` +
      `${full} full collections; heap after the first / last scavenge ${young[0]?.heapAfter ?? '-'} / ${young.at(-1)?.heapAfter ?? '-'} MB`,
  );
}

main()
  .catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  })
  .finally(() => server.kill('SIGTERM'));
