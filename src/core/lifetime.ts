/**
 * Whether a stored session is still alive, judged from the record itself (never from the
 * cookie's `Expires`, which the client controls), and the store expiry a write gives it.
 *
 * - `idle`: the store expiry, which every write and touch sets to now + `lifetime.idle`. A
 *   store that returns a record past it (a lagging sweep, a skewed clock) does not revive it.
 *   For a store that reports no expiry (`+Infinity`: an express-session store behind the
 *   bridge), the record's `seenAt` (its last write; touches become writes there) + idle.
 * - `absolute`: `lifetime.absolute` after `authenticatedAt ?? createdAt`, from the record's
 *   metadata. A new authentication (`login`, `reauthenticated`) restarts the period, as NIST SP
 *   800-63B-4 lets reauthentication extend a session; an anonymous session counts from creation.
 *   The store expiry of a write never passes this deadline either, so a store purges on time.
 *
 * The times are the record's own, so they must not be able to stretch a life: a Tessera record
 * whose creation time is missing or malformed, or whose times lie in the future (beyond a minute
 * of clock skew between servers), is past its absolute limit. A record without Tessera metadata
 * at all (written by express-session) starts its absolute period when first seen. (In a
 * plaintext store, whoever can write records can write any session; encryption at rest
 * authenticates these times.)
 *
 * @module
 */
import type { DecodedRecord } from './codec.js';
import type { EngineConfig } from './engine-types.js';
import type { SessionState } from './session.js';
import type { StoreRecord } from './store.js';

/** The limit a session ran past. */
export type ExpiredLimit = 'idle' | 'absolute';

/** How far in the future a recorded time may lie (clock skew between servers sharing a store). */
export const MAX_CLOCK_SKEW = 60_000;

type Limits = Partial<Pick<EngineConfig, 'absoluteTimeout' | 'idleTimeout'>>;

/**
 * The limit a loaded record is past at `now`, or `undefined` while it is alive. Checked on
 * every load, `decoded` being the opened record (`undefined`: judge by the store expiry alone).
 */
export function expiredLimit(record: StoreRecord, decoded: DecodedRecord | undefined, now: number, limits: Limits = {}): ExpiredLimit | undefined {
  const absolute = limits.absoluteTimeout;
  if (decoded !== undefined && absolute !== undefined) {
    const start = absoluteStart(decoded, now);
    if (start === 'invalid' || (start !== undefined && start + absolute <= now)) return 'absolute';
  }
  if (record.expiresAt <= now) return 'idle';
  // A store that reports no expiry (an express-session store behind the bridge keeps its own
  // TTL, from the cookie): the record's last write tells instead.
  const seenAt = decoded?.meta?.seenAt;
  const idle = limits.idleTimeout;
  if (!Number.isFinite(record.expiresAt) && idle !== undefined && seenAt !== undefined && (seenAt + idle <= now || seenAt > now + MAX_CLOCK_SKEW)) return 'idle';
  return undefined;
}

/**
 * Where a record's absolute period starts: `authenticatedAt ?? createdAt`; `undefined` for a
 * record without Tessera metadata (it starts now); `'invalid'` for times that cannot be trusted.
 */
function absoluteStart(decoded: DecodedRecord, now: number): number | 'invalid' | undefined {
  const { meta } = decoded;
  if (meta === undefined) return undefined;
  if (meta.createdAt === undefined) return 'invalid';
  const latest = now + MAX_CLOCK_SKEW;
  if (meta.createdAt > latest || (meta.authenticatedAt ?? 0) > latest || (meta.issuedAt ?? 0) > latest) return 'invalid';
  return meta.authenticatedAt ?? meta.createdAt;
}

/** The absolute deadline of a session (ms since the epoch), or `undefined` without an absolute limit. */
export function absoluteDeadline(limits: Limits, state: SessionState): number | undefined {
  const absolute = limits.absoluteTimeout;
  return absolute === undefined ? undefined : (state.authenticatedAt ?? state.createdAt) + absolute;
}
