/**
 * The record a renewed session's old ID leaves behind for the grace window: it names the store
 * key the session moved to, never the new session ID (a dump of the store, with hashed keys,
 * must not yield a live ID), and when it stops leading there.
 *
 * Format: `{"__tessera":{"v":1,"forward":"<store key>","until":<ms>}}`. It has no `cookie`, so
 * no session reader (ours or express-session's) takes it for a session; through the
 * express-session bridge it is wrapped like any non-session value, and sealed like a session
 * record when encryption is on (bound to the old key, so it cannot be moved under another).
 *
 * @module
 */
import { isTime } from './codec.js';

/** A decoded forward. */
export interface Forward {
  /** The store key the session now lives under. */
  forward: string;
  /** When the forward stops leading there (ms since the epoch). */
  until: number;
}

const HEAD = '{"__tessera":{';

/** The JSON of a forward to `key` until `until` (sealed by the caller like any record). */
export function encodeForward(key: string, until: number): string {
  return JSON.stringify({ __tessera: { v: 1, forward: key, until } });
}

/** The forward a record's JSON encodes, or `undefined` when it is not one (a session record, most often). */
export function readForward(json: string): Forward | undefined {
  if (!json.startsWith(HEAD)) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || 'cookie' in parsed) return undefined;
  const meta = (parsed as { __tessera?: unknown }).__tessera;
  if (typeof meta !== 'object' || meta === null) return undefined;
  const { forward, until } = meta as Record<string, unknown>;
  if (typeof forward !== 'string' || forward === '' || !isTime(until)) return undefined;
  return { forward, until };
}
