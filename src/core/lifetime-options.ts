/**
 * The `lifetime` option: how long a session lives on the server, resolved once at construction.
 * Shared by the native API (where it is on by default) and the express-session drop-in (where
 * it is opt-in). The rules themselves are in `lifetime.ts` (checks) and `renewal.ts` (rotation).
 *
 * @module
 */
import { show } from './cookie-rules.js';
import { parseDuration, type Duration } from './duration.js';

/** NIST SP 800-63B-4 presets (see `LIFETIME_PRESETS`). */
export type LifetimePreset = 'aal1' | 'aal2' | 'aal3';

/** Server-side limits of a session. Each limit is a duration (ms or `'15m'`), or `false` for none. */
export interface LifetimeOptions {
  /** Since the last request. Default `'30m'`. */
  idle?: Duration | false;
  /** Since the session was created or, once its user authenticated, since the last authentication. Default `'12h'`. */
  absolute?: Duration | false;
  /** Rotate the session ID once it is this old, keeping the data. Default `false` (never). Must be shorter than `absolute`. */
  renew?: Duration | false;
  /** After a rotation, how long the old ID still reaches the session (requests already in flight). Default `'30s'`, at most `'10m'`; 0 for none. */
  grace?: Duration;
}

/**
 * The presets of NIST SP 800-63B-4 (section 2, reauthentication): AAL1 30 days overall; AAL2
 * 24 hours overall and 1 hour idle; AAL3 12 hours overall and 15 minutes idle. Spread one to
 * add renewal: `lifetime: { ...LIFETIME_PRESETS.aal2, renew: '15m' }`.
 */
export const LIFETIME_PRESETS: Readonly<Record<LifetimePreset, Readonly<LifetimeOptions>>> = Object.freeze({
  aal1: Object.freeze({ idle: false, absolute: '30d' }),
  aal2: Object.freeze({ idle: '1h', absolute: '24h' }),
  aal3: Object.freeze({ idle: '15m', absolute: '12h' }),
});

/** The limits in ms; `undefined` for a limit that is off. */
export interface ResolvedLifetime {
  idle: number | undefined;
  absolute: number | undefined;
  renew: number | undefined;
  grace: number;
}

const DEFAULTS = { idle: 30 * 60_000, absolute: 12 * 3_600_000, grace: 30_000 } as const;
/** The longest grace window: 10 minutes. */
const MAX_GRACE = 10 * 60_000;

/**
 * Resolves a `lifetime` option (`undefined` gives the defaults: idle 30 min, absolute 12 h, no
 * renewal). `idleTimeout` is the deprecated alias of `lifetime.idle` (ms), refused beside it.
 * Every bad value is a `TypeError` naming `option` and the field.
 */
export function resolveLifetime(value: unknown, idleTimeout: unknown = undefined, option = 'lifetime'): ResolvedLifetime {
  let given: Record<string, unknown>;
  if (value === undefined) given = {};
  else if (typeof value === 'string' && Object.hasOwn(LIFETIME_PRESETS, value)) given = { ...LIFETIME_PRESETS[value as LifetimePreset] };
  else if (typeof value === 'object' && value !== null && !Array.isArray(value)) given = value as Record<string, unknown>;
  else {
    throw new TypeError(`${option} must be 'aal1', 'aal2', 'aal3' or an object { idle, absolute, renew, grace } (to turn a limit off, set it to false, e.g. { idle: false, absolute: false }); got ${show(value)}`);
  }
  for (const field of Object.keys(given)) {
    if (!['idle', 'absolute', 'renew', 'grace'].includes(field)) throw new TypeError(`${option}.${field} is not an option: use idle, absolute, renew or grace`);
  }
  if (idleTimeout !== undefined) {
    if (value !== undefined) throw new TypeError(`idleTimeout is the deprecated name of ${option}.idle: set only ${option}`);
    given = { ...given, idle: idleTimeout };
  }
  const idleName = idleTimeout !== undefined ? 'idleTimeout' : `${option}.idle`;
  const idle = limit(given.idle, DEFAULTS.idle, idleName);
  const absolute = limit(given.absolute, DEFAULTS.absolute, `${option}.absolute`);
  const renew = limit(given.renew, undefined, `${option}.renew`);
  if (given.grace === false) throw new TypeError(`${option}.grace must be a duration (0 for no window), not false`);
  // The window covers requests already in flight; a longer one would keep a stolen old ID alive.
  const grace = given.grace === undefined ? DEFAULTS.grace : parseDuration(given.grace, `${option}.grace`, { max: MAX_GRACE });
  // A rotation period at or past the absolute limit would never rotate: refuse it, it is a mistake.
  if (renew !== undefined && absolute !== undefined && renew >= absolute) {
    throw new TypeError(`${option}.renew (${renew} ms) must be shorter than ${option}.absolute (${absolute} ms), or the session ends before it is renewed`);
  }
  return { idle, absolute, renew, grace };
}

/** One limit: `false` is off, `undefined` the default, else a positive duration. */
function limit(value: unknown, fallback: number | undefined, name: string): number | undefined {
  if (value === false) return undefined;
  if (value === undefined) return fallback;
  return parseDuration(value, name, { allowZero: false });
}

/** The engine settings (see `EngineConfig`) for resolved limits; `fallbackTtl` is the record life without an idle limit. */
export function lifetimeConfig(lifetime: ResolvedLifetime, fallbackTtl: number): {
  idleTimeout: number | undefined;
  fallbackTtl: number;
  absoluteTimeout: number | undefined;
  renewAfter: number | undefined;
  renewGrace: number;
} {
  return {
    idleTimeout: lifetime.idle,
    // Without an idle limit, a browser-session cookie's record lives to the absolute limit
    // (AAL1: 30 days overall, however long between requests).
    fallbackTtl: lifetime.idle === undefined && lifetime.absolute !== undefined ? lifetime.absolute : fallbackTtl,
    absoluteTimeout: lifetime.absolute,
    renewAfter: lifetime.renew,
    renewGrace: lifetime.grace,
  };
}
