/**
 * How a Tessera record (an opaque string value with an expiry and user key) maps to the session
 * object an express-session store keeps, and back.
 *
 * Tessera's codec writes canonical JSON in express-session's own shape, so such a value is handed
 * over as the object it encodes: express-session and Tessera then read each other's sessions, and
 * the store computes its TTL from `cookie.expires` as it always has. Any other value is wrapped as
 * `{ cookie: { expires, originalMaxAge }, __tessera: { value, userKey? } }`, the cookie carrying
 * the record's expiry so the store's TTL honours it. A user key travels in `__tessera.userKey`
 * (added to the codec's `__tessera` metadata, or as a new `__tessera` object) and is removed on
 * the way back, so `get` returns the value exactly as it was set.
 *
 * @module
 */

/** A session object as express-session stores keep it. */
export interface SessionObject {
  cookie: Record<string, unknown>;
  [key: string]: unknown;
}

/** The record parts a session object yields; `expiresAt` is from `cookie.expires`, or +Infinity. */
export interface RecordParts {
  value: string;
  expiresAt: number;
  userKey?: string;
}

const META = '__tessera';
/** The widest range a JavaScript Date can hold. */
const MAX_DATE_MS = 8.64e15;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * The object `value` encodes, if it is canonical JSON of a session in express-session's shape:
 * a plain object with an object `cookie`, printed by `JSON.stringify` exactly as given (so it
 * comes back byte for byte), and no `__tessera.value`/`__tessera.userKey` of its own (those name
 * the bridge's fields, so such a value is wrapped instead and cannot be misread on the way back).
 */
export function parseCanonicalSession(value: string): SessionObject | undefined {
  if (!value.startsWith('{"')) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    return undefined;
  }
  if (!isPlainObject(parsed) || !isPlainObject(parsed.cookie)) return undefined;
  const meta = parsed[META];
  if (isPlainObject(meta) && ('value' in meta || 'userKey' in meta || Object.keys(meta).length === 0)) return undefined;
  if (JSON.stringify(parsed) !== value) return undefined;
  return parsed as SessionObject;
}

/** The session object to hand to an express-session store for a record, at time `now`. */
export function toSessionObject(record: RecordParts, now: number): SessionObject {
  const session = parseCanonicalSession(record.value);
  if (session !== undefined) {
    if (record.userKey === undefined) return session;
    const meta = session[META];
    if (meta === undefined) {
      session[META] = { userKey: record.userKey };
      return session;
    }
    if (isPlainObject(meta)) {
      meta.userKey = record.userKey;
      return session;
    }
    // A non-object `__tessera` leaves nowhere to put the user key: wrap the value instead.
  }
  const inner: Record<string, unknown> = { value: record.value };
  if (record.userKey !== undefined) inner.userKey = record.userKey;
  const { expiresAt } = record;
  const dated = Number.isFinite(expiresAt) && Math.abs(expiresAt) <= MAX_DATE_MS;
  return {
    cookie: dated
      ? { originalMaxAge: Math.max(0, expiresAt - now), expires: new Date(expiresAt).toISOString() }
      : { originalMaxAge: null, expires: null },
    [META]: inner,
  };
}

/** `cookie.expires` (a Date or a date string) in ms, or +Infinity when absent or invalid. */
export function cookieExpiry(session: unknown): number {
  const cookie = (session as { cookie?: unknown } | null | undefined)?.cookie;
  const expires = (cookie as { expires?: unknown } | null | undefined)?.expires;
  const ms = expires instanceof Date ? expires.getTime() : typeof expires === 'string' ? Date.parse(expires) : Number.NaN;
  return Number.isNaN(ms) ? Number.POSITIVE_INFINITY : ms;
}

/** The record parts of a session object read from an express-session store (the reverse of `toSessionObject`). */
export function fromSessionObject(session: unknown): RecordParts {
  const expiresAt = cookieExpiry(session);
  if (!isPlainObject(session)) return { value: JSON.stringify(session) ?? 'null', expiresAt };
  const meta = session[META];
  if (isPlainObject(meta) && typeof meta.value === 'string') {
    return typeof meta.userKey === 'string' ? { value: meta.value, expiresAt, userKey: meta.userKey } : { value: meta.value, expiresAt };
  }
  if (isPlainObject(meta) && typeof meta.userKey === 'string') {
    const { userKey, ...rest } = meta;
    // Spreading keeps `__tessera` at its place in the key order, so the JSON is the one that was set;
    // `undefined` drops a `__tessera` the bridge created only to carry the user key.
    const value = JSON.stringify({ ...session, [META]: Object.keys(rest).length > 0 ? rest : undefined });
    return { value, expiresAt, userKey };
  }
  // Anything else is express-session's own session: its JSON (a Date inside becomes its ISO string).
  return { value: JSON.stringify(session), expiresAt };
}
