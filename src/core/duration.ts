/**
 * Durations in options: a number of milliseconds, or a string of one number and one unit.
 *
 * Units: `ms`, `s`, `m` (minutes), `h`, `d` (24-hour days), lower case, no space, e.g. `'500ms'`,
 * `'30s'`, `'15m'`, `'12h'`, `'30d'`, `'1.5h'`. No compound forms (`'1h30m'`: write `'90m'`) and no
 * weeks, months or years (their length is ambiguous; write days).
 *
 * @module
 */

const UNITS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const PATTERN = /^(\d{1,15}(?:\.\d{1,6})?)(ms|s|m|h|d)$/;

/** A duration as options take it: milliseconds, or a string such as `'15m'` (see the module comment). */
export type Duration = number | `${number}${'ms' | 's' | 'm' | 'h' | 'd'}`;

/** Bounds of `parseDuration`. */
export interface DurationBounds {
  /** Accept 0 (default `true`). */
  allowZero?: boolean;
  /** The largest accepted value in ms (default 1e14, about 3,170 years: a later date cannot be stored). */
  max?: number;
}

/**
 * The milliseconds of a duration option, rounded to a whole number. Anything else (a negative,
 * infinite or NaN number, an unknown unit, a compound string, another type) is a `TypeError`
 * naming `option` (its path, e.g. `lifetime.idle`) and saying what is accepted.
 *
 * @example
 * parseDuration('15m', 'lifetime.idle'); // 900000
 * parseDuration(1500, 'lifetime.grace'); // 1500
 */
export function parseDuration(value: unknown, option: string, { allowZero = true, max = 1e14 }: DurationBounds = {}): number {
  let ms: number | undefined;
  if (typeof value === 'number') ms = Number.isFinite(value) && value >= 0 ? Math.round(value) : undefined;
  else if (typeof value === 'string') {
    const match = PATTERN.exec(value);
    if (match !== null) ms = Math.round(Number(match[1]) * (UNITS[match[2] as string] as number));
  }
  const kind = allowZero ? 'non-negative' : 'positive';
  if (ms === undefined || (!allowZero && ms === 0)) {
    throw new TypeError(`${option} must be a ${kind} duration: milliseconds, or a string such as '30s', '15m', '12h' or '30d' (got ${describe(value)})`);
  }
  if (ms > max) throw new TypeError(`${option} must be at most ${max} ms (got ${describe(value)})`);
  return ms;
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value);
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'symbol') return 'a symbol';
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'object' && value !== null) return Array.isArray(value) ? 'an array' : 'an object';
  return String(value);
}
