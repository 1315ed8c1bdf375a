/**
 * Whether a stored session is still alive, judged from the record itself (never from the
 * cookie's `Expires`, which the client controls).
 *
 * @module
 */
import type { DecodedRecord } from './codec.js';
import type { StoreRecord } from './store.js';

/** The limit a session ran past. */
export type ExpiredLimit = 'idle';

/**
 * The limit a loaded record is past at `now`, or `undefined` while it is alive. Checked on
 * every load: a store that does not purge expired records on time must not revive them.
 */
export function expiredLimit(record: StoreRecord, _decoded: DecodedRecord | undefined, now: number): ExpiredLimit | undefined {
  return record.expiresAt <= now ? 'idle' : undefined;
}
