/**
 * The framework-agnostic session engine: load -> session -> commit. Adapters turn their
 * request into `load` and their response into `commit`; every decision about when to write the
 * store and when to send a cookie lives here, once.
 *
 * `SessionManager` (the native API) and the express-session drop-in both run on this engine,
 * with different defaults.
 *
 * @module
 */
import { EventEmitter } from 'node:events';
import { dataToJson, type DecodedRecord } from './codec.js';
import { RecordMemos } from './record-memos.js';
import { commitRemainder, commitSession } from './commit.js';
import { SignedCookieReader } from './cookie-reader.js';
import { StoreError, TesseraError, type StoreOperation } from './errors.js';
import { fingerprint } from './fingerprint.js';
import { isFresh, loginSession, markReauthenticated, type LoginOptions } from './login.js';
import { findRecord } from './find-record.js';
import type { Duration } from './duration.js';
import { EMPTY_BASE, rememberRecord } from './merge.js';
import { writeSession } from './persist.js';
import { renewalDue, renewSession } from './renewal.js';
import { SessionCookie } from './session-cookie.js';
import { assignData, kState, requestOf, Session, sessionData, type RegenerateOptions, type SessionState } from './session.js';
import type { Secret } from './signature.js';
import type { Store, StoreRecord } from './store.js';
import { callStore } from './store-call.js';
import { countEvent, reportCircuit } from './metrics.js';
import { isDegraded, markDegraded, refuseIfDegraded, StoreGuard } from './outage-policy.js';
import type { CommitContext, CommitResult, EngineConfig, RequestContext, SessionEvents } from './engine-types.js';
import { CookieCache } from './cookie-cache.js';

export type { CommitContext, CommitHeader, CommitResult, Concurrency, ConflictInfo, EngineConfig, ExpiredInfo, InvalidRecordInfo, RenewedInfo, RequestContext, SessionEvents } from './engine-types.js';

/** The session engine. See the module comment. */
export class SessionEngine extends EventEmitter<SessionEvents> {
  /** The resolved configuration. */
  readonly config: EngineConfig;

  /** Verifies the signed cookie values requests carry. */
  readonly #cookies: SignedCookieReader;
  /** Opened, decoded and signed values this process has seen (see `record-memos.ts`). @internal */
  readonly memos: RecordMemos;
  /** Fails store calls fast while the store is down; none without `config.outage`. */
  readonly #guard: StoreGuard | undefined;
  /** The cookie cache (see `cookie-cache.ts`); none without `config.cookieCache`. @internal */
  readonly cookieCache: CookieCache | undefined;

  constructor(config: EngineConfig) {
    super();
    this.config = config;
    this.#cookies = new SignedCookieReader(() => this.config.secrets, config.maxCookieLength);
    this.memos = new RecordMemos(config.keyring);
    const breaker = config.outage?.circuitBreaker;
    if (breaker) {
      this.#guard = new StoreGuard(config.store, breaker, config.clock, (state) => {
        reportCircuit(this.config.metrics, state);
        this.emit('circuit', state);
      });
    }
    this.cookieCache = config.cookieCache === undefined ? undefined : new CookieCache(config.cookieCache, config.store, this);
  }

  /** The store. */
  get store(): Store {
    return this.config.store;
  }

  /**
   * The store key of a session ID: `base64url(SHA-256(id))` with `hashStoreKeys`, else the ID.
   * The only place a key is derived: stores never see an ID when hashing is on.
   */
  storeKey(id: string): string {
    return this.config.hashStoreKeys === true ? this.memos.hashedKey(id) : id;
  }

  /**
   * The store key of a session's current ID, derived once per ID (a writing request needs it
   * for the read and again for the write). @internal
   */
  keyOf(state: SessionState): string {
    const memo = state.keyMemo;
    if (memo !== undefined && memo.id === state.id) return memo.key;
    const key = this.storeKey(state.id);
    state.keyMemo = { id: state.id, key };
    return key;
  }

  /** Runs one store call under the configured deadline (see `store-call.ts`). @internal */
  callStore<T>(operation: StoreOperation, run: () => Promise<T>): Promise<T> {
    return callStore(this, operation, this.config.storeTimeout, run, this.#guard, this.config.metrics);
  }

  /** The session ID in a signed cookie value, or `undefined` for a missing, oversized, unsigned or forged one. */
  readSignedValue(value: string | undefined, secrets?: readonly Secret[]): string | undefined {
    return this.#cookies.read(value, secrets);
  }

  /** The session ID carried by a `Cookie` header under `name`: the first value that verifies. */
  readCookieHeader(header: string | undefined, name: string, secrets?: readonly Secret[]): string | undefined {
    return this.#cookies.candidates(header, name, secrets).ids[0];
  }

  /**
   * The verified session IDs a `Cookie` header carries under `name`, in header order, without
   * repeats; at most four. Several only when the name is sent more than once (cookie tossing,
   * see `cookie-header.ts`): `load` then takes the first one with a live session.
   */
  readCookieCandidates(header: string | undefined, name: string, secrets?: readonly Secret[]): string[] {
    return this.#cookies.candidates(header, name, secrets).ids;
  }

  /** `readCookieCandidates`, plus whether the header carried the name at all (verified or not). */
  readCookieSent(header: string | undefined, name: string): { ids: string[]; sent: boolean } {
    return this.#cookies.candidates(header, name);
  }

  /**
   * Loads the session for `id` (from a verified cookie), or creates a new one when there is no
   * ID, no record, or the record has expired. With several IDs (a header that carried the
   * cookie's name more than once), the first whose session is live wins, so a planted cookie in
   * front of the real one cannot hide it. Store failures reject with a `StoreError`, or with
   * `onStoreError: 'anonymous'` give a fresh session that is never saved (see `isDegraded`).
   */
  async load(id: string | readonly string[] | undefined, ctx: RequestContext): Promise<Session> {
    const ids = typeof id === 'string' ? [id] : (id ?? []);
    if (this.config.outage?.onStoreError !== 'anonymous') return this.#load(ids, ctx);
    try {
      return await this.#load(ids, ctx);
    } catch (error) {
      if (!(error instanceof StoreError)) throw error;
      const session = this.create(ctx, ids[0]);
      markDegraded(session);
      countEvent(this.config.metrics, 'degraded');
      this.emit('degraded', error, session);
      return session;
    }
  }

  async #load(ids: readonly string[], ctx: RequestContext): Promise<Session> {
    const cache = this.cookieCache;
    const sent = ctx.cacheCookie !== undefined;
    for (const candidate of ids) {
      const key = this.storeKey(candidate);
      if (cache !== undefined && ctx.cacheCookie !== undefined) {
        const hit = await this.#fromCache(cache, candidate, key, ctx.cacheCookie, ctx);
        if (hit !== undefined) return hit;
      }
      const found = await findRecord(this, key);
      if (found === undefined) continue;
      countEvent(this.config.metrics, 'hit');
      const session = this.#fromRecord(candidate, found.key, found.record, found.decoded, ctx);
      const now = this.config.clock();
      cache?.noteLoaded(session, sent, { key: found.key, decoded: found.decoded, userKey: found.record.userKey, now });
      if (found.key !== key) Object.assign(session[kState], { forwarded: true, forwardKey: key });
      else if (renewalDue(this, session, now)) await renewSession(this, session, now);
      return session;
    }
    // Counted once per request that carried a verified cookie, however many it carried.
    if (ids.length > 0) countEvent(this.config.metrics, 'miss');
    const session = this.create(ctx, ids[0]);
    // A copy the client sent for a session that is gone: the commit deletes it.
    if (cache !== undefined && sent) cache.noteLoaded(session, true);
    return session;
  }

  /**
   * The session from the request's cache cookie, without a store read (see `cookie-cache.ts`);
   * `undefined` to read the store: no valid copy for `key`, or its session is due for renewal
   * (which the store path does, once).
   */
  async #fromCache(cache: CookieCache, id: string, key: string, value: string, ctx: RequestContext): Promise<Session | undefined> {
    const now = this.config.clock();
    const cached = await cache.open(this, key, value, now);
    if (cached === undefined) return undefined;
    const session = this.#fromRecord(id, key, cached.record, cached.decoded, ctx);
    if (renewalDue(this, session, now)) return undefined;
    countEvent(this.config.metrics, 'hit');
    cache.noteLoaded(session, true, { key, cached });
    return session;
  }

  /** A brand-new session (not yet stored). `cookieId` is the ID the request's cookie carried, if any. */
  create(ctx: RequestContext, cookieId?: string): Session {
    const id = this.config.genid(ctx.request);
    const cookie = this.#newCookie(ctx);
    const now = this.config.clock();
    const session = this.#newSession(
      {
        engine: this,
        id,
        cookieId,
        originalId: id,
        originalHash: '{}',
        savedHash: undefined,
        loadedExpiresAt: undefined,
        createdAt: now,
        authenticatedAt: undefined,
        issuedAt: now,
        userKey: undefined,
        destroyed: false,
        secure: ctx.secure,
        hooks: ctx.hooks,
        cookieOptions: ctx.cookie,
        ...this.#noRecordYet(),
        client: ctx.client,
      },
      cookie,
      ctx.request,
    );
    this.emit('created', session);
    return session;
  }

  /** With `concurrency: 'merge'`, the version state of a session whose record does not exist yet: its first write must create it. */
  #noRecordYet(): Pick<SessionState, 'version' | 'base'> {
    return this.config.concurrency === 'merge' ? { version: null, base: EMPTY_BASE } : {};
  }

  /** With `concurrency: 'merge'`, remembers the version and contents of the record a session was read from. */
  #rememberLoaded(state: SessionState, record: StoreRecord, decoded: DecodedRecord): void {
    // A record without a version (a store that stopped reporting one) is written as before: `set`.
    if (this.config.concurrency !== 'merge' || record.version === undefined) return;
    rememberRecord(state, record.version, { dataJson: decoded.dataJson, userKey: record.userKey, authenticatedAt: decoded.meta?.authenticatedAt });
  }

  #newSession(state: SessionState, cookie: SessionCookie, request: unknown): Session {
    const SessionClass = this.config.sessionClass ?? Session;
    return new SessionClass(state, cookie, request);
  }

  #newCookie(ctx: RequestContext): SessionCookie {
    const options = ctx.cookie ?? this.config.cookie;
    const cookie = new SessionCookie(options, this.config.clock);
    if (options.secure === 'auto') cookie.secure = ctx.secure;
    return cookie;
  }

  #fromRecord(id: string, key: string, record: StoreRecord, decoded: DecodedRecord, ctx: RequestContext): Session {
    const hash = fingerprint(decoded.dataJson, record.userKey, decoded.meta?.authenticatedAt);
    const session = this.#newSession(
      {
        engine: this,
        id,
        cookieId: id,
        originalId: id,
        originalHash: hash,
        // With `resave` off, an unchanged session counts as already saved.
        savedHash: this.config.resave ? undefined : hash,
        loadedExpiresAt: record.expiresAt,
        createdAt: decoded.meta?.createdAt ?? this.config.clock(),
        authenticatedAt: decoded.meta?.authenticatedAt,
        issuedAt: decoded.meta?.issuedAt ?? decoded.meta?.createdAt,
        seenAt: decoded.meta?.seenAt,
        userKey: record.userKey,
        destroyed: false,
        secure: ctx.secure,
        hooks: ctx.hooks,
        cookieOptions: ctx.cookie,
        keyMemo: { id, key },
        client: ctx.client,
        device: decoded.meta?.device,
        epoch: decoded.meta?.epoch,
      },
      SessionCookie.fromStored(decoded.cookie, this.config.clock),
      ctx.request,
    );
    assignData(session, decoded.data);
    this.#rememberLoaded(session[kState], record, decoded);
    // A record without Tessera's times (express-session's) is written once, so that its absolute
    // period, which starts now, is kept (a read-only session would otherwise never age).
    if (decoded.meta === undefined && this.config.absoluteTimeout !== undefined) session[kState].savedHash = undefined;
    return session;
  }

  /**
   * Ends the request for a session: writes the store if needed (save, or a throttled touch) and
   * says which `Set-Cookie` to send. Call it before the response's headers go out.
   * Rejects with a `StoreError` when the store write fails, and with a `TesseraError`
   * (`ERR_COOKIE_SERIALIZE`) when the cookie cannot be serialised, or (`ERR_COOKIE_TOO_LARGE`)
   * when its name + value would exceed the 4096 octets browsers keep.
   */
  async commit(session: Session, ctx: CommitContext): Promise<CommitResult> {
    return this.commitNow(session, ctx);
  }

  /**
   * `commit`, answered synchronously when the store has nothing to do (the common read-only
   * request: unchanged, touch throttled), so an adapter can send the response without waiting a
   * tick; a Promise otherwise. Throws (or rejects) as `commit` does.
   */
  commitNow(session: Session, ctx: CommitContext): CommitResult | Promise<CommitResult> {
    // Served without the store: nothing to write, and no cookie to overwrite the client's real one.
    if (isDegraded(session)) return { setCookie: undefined, stored: 'none' };
    const cache = this.cookieCache;
    const result = commitSession(this, session, ctx);
    if (cache === undefined) return result;
    return result instanceof Promise ? result.then((r) => cache.finish(this, session, ctx, r)) : cache.finish(this, session, ctx, result);
  }

  /** Stops what the engine runs in the background (the cookie cache's epoch watch); leaves the store open. */
  async close(): Promise<void> {
    await this.cookieCache?.close();
  }

  /**
   * For a response whose head went out before it ended (a streamed body): writes what the
   * request changed after `commit`, so late changes are not lost. No cookie can be sent any
   * more, so a session that was never stored (the client has no cookie for it) is left alone,
   * and nothing is touched twice.
   */
  commitRemainder(session: Session): Promise<void> {
    return commitRemainder(this, session);
  }

  /** Writes the session now (explicit `save()`). */
  async save(session: Session): Promise<void> {
    const state = session[kState];
    if (state.destroyed) throw new TesseraError('ERR_SESSION_DESTROYED', 'cannot save a destroyed session');
    refuseIfDegraded(session, 'set');
    const now = this.config.clock();
    await writeSession(this, session, dataToJson(sessionData(session)), now);
  }

  /** Deletes the session from the store and marks it destroyed. */
  async destroy(session: Session): Promise<void> {
    refuseIfDegraded(session, 'delete');
    const state = session[kState];
    state.destroyed = true;
    state.hooks?.destroyed?.(session);
    await this.callStore('delete', () => this.config.store.delete(this.keyOf(state)));
    await this.#dropForward(state);
    this.emit('destroyed', session);
  }

  /**
   * Gives the session a new ID: the old record is deleted and the session (emptied unless
   * `keep`) is saved under the new ID at the end of the request. The ID changes even when the
   * delete fails (fixation must not survive a store hiccup); the failure is still reported.
   */
  async regenerate(session: Session, options: RegenerateOptions = {}): Promise<void> {
    refuseIfDegraded(session, 'delete');
    const state = session[kState];
    const oldKey = this.keyOf(state);
    let failure: unknown;
    try {
      await this.callStore('delete', () => this.config.store.delete(oldKey));
    } catch (error) {
      failure = error;
    }
    await this.#dropForward(state);
    state.id = this.config.genid(requestOf(session));
    state.issuedAt = this.config.clock();
    state.forwarded = false;
    state.destroyed = false;
    state.savedHash = undefined;
    state.loadedExpiresAt = undefined;
    // The new ID has no record yet: its first write creates one (and the old one stays deleted).
    Object.assign(state, this.#noRecordYet());
    if (!options.keep) {
      assignData(session, {});
      state.createdAt = this.config.clock();
      state.authenticatedAt = undefined;
      state.device = undefined;
      // The request's own cookie options (express-session's `cookie(req)`), not the static ones.
      const cookie = state.cookieOptions;
      session.cookie = this.#newCookie(cookie ? { secure: state.secure, cookie } : { secure: state.secure });
    }
    state.hooks?.regenerated?.(session);
    this.emit('regenerated', session);
    if (failure !== undefined) throw failure;
  }

  /** Logs the session in as `userId` and stores it (see `loginSession` in `login.ts`). */
  login(session: Session, userId: unknown, options?: LoginOptions): Promise<void> {
    return loginSession(this, session, userId, options);
  }

  /** Whether the session's last authentication is less than `maxAge` ms old (see `login.ts`). */
  isFresh(session: Session, maxAge: Duration): boolean {
    return isFresh(session, maxAge);
  }

  /** Records a new authentication time for the session, stored at the end of the request. */
  reauthenticated(session: Session): void {
    markReauthenticated(session);
  }

  /**
   * Re-reads the session's data from the store, in place. `read`, if given, reads instead of the
   * store's `get` (the express-session drop-in's, for which an `ENOENT` error stays an error here).
   */
  async reload(session: Session, read?: (key: string) => Promise<StoreRecord | undefined>): Promise<void> {
    const state = session[kState];
    const key = this.keyOf(state);
    const found = await findRecord(this, key, read);
    if (found === undefined) throw new TesseraError('ERR_SESSION_NOT_FOUND', 'failed to load session');
    // Renewed by a parallel request since this one loaded: follow it, as a load would.
    if (found.key !== key) Object.assign(state, { keyMemo: { id: state.id, key: found.key }, forwarded: true, forwardKey: key });
    const { decoded, record } = found;
    assignData(session, decoded.data);
    session.cookie = SessionCookie.fromStored(decoded.cookie, this.config.clock);
    state.loadedExpiresAt = record.expiresAt;
    if (decoded.meta?.createdAt !== undefined) state.createdAt = decoded.meta.createdAt;
    if (decoded.meta !== undefined) state.authenticatedAt = decoded.meta.authenticatedAt;
    this.#rememberLoaded(state, record, decoded);
  }

  /** Deletes the renewal forward leading to a session, if any; best effort (it leads nowhere once the session is gone). */
  async #dropForward(state: SessionState): Promise<void> {
    const forwardKey = state.forwardKey;
    if (forwardKey === undefined) return;
    state.forwardKey = undefined;
    await this.callStore('delete', () => this.config.store.delete(forwardKey)).catch(() => {});
  }
}
