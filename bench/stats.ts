/**
 * The statistics the report uses: median, quantiles (linear interpolation), and the per-round
 * ratios of a pair.
 *
 * @module
 */
import type { RouteName } from './config.js';
import type { LoadResult, RouteResult } from './load.js';

/** One contender's run in one round (one server process, all routes). */
export interface RunRecord {
  round: number;
  /** Position of the contender in its round (1-based). */
  position: number;
  contender: string;
  result?: LoadResult;
  /** Why the run produced no result (server crash, load failure). */
  error?: string;
}

/** The q-quantile (0..1) of `values`, linearly interpolated; NaN when empty. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

/** The median of `values`. */
export function median(values: readonly number[]): number {
  return quantile(values, 0.5);
}

/** A summary: median, min, max and the quartiles. */
export interface Summary {
  n: number;
  median: number;
  min: number;
  max: number;
  q1: number;
  q3: number;
}

export function summarize(values: readonly number[]): Summary {
  return {
    n: values.length,
    median: median(values),
    min: values.length ? Math.min(...values) : Number.NaN,
    max: values.length ? Math.max(...values) : Number.NaN,
    q1: quantile(values, 0.25),
    q3: quantile(values, 0.75),
  };
}

/**
 * A route's result of a run, or `undefined` when the run is missing or not valid: a non-2xx
 * response, a socket error, or a failed cookie check after login or after this route.
 */
export function validRoute(run: RunRecord | undefined, route: RouteName): RouteResult | undefined {
  const result = run?.result;
  const r = result?.routes[route];
  if (!result || !r || r.non2xx > 0 || r.errors > 0 || !(r.rps > 0)) return undefined;
  if (result.problems.some((p) => p.startsWith('[login]') || p.startsWith(`[${route}]`))) return undefined;
  return r;
}

/** Per-round ratios `tessera / peer` of 2xx requests per second, for rounds where both ran validly. */
export function roundRatios(runs: readonly RunRecord[], tessera: string, peer: string, route: RouteName): number[] {
  const rounds = [...new Set(runs.map((r) => r.round))].sort((a, b) => a - b);
  const ratios: number[] = [];
  for (const round of rounds) {
    const t = validRoute(runs.find((r) => r.round === round && r.contender === tessera), route);
    const p = validRoute(runs.find((r) => r.round === round && r.contender === peer), route);
    if (t && p) ratios.push(t.rps / p.rps);
  }
  return ratios;
}

/**
 * Per-round ratios `peer / tessera` of server CPU time per response (above 1: Tessera's server
 * spent less CPU per request). Less sensitive to a noisy machine than throughput, but it leaves
 * out the CPU of the Redis or PostgreSQL server.
 */
export function roundCpuRatios(runs: readonly RunRecord[], tessera: string, peer: string, route: RouteName): number[] {
  const rounds = [...new Set(runs.map((r) => r.round))].sort((a, b) => a - b);
  const ratios: number[] = [];
  for (const round of rounds) {
    const t = validRoute(runs.find((r) => r.round === round && r.contender === tessera), route)?.serverCpuPerRequest;
    const p = validRoute(runs.find((r) => r.round === round && r.contender === peer), route)?.serverCpuPerRequest;
    if (t !== undefined && p !== undefined && t > 0 && Number.isFinite(p)) ratios.push(p / t);
  }
  return ratios;
}

/** A contender's valid results on a route, across rounds. */
export function routeResults(runs: readonly RunRecord[], contender: string, route: RouteName): RouteResult[] {
  return runs.filter((r) => r.contender === contender).flatMap((r) => validRoute(r, route) ?? []);
}
