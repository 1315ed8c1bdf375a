/**
 * Server CPU per request of two benchmark contenders, side by side:
 * `node --import tsx bench/pair-cpu.ts <a> <b> [read|modify] [requests] [rounds]`
 * (default read, 20000 and 5), e.g. `node-ts node-bare`.
 *
 * Both servers are the HTTP benchmark's own processes (`bench/servers/main.ts`, pinned to core 0
 * where `taskset` exists); this process drives them from core 1 with a minimal keep-alive client
 * (10 connections, one prebuilt request per session of a 1000-session pool) and counts only the
 * server's CPU, from schedstat. CPU time is far steadier than throughput on a shared machine:
 * time spent waiting for a core is not counted. The sides alternate slice by slice; the median
 * per-round ratio b / a (above 1: a spent less CPU per request) is printed with its spread.
 * When either side uses Redis, the Redis server's own CPU per request is counted too (it runs on
 * the same cores in the benchmark, so a costlier command takes time from the server under test).
 * It is a quick check while working on a cost, not the benchmark: `npm run bench` is.
 *
 * @module
 */
import { Connection, drivenRoute, logInPool, processCpu, routeRequest } from './http-cpu.js';
import { CONTENDERS } from './config.js';
import { buildTessera } from './build.js';
import { hasTaskset, startServer, type Server } from './processes.js';
import { connect } from './servers/redis.js';

const [a = '', b = '', route = 'read', requests = '20000', rounds = '5'] = process.argv.slice(2);
const SESSIONS = 1000;
const SLICES = 10;
for (const id of [a, b]) {
  if (!CONTENDERS.some((c) => c.id === id)) throw new Error(`usage: pair-cpu.ts <a> <b> [read|modify] [requests] [rounds]; unknown contender "${id}"`);
}
const driven = drivenRoute(route);

interface Side {
  id: string;
  server: Server;
  connections: Connection[];
  requests: string[];
  /** Redis server CPU µs per request, summed over the side's slices. */
  redis: number;
}

/** The local Redis server's pid, when a contender needs Redis (its CPU is counted per side). */
async function redisPid(): Promise<number | undefined> {
  if (!CONTENDERS.some((c) => (c.id === a || c.id === b) && c.services.includes('redis'))) return undefined;
  const client = await connect();
  try {
    const match = /process_id:(\d+)/.exec(await client.info('server'));
    return match ? Number(match[1]) : undefined;
  } finally {
    await client.quit();
  }
}

async function drive(side: Side, n: number, redis?: number): Promise<number> {
  const start = processCpu(side.server.pid);
  const redisStart = redis === undefined ? 0 : processCpu(redis);
  let next = 0;
  await Promise.all(
    side.connections.map(async (connection) => {
      while (next < n) {
        const { status, body } = await connection.send(side.requests[next++ % SESSIONS] as string);
        if (status !== 200) throw new Error(`${side.id}: ${route} answered ${status} ${body}`);
      }
    }),
  );
  if (redis !== undefined) side.redis += (processCpu(redis) - redisStart) / n;
  return (processCpu(side.server.pid) - start) / n;
}

const median = (xs: number[]): number => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)] as number;

async function main(): Promise<void> {
  const problems = buildTessera();
  if (problems) console.error(`tsc reported errors (output still emitted):\n${problems}`);
  const core = hasTaskset() ? 0 : undefined;
  const servers = [await startServer(a, { core }), await startServer(b, { core })];
  try {
    const pools = [await logInPool(servers[0]!.port, SESSIONS), await logInPool(servers[1]!.port, SESSIONS)];
    const fallback = pools[0] ?? pools[1];
    if (fallback === undefined) throw new Error('neither contender sets a session cookie');
    const sides: Side[] = servers.map((server, i) => ({
      id: [a, b][i] as string,
      server,
      connections: Array.from({ length: 10 }, () => new Connection(server.port)),
      requests: (pools[i] ?? fallback).map((cookie) => routeRequest(driven, cookie)),
      redis: 0,
    }));
    const redis = await redisPid();
    const n = Number(requests);
    const slice = Math.ceil(n / SLICES);
    for (const side of sides) await drive(side, n); // warm-up
    const perRound: Array<[number, number]> = [];
    for (let round = 0; round < Number(rounds); round++) {
      const sum = [0, 0];
      for (let i = 0; i < SLICES; i++) {
        const order = (i + round) % 2 === 0 ? [0, 1] : [1, 0];
        for (const s of order) sum[s]! += (await drive(sides[s]!, slice, redis)) / SLICES;
      }
      perRound.push([sum[0]!, sum[1]!]);
    }
    const ratios = perRound.map(([x, y]) => y / x);
    console.log(`${route}: CPU µs/request, median of ${rounds} rounds x ${n}: ${a} ${median(perRound.map((r) => r[0])).toFixed(1)}, ${b} ${median(perRound.map((r) => r[1])).toFixed(1)}`);
    console.log(`ratio ${b} / ${a} (throughput ${a} / ${b} if CPU-bound): ${median(ratios).toFixed(3)} (${Math.min(...ratios).toFixed(3)}-${Math.max(...ratios).toFixed(3)})`);
    if (redis !== undefined) {
      const each = sides.map((side) => `${side.id} ${(side.redis / SLICES / Number(rounds)).toFixed(1)}`).join(', ');
      console.log(`Redis server CPU µs/request, mean over all rounds: ${each}`);
    }
    for (const side of sides) side.connections.forEach((c) => c.close());
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
