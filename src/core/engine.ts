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
import { cookieValues } from './cookie-header.js';
import { MAX_COOKIE_OCTETS, nameValueOctets } from './cookie-rules.js';
import { dataToJson, decodeRecord, encodeRecord, openValue, sealValue, type DecodedRecord } from './codec.js';
import { StoreError, TesseraError } from './errors.js';
import { SessionCookie } from './session-cookie.js';
import { assignData, kState, Session, sessionData, type RegenerateOptions, type SessionState } from './session.js';
import { unsignId, signId, type Secret } from './signature.js';
import type { Store, StoreRecord } from './store.js';
import { hashStoreKey } from './keys.js';
import { withTimeout } from './with-timeout.js';
import type { StoreOperation } from './errors.js';
import type { CommitContext, CommitResult, EngineConfig, RequestContext, SessionEvents } from './engine-types.js';
import { decideCommit } from './commit-policy.js';
import { VerifiedCookies } from './verified-cookies.js';

export type { CommitContext, CommitResult, EngineConfig, InvalidRecordInfo, RequestContext, SessionEvents } from './engine-types.js';

/** A longer `Cookie` header is not read at all (Node's own header limit is 16 KiB in total). */
const MAX_COOKIE_HEADER = 16 * 1024;
/** Most verified IDs from one header that `load` looks up (each is a store read). */
const MAX_CANDIDATES = 4;

/** The session engine. See the module comment. */
export class SessionEngine extends EventEmitter<SessionEvents> {
  /** The resolved configuration. */
  readonly config: EngineConfig;

  /** Cookie values already verified against `config.secrets` (by content): repeat requests skip the HMAC. */
  readonly #verified = new VerifiedCookies(10_000);

  constructor(config: EngineConfig) {
    super();
    this.config = config;
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
    return this.config.hashStoreKeys === true ? hashStoreKey(id) : id;
  }

  /** The session ID in a signed cookie value, or `undefined` for a missing, oversized, unsigned or forged one. */
  readSignedValue(value: string | undefined, secrets: readonly Secret[] | undefined = this.config.secrets): string | undefined {
    if (value === undefined || value.length === 0 || value.length > this.config.maxCookieLength || !secrets) return undefined;
    // The memo answers only for the configured secrets (per-request secrets are checked afresh),
    // and only while they hold what they held when it was filled (an array changed in place).
    const memo = secrets === this.config.secrets ? this.#verified : undefined;
    const known = memo?.get(value, secrets);
    if (known !== undefined) return known;
    const id = unsignId(value, secrets);
    if (id !== undefined) memo?.remember(value, id);
    return id;
  }

  /** The session ID carried by a `Cookie` header under `name`: the first value that verifies. */
  readCookieHeader(header: string | undefined, name: string, secrets?: readonly Secret[]): string | undefined {
    return this.readCookieCandidates(header, name, secrets)[0];
  }

  /**
   * The verified session IDs a `Cookie` header carries under `name`, in header order, without
   * repeats; at most `MAX_CANDIDATES`. Several only when the name is sent more than once
   * (cookie tossing, see `cookie-header.ts`): `load` then takes the first one with a live session.
   */
  readCookieCandidates(header: string | undefined, name: string, secrets?: readonly Secret[]): string[] {
    if (!header || header.length > MAX_COOKIE_HEADER) return [];
    const values = cookieValues(header, name);
    if (values.length === 1) {
      const id = this.readSignedValue(values[0], secrets);
      return id === undefined ? [] : [id];
    }
    const ids: string[] = [];
    for (const value of values) {
      const id = this.readSignedValue(value, secrets);
      if (id !== undefined && !ids.includes(id)) ids.push(id);
      if (ids.length === MAX_CANDIDATES) break;
    }
    return ids;
  }

  /**
   * Loads the session for `id` (from a verified cookie), or creates a new one when there is no
   * ID, no record, or the record has expired. With several IDs (a header that carried the
   * cookie's name more than once), the first whose session is live wins, so a planted cookie in
   * front of the real one cannot hide it. Store failures reject with a `StoreError`.
   */
  async load(id: string | readonly string[] | undefined, ctx: RequestContext): Promise<Session> {
    const ids = typeof id === 'string' ? [id] : (id ?? []);
    for (const candidate of ids) {
      const key = this.storeKey(candidate);
      const record = await this.#call('get', () => this.config.store.get(key));
      if (record !== undefined) {
        if (record.expiresAt <= this.config.clock()) {
          this.emit('expired', key);
        } else {
          const decoded = this.#decode(key, record);
          if (decoded !== undefined) return this.#fromRecord(candidate, record, decoded, ctx);
        }
      }
    }
    return this.create(ctx, ids[0]);
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
        userKey: undefined,
        destroyed: false,
        secure: ctx.secure,
        request: ctx.request,
        hooks: ctx.hooks,
        cookieOptions: ctx.cookie,
      },
      cookie,
    );
    this.emit('created', session);
    return session;
  }

  #newSession(state: SessionState, cookie: SessionCookie): Session {
    const SessionClass = this.config.sessionClass ?? Session;
    return new SessionClass(state, cookie);
  }

  #newCookie(ctx: RequestContext): SessionCookie {
    const options = ctx.cookie ?? this.config.cookie;
    const cookie = new SessionCookie(options, this.config.clock);
    if (options.secure === 'auto') cookie.secure = ctx.secure;
    return cookie;
  }

  /**
   * Opens and decodes a stored value. One that cannot be opened (decryption or authentication
   * failed, see `openValue`) is no session plus an `invalidRecord` event: `undefined`. One that
   * opens but is not a session record is a store fault, not "no session".
   */
  #decode(key: string, record: StoreRecord): DecodedRecord | undefined {
    const opened = openValue(record.value, key, this.config.keyring);
    if (!opened.ok) {
      if (this.listenerCount('invalidRecord') > 0) this.emit('invalidRecord', { key, reason: opened.reason });
      return undefined;
    }
    try {
      return decodeRecord(opened.json);
    } catch (cause) {
      throw new StoreError('get', `session store returned an unreadable session: ${(cause as Error).message}`, { cause });
    }
  }

  #fromRecord(id: string, record: StoreRecord, decoded: DecodedRecord, ctx: RequestContext): Session {
    const hash = fingerprint(decoded.dataJson, record.userKey);
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
        userKey: record.userKey,
        destroyed: false,
        secure: ctx.secure,
        request: ctx.request,
        hooks: ctx.hooks,
        cookieOptions: ctx.cookie,
      },
      SessionCookie.fromStored(decoded.cookie, this.config.clock),
    );
    assignData(session, decoded.data);
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
    const state = session[kState];
    if (state.destroyed) {
      const clear = this.config.clearCookieOnDestroy && state.cookieId !== undefined;
      return { setCookie: clear ? this.#clearingCookie(session, ctx) : undefined, stored: 'none' };
    }
    const now = this.config.clock();
    session.cookie.resetMaxAge(now);
    const dataJson = dataToJson(sessionData(session));
    const hash = fingerprint(dataJson, state.userKey);
    const isNew = state.cookieId !== state.id;
    const decision = decideCommit(this.config, {
      isNew,
      modified: state.id !== state.originalId || hash !== state.originalHash,
      // `regenerate` clears savedHash, so a hash match means "written under this very ID".
      alreadySaved: state.savedHash === hash,
      everSaved: state.savedHash !== undefined,
      hasExpiry: session.cookie.expires !== null,
    });
    const finish = (stored: CommitResult['stored']): CommitResult => {
      if (!decision.sendCookie) return { setCookie: undefined, stored };
      // A Secure cookie is never sent over plain HTTP (the browser would drop it anyway).
      if (session.cookie.secure === true && !ctx.secure) return { setCookie: undefined, stored };
      return { setCookie: this.#serialize(session, ctx), stored };
    };
    if (decision.save) return this.#write(session, dataJson, now).then(() => finish('saved'));
    if (decision.touch && this.#touchDue(session, now)) {
      return this.#touch(session, dataJson, now).then(() => finish('touched'));
    }
    return finish('none');
  }

  /**
   * For a response whose head went out before it ended (a streamed body): writes what the
   * request changed after `commit`, so late changes are not lost. No cookie can be sent any
   * more, so a session that was never stored (the client has no cookie for it) is left alone,
   * and nothing is touched twice.
   */
  async commitRemainder(session: Session): Promise<void> {
    const state = session[kState];
    if (state.destroyed || state.savedHash === undefined) return;
    const dataJson = dataToJson(sessionData(session));
    if (fingerprint(dataJson, state.userKey) === state.savedHash) return;
    await this.#write(session, dataJson, this.config.clock());
  }

  #serialize(session: Session, ctx: CommitContext): string {
    const secret = (ctx.secrets ?? this.config.secrets)?.[0];
    if (secret === undefined) throw new TesseraError('ERR_SECRET_MISSING', 'secret option required for sessions');
    let header: string;
    try {
      header = session.cookie.serialize(ctx.cookieName, signId(session.id, secret), ctx.secure);
    } catch (cause) {
      throw new TesseraError('ERR_COOKIE_SERIALIZE', (cause as Error).message, { cause });
    }
    // RFC 6265bis §5.6: a browser drops a cookie whose name + value exceed 4096 octets, and the
    // session would be lost without a word; refuse to send it instead.
    const octets = nameValueOctets(header);
    if (octets > MAX_COOKIE_OCTETS) {
      throw new TesseraError(
        'ERR_COOKIE_TOO_LARGE',
        `the session cookie ${JSON.stringify(ctx.cookieName)} would be ${octets} octets (name + value), over the ${MAX_COOKIE_OCTETS} browsers keep: use a shorter name or shorter session IDs (genid)`,
      );
    }
    return header;
  }

  #clearingCookie(session: Session, ctx: { secure: boolean; cookieName: string }): string {
    const cookie = new SessionCookie({ ...session.cookie.data, maxAge: null, expires: new Date(0) }, this.config.clock);
    cookie.expires = new Date(0);
    return cookie.serialize(ctx.cookieName, '', ctx.secure);
  }

  /** The store expiry for a session written or touched at `now`. */
  #expiresAt(session: Session, now: number): number {
    if (this.config.idleTimeout !== undefined) return now + this.config.idleTimeout;
    return session.cookie.expires?.getTime() ?? now + this.config.fallbackTtl;
  }

  #record(session: Session, key: string, dataJson: string, now: number): StoreRecord {
    const state = session[kState];
    // Sealed afresh on every write, always with the keyring's first key: a record an older key
    // sealed is re-encrypted by its next write (and only then: a read-only request writes nothing).
    const json = encodeRecord(session.cookie.data, dataJson, { v: 1, createdAt: state.createdAt });
    const value = sealValue(json, key, this.config.keyring);
    const record: StoreRecord = { value, expiresAt: this.#expiresAt(session, now) };
    if (state.userKey !== undefined) record.userKey = state.userKey;
    // Nothing written and nobody logged in: a bounded store may drop it first (a flood of
    // cookieless visitors must not evict the sessions that hold something).
    else if (dataJson === '{}') record.disposable = true;
    return record;
  }

  async #write(session: Session, dataJson: string, now: number): Promise<void> {
    const state = session[kState];
    const key = this.storeKey(state.id);
    const record = this.#record(session, key, dataJson, now);
    await this.#call('set', () => this.config.store.set(key, record));
    state.savedHash = fingerprint(dataJson, state.userKey);
    state.loadedExpiresAt = record.expiresAt;
    state.touchRequested = false;
    this.emit('saved', session);
  }

  /**
   * Whether a touch is due: the app asked for one (`session.touch()`), or the stored expiry is at
   * least `touchAfter` behind the new one (the throttle, for the touches the engine does itself).
   */
  #touchDue(session: Session, now: number): boolean {
    if (session[kState].touchRequested === true) return true;
    const loaded = session[kState].loadedExpiresAt;
    if (this.config.touchAfter <= 0 || loaded === undefined || !Number.isFinite(loaded)) return true;
    return this.#expiresAt(session, now) - loaded >= this.config.touchAfter;
  }

  async #touch(session: Session, dataJson: string, now: number): Promise<void> {
    const state = session[kState];
    const key = this.storeKey(state.id);
    const record = this.#record(session, key, dataJson, now);
    await this.#call('touch', () => this.config.store.touch(key, record));
    state.loadedExpiresAt = record.expiresAt;
    state.touchRequested = false;
    this.emit('touched', session);
  }

  /** Writes the session now (explicit `save()`). */
  async save(session: Session): Promise<void> {
    const state = session[kState];
    if (state.destroyed) throw new TesseraError('ERR_SESSION_DESTROYED', 'cannot save a destroyed session');
    const now = this.config.clock();
    await this.#write(session, dataToJson(sessionData(session)), now);
  }

  /** Deletes the session from the store and marks it destroyed. */
  async destroy(session: Session): Promise<void> {
    const state = session[kState];
    state.destroyed = true;
    state.hooks?.destroyed?.(session);
    await this.#call('delete', () => this.config.store.delete(this.storeKey(state.id)));
    this.emit('destroyed', session);
  }

  /**
   * Gives the session a new ID: the old record is deleted and the session (emptied unless
   * `keep`) is saved under the new ID at the end of the request. The ID changes even when the
   * delete fails (fixation must not survive a store hiccup); the failure is still reported.
   */
  async regenerate(session: Session, options: RegenerateOptions = {}): Promise<void> {
    const state = session[kState];
    const oldKey = this.storeKey(state.id);
    let failure: unknown;
    try {
      await this.#call('delete', () => this.config.store.delete(oldKey));
    } catch (error) {
      failure = error;
    }
    state.id = this.config.genid(state.request);
    state.destroyed = false;
    state.savedHash = undefined;
    state.loadedExpiresAt = undefined;
    if (!options.keep) {
      assignData(session, {});
      state.createdAt = this.config.clock();
      // The request's own cookie options (express-session's `cookie(req)`), not the static ones.
      const cookie = state.cookieOptions;
      session.cookie = this.#newCookie(cookie ? { secure: state.secure, cookie } : { secure: state.secure });
    }
    state.hooks?.regenerated?.(session);
    this.emit('regenerated', session);
    if (failure !== undefined) throw failure;
  }

  /**
   * Re-reads the session's data from the store, in place. `read`, if given, reads instead of the
   * store's `get` (the express-session drop-in's, for which an `ENOENT` error stays an error here).
   */
  async reload(session: Session, read?: (key: string) => Promise<StoreRecord | undefined>): Promise<void> {
    const state = session[kState];
    const key = this.storeKey(state.id);
    const record = await this.#call('get', () => (read ? read(key) : this.config.store.get(key)));
    const decoded = record === undefined || record.expiresAt <= this.config.clock() ? undefined : this.#decode(key, record);
    if (record === undefined || decoded === undefined) throw new TesseraError('ERR_SESSION_NOT_FOUND', 'failed to load session');
    assignData(session, decoded.data);
    session.cookie = SessionCookie.fromStored(decoded.cookie, this.config.clock);
    state.loadedExpiresAt = record.expiresAt;
  }

  async #call<T>(operation: StoreOperation, run: () => Promise<T>): Promise<T> {
    try {
      return await withTimeout(operation, this.config.storeTimeout, run);
    } catch (error) {
      const storeError = error as StoreError;
      if (this.listenerCount('storeError') > 0) this.emit('storeError', storeError);
      throw storeError;
    }
  }
}

/**
 * What tells whether a request changed a session: its data and its user key (setting only
 * `userKey` must still be stored, or "log out everywhere" would miss the session). JSON never
 * contains a raw newline, so the two parts cannot run together.
 */
function fingerprint(dataJson: string, userKey: string | undefined): string {
  return userKey === undefined ? dataJson : `${dataJson}\n${userKey}`;
}
