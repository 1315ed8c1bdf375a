/**
 * Micro-benchmark of the metrics hook's cost on the engine's read path (verify the cookie, get,
 * open, commit with nothing to write): `node --import tsx bench/metrics-micro.ts`. Three
 * managers side by side, the order rotating every round: no hook, a hook that does nothing, and
 * a hook that updates plain counters (what an instrument does, minus the library). Prints µs per
 * read and the median ratio of each to "no hook". Run the same file in a checkout without the
 * hook to compare "no hook" with the code before it (the option is then ignored).
 *
 * `MICRO_READS` sets the reads per round (default 20000), `MICRO_ROUNDS` the rounds (default 7).
 *
 * @module
 */
import { readPath } from './engine-read-path.js';

const READS = Number(process.env.MICRO_READS ?? 20_000);
const ROUNDS = Number(process.env.MICRO_ROUNDS ?? 7);

const tally = { calls: 0, ms: 0, counts: 0, state: 0 };
const variants: [string, (n: number) => Promise<number>][] = [
  ['no hook', await readPath({ hashStoreKeys: false })],
  ['no-op hook', await readPath({ hashStoreKeys: false, metrics: { storeCall() {}, count() {}, circuit() {} } })],
  [
    'counting hook',
    await readPath({
      hashStoreKeys: false,
      metrics: {
        storeCall: (_op: string, ms: number) => void ((tally.calls += 1), (tally.ms += ms)),
        count: () => void (tally.counts += 1),
        circuit: () => void (tally.state += 1),
      },
    }),
  ],
];
for (const [, run] of variants) await run(READS);
const times = new Map<string, number[]>(variants.map(([name]) => [name, []]));
for (let round = 0; round < ROUNDS; round++) {
  const order = variants.map((_, i) => variants[(i + round) % variants.length]!);
  for (const [name, run] of order) times.get(name)!.push(await run(READS));
}
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const base = times.get('no hook')!;
for (const [name, xs] of times) {
  const ratios = xs.map((x, i) => (base[i] as number) / x);
  console.log(`${name.padEnd(14)} median ${median(xs).toFixed(2)} µs/read (min ${Math.min(...xs).toFixed(2)}, max ${Math.max(...xs).toFixed(2)}); throughput vs no hook: median ${median(ratios).toFixed(3)}`);
}
