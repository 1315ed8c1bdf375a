/**
 * How long a contender's server takes to warm up: `node --import tsx bench/warmup-curve.ts <id>
 * [read|modify] [seconds]` (default read, 12). Starts a fresh server as the benchmark does
 * (compiled Tessera, pinned to core 0 where `taskset` exists), logs in the 1000-session pool, then
 * drives it from this process for `seconds`, printing each second's requests and server CPU per
 * request. A benchmark's warm-up (`BENCH_WARMUP`) should cover the seconds before the curve is
 * flat, or it measures the JIT and the caches filling rather than the steady state.
 *
 * @module
 */
import { Connection, drivenRoute, logInPool, processCpu, routeRequest } from './http-cpu.js';
import { CONTENDERS } from './config.js';
import { buildTessera } from './build.js';
import { hasTaskset, startServer } from './processes.js';

const [id = '', route = 'read', seconds = '12'] = process.argv.slice(2);
if (!CONTENDERS.some((c) => c.id === id)) throw new Error(`usage: warmup-curve.ts <contender id> [read|modify] [seconds]; unknown contender "${id}"`);
const driven = drivenRoute(route);

async function main(): Promise<void> {
  const problems = buildTessera();
  if (problems) console.error(`tsc reported errors (output still emitted):\n${problems}`);
  const server = await startServer(id, { core: hasTaskset() ? 0 : undefined });
  try {
    const cookies = (await logInPool(server.port)) ?? Array.from({ length: 1000 }, () => '');
    const requests = cookies.map((cookie) => routeRequest(driven, cookie));
    const connections = Array.from({ length: 10 }, () => new Connection(server.port));
    let next = 0;
    let stop = false;
    const driving = Promise.all(
      connections.map(async (connection) => {
        while (!stop) {
          const { status, body } = await connection.send(requests[next++ % requests.length] as string);
          if (status !== 200) throw new Error(`${id}: ${route} answered ${status} ${body}`);
        }
      }),
    );
    const line: string[] = [];
    for (let second = 1; second <= Number(seconds); second++) {
      const [cpu, count] = [processCpu(server.pid), next];
      await new Promise((resolve) => setTimeout(resolve, 1000));
      const done = next - count;
      line.push(`${second}s ${done} req ${((processCpu(server.pid) - cpu) / Math.max(1, done)).toFixed(0)} µs`);
    }
    stop = true;
    await driving;
    connections.forEach((c) => c.close());
    console.log(`${id} ${route}, each second after login: ${line.join(' | ')}`);
  } finally {
    await server.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
