/**
 * The cookie cache (opt-in, `cookieCache` of `SessionManager`): a short-lived copy of the
 * session's record, sealed into a second cookie (`<session cookie name>-cache`) with the
 * `encryption` keyring (`envelope.ts`, AES-256-GCM), read before the store so that a read-only
 * request costs no store read.
 *
 * What keeps it honest:
 * - Bound to its session: the AAD is the session's store key, so the cookie opens only beside
 *   the very session cookie it was made for. Forged, truncated, re-keyed or foreign values fail
 *   authentication and fall through to the store, never an error.
 * - Short-lived: one read from the store (or written to it) longer than `ttl` ago falls through,
 *   and so does one past the record's store expiry or any lifetime limit (`lifetime.ts`), or due
 *   for renewal. The TTL is also the staleness bound: a change another server made to the
 *   record (a `revokeSession` of this one device, a write from a stolen copy of the cookies) is
 *   seen once the cache is older than `ttl`.
 * - Revocation is not delayed: a logged-in session bound to its user before the user's
 *   revocation epoch (`revokeAllSessions`) falls through on its next request, checked against
 *   the in-process epoch map (`epoch-cache.ts`) or, for a store without `watchUserEpochs`
 *   (SQLite), against the store's epoch, an indexed read far cheaper than the session's.
 * - Writes win: a request that writes the session sends a fresh cache cookie, or deletes the one
 *   it was sent when the new one would not fit the 4096 octets browsers keep; a destroyed or
 *   regenerated session's cache is deleted. Writes go through compare-and-set
 *   (`concurrency: 'merge'` is required), so a session deleted since the cache was made is never
 *   recreated by a request served from the cache.
 *
 * @module
 */
import { encodeRecord, isTime, type DecodedRecord } from './codec.js';
import { MAX_COOKIE_OCTETS, nameValueOctets } from './cookie-rules.js';
import { openEnvelope, sealEnvelope } from './envelope.js';
import { EpochCache } from './epoch-cache.js';
import type { Keyring } from './keyring.js';
import { cacheCookieName, type CookieCacheConfig } from './cookie-cache-options.js';
import { expiredLimit, MAX_CLOCK_SKEW } from './lifetime.js';
import { SessionCookie } from './session-cookie.js';
import { kState, type Session, type SessionState } from './session.js';
import type { Store, StoreRecord } from './store.js';
import type { CommitContext, CommitResult } from './engine-types.js';
import type { SessionEngine } from './engine.js';

/** A record opened from a cache cookie. */
export interface CachedRecord {
  record: StoreRecord;
  decoded: DecodedRecord;
  json: string;
  readAt: number;
}

/** One copy of the record a request holds (as loaded, from the store or the cache, or as written). */
interface Copy {
  key: string;
  json: string;
  /** When it was read from (or written to) the store: the cache's age runs from then. */
  readAt: number;
  fromCache: boolean;
  userKey: string | undefined;
}

/** What a request's session knows of its cache cookie. */
interface Note {
  /** The request carried a cache cookie (so a stale one must be deleted rather than left). */
  sent: boolean;
  loaded?: Copy;
  written?: Copy;
  /** The JSON of the last record built (`persist.ts`), confirmed by `noteWritten`. */
  built?: { key: string; json: string } | undefined;
}

/** Domain separation: a cache cookie is never a store envelope of the same key, nor the reverse. */
const AAD_PREFIX = 'tessera cookie cache v1 ';
const notes = new WeakMap<SessionState, Note>();

/** Notes the JSON of a record just built for `key` (`buildRecord`), in case it is written. @internal */
export function noteBuilt(state: SessionState, key: string, json: string): void {
  const note = notes.get(state);
  if (note === undefined) notes.set(state, { sent: false, built: { key, json } });
  else note.built = { key, json };
}

/** The record last built was written at `now` (`writeSession`): the store holds that copy now. @internal */
export function noteWritten(state: SessionState, now: number): void {
  const note = notes.get(state);
  if (note?.built === undefined) return;
  note.written = { key: note.built.key, json: note.built.json, readAt: now, fromCache: false, userKey: state.userKey };
  note.built = undefined;
}

/** The cookie cache of one engine (see the module comment). @internal */
export class CookieCache {
  readonly ttl: number;
  readonly #keyring: Keyring;
  /** The in-process epoch map, for a store that delivers raises; `undefined` otherwise. */
  readonly epochs: EpochCache | undefined;

  constructor(config: CookieCacheConfig, store: Store, engine: { config: { clock: () => number } }) {
    this.ttl = config.ttl;
    this.#keyring = config.keyring;
    if (typeof store.watchUserEpochs === 'function') {
      this.epochs = new EpochCache(store as Store & Required<Pick<Store, 'watchUserEpochs'>>, engine.config.clock);
      this.epochs.start();
    }
  }

  /**
   * The record a cache cookie `value` holds for `key`, when it is authentic, fresh, live and not
   * revoked; `undefined` (fall through to the store) otherwise. Never throws for a bad value.
   */
  async open(engine: SessionEngine, key: string, value: string, now: number): Promise<CachedRecord | undefined> {
    const cached = this.#open(engine, key, value, now);
    if (cached === undefined || (await this.#revoked(engine, cached))) return undefined;
    return cached;
  }

  #open(engine: SessionEngine, key: string, value: string, now: number): CachedRecord | undefined {
    if (value.length > MAX_COOKIE_OCTETS) return undefined;
    const opened = openEnvelope(value, AAD_PREFIX + key, this.#keyring);
    if (!opened.ok) return undefined;
    const text = opened.plaintext;
    const split = text.indexOf('\n');
    if (split === -1) return undefined;
    let head: unknown;
    let decoded: DecodedRecord;
    const json = text.slice(split + 1);
    try {
      head = JSON.parse(text.slice(0, split));
      decoded = engine.memos.decode(key, json);
    } catch {
      return undefined;
    }
    if (!Array.isArray(head) || decoded.meta === undefined) return undefined;
    const [readAt, expiresAt, version, userKey] = head as unknown[];
    if (!isTime(readAt) || typeof expiresAt !== 'number' || !Number.isSafeInteger(version) || (userKey !== null && typeof userKey !== 'string')) return undefined;
    // Older than the TTL, or from a clock too far ahead: read the store.
    if (now - readAt >= this.ttl || readAt > now + MAX_CLOCK_SKEW) return undefined;
    const record: StoreRecord = { value: '', expiresAt, version: version as number };
    if (typeof userKey === 'string') record.userKey = userKey;
    if (expiredLimit(record, decoded, now, engine.config) !== undefined) return undefined;
    return { record, decoded, json, readAt };
  }

  /** Whether the user revoked every session since this one was bound to them (or the map cannot tell). */
  async #revoked(engine: SessionEngine, cached: CachedRecord): Promise<boolean> {
    const { store, devices } = engine.config;
    const userKey = cached.record.userKey;
    if (devices?.epoch !== true || userKey === undefined) return false;
    const meta = cached.decoded.meta;
    const bound = meta?.epoch ?? meta?.authenticatedAt ?? meta?.createdAt ?? 0;
    if (this.epochs !== undefined) return !this.epochs.allows(userKey, bound, cached.readAt);
    if (store.userEpoch === undefined) return true;
    const epoch = await engine.callStore('userEpoch', () => (store.userEpoch as (u: string) => Promise<number>).call(store, userKey));
    return bound < epoch;
  }

  /**
   * Notes whether the request sent a copy, and how its session was loaded under `key`: from the
   * cache (`cached`), from the store at `now` (`decoded`), or not at all (a new session).
   */
  noteLoaded(session: Session, sent: boolean, loaded?: { key: string; cached: CachedRecord } | { key: string; decoded: DecodedRecord; userKey: string | undefined; now: number }): void {
    const state = session[kState];
    const note: Note = notes.get(state) ?? { sent };
    note.sent = sent;
    if (loaded !== undefined && 'cached' in loaded) {
      const { key, cached } = loaded;
      note.loaded = { key, json: cached.json, readAt: cached.readAt, fromCache: true, userKey: cached.record.userKey };
    } else if (loaded !== undefined && loaded.decoded.meta !== undefined) {
      const { key, decoded } = loaded;
      note.loaded = { key, json: encodeRecord(decoded.cookie, decoded.dataJson, decoded.meta as NonNullable<DecodedRecord['meta']>), readAt: loaded.now, fromCache: false, userKey: loaded.userKey };
    }
    notes.set(state, note);
  }

  /** Adds the cache cookie (a fresh copy, or the deletion of a stale one) to a commit's result. */
  finish(engine: SessionEngine, session: Session, ctx: CommitContext, result: CommitResult): CommitResult {
    const line = this.#line(engine, session, ctx, result);
    if (line === undefined) return result;
    return { ...result, extraSetCookies: [...(result.extraSetCookies ?? []), line] };
  }

  #line(engine: SessionEngine, session: Session, ctx: CommitContext, result: CommitResult): string | undefined {
    const state = session[kState];
    const note = notes.get(state);
    const sent = note?.sent === true;
    const name = cacheCookieName(ctx.cookieName);
    // Through a renewal forward the client's cookies are left alone (see `commit.ts`).
    if (state.forwarded === true) return undefined;
    if (session.cookie.secure === true && !ctx.secure) return undefined;
    const clear = sent ? this.#cookie(engine, session, ctx, name, '', 0) : undefined;
    // Changes made while the body streams are written after the head, where no fresh copy can
    // follow them: no copy, and none of an older one.
    if (state.destroyed || ctx.streamed === true) return clear;
    const key = engine.keyOf(state);
    const copy = note?.written?.key === key ? note.written : note?.loaded?.key === key ? note.loaded : undefined;
    // No stored record under this ID (a new session nothing was saved for, a regenerated one
    // whose write is still to come): no copy, and none of an older one either.
    if (copy === undefined || state.savedHash === undefined) return clear;
    // Served from the cache and nothing moved in the store: the client's copy is still right.
    if (copy.fromCache && copy === note?.loaded && result.stored === 'none') return undefined;
    const expiresAt = state.loadedExpiresAt;
    if (expiresAt === undefined || !Number.isFinite(expiresAt)) return clear;
    const head = JSON.stringify([copy.readAt, expiresAt, state.version ?? 0, copy.userKey ?? null]);
    const value = sealEnvelope(`${head}\n${copy.json}`, AAD_PREFIX + key, this.#keyring);
    const remaining = Math.ceil((copy.readAt + this.ttl - engine.config.clock()) / 1000);
    if (remaining <= 0) return clear;
    const line = this.#cookie(engine, session, ctx, name, value, remaining);
    // Too large for a browser to keep: no copy (the session works from the store), and the old one goes.
    return nameValueOctets(line) > MAX_COOKIE_OCTETS ? clear : line;
  }

  /** A `Set-Cookie` for the cache with the session cookie's attributes and `Max-Age` (0 deletes). */
  #cookie(engine: SessionEngine, session: Session, ctx: CommitContext, name: string, value: string, maxAge: number): string {
    const { path, httpOnly, secure, sameSite, domain, partitioned, priority } = session.cookie;
    const cookie = new SessionCookie({ path, httpOnly, secure, sameSite, domain, partitioned, priority }, engine.config.clock);
    return `${cookie.serialize(name, value, ctx.secure)}; Max-Age=${maxAge}`;
  }

  /** Stops the epoch watch. */
  close(): Promise<void> {
    return this.epochs?.close() ?? Promise.resolve();
  }
}
