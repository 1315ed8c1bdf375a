/**
 * `session.Session`: the core `Session` shaped like express-session's. Sessions the middleware
 * makes are instances of it, and `new Session(req, data)` (used by stores through
 * `store.createSession`) builds one outside the middleware, bound to `req.sessionStore`.
 *
 * @module
 */
import { dataToJson } from '../../core/codec.js';
import { fingerprint } from '../../core/fingerprint.js';
import type { RequestContext } from '../../core/engine.js';
import {
  Session as CoreSession,
  assignData,
  kState,
  requestOf,
  type RegenerateOptions,
  type SessionCallback,
  type SessionHooks,
  type SessionState,
} from '../../core/session.js';
import { SessionCookie, type StoredCookie } from '../../core/session-cookie.js';
import type { StoreRecord } from '../../core/store.js';
import { engineFor } from './engine-registry.js';
import { settleExpress } from './errors.js';

/** A store with a `get` for `reload` (`DropInStore`), looked up by shape to keep imports one-way. */
interface StrictReader {
  getStrict(key: string): Promise<StoreRecord | undefined>;
}

/** The request fields a session uses: its ID, its store, and where it lives. */
export interface SessionRequest {
  sessionID?: unknown;
  sessionStore?: unknown;
  session?: unknown;
  secure?: unknown;
}

/**
 * Keeps `req` in step with its session, as express-session does: `req.sessionID` follows a
 * regenerated ID, and a destroyed session leaves `req.session` undefined.
 */
export function requestHooks(req: SessionRequest): SessionHooks {
  return {
    regenerated(session) {
      req.sessionID = session.id;
    },
    destroyed(session) {
      if (req.session === session) delete req.session;
    },
  };
}

function isState(value: unknown): value is SessionState {
  return typeof value === 'object' && value !== null && 'engine' in value && 'originalId' in value && 'hooks' in value;
}

/**
 * A session, as `req.session`. Its own enumerable properties are the data and `cookie`; `id`,
 * `req` and the methods (`regenerate`, `destroy`, `reload`, `save`, `touch`, `resetMaxAge`) are
 * not. Each method takes a callback or, without one, returns a Promise.
 *
 * @example
 * // What a store's `createSession` does with stored data:
 * const sess = new session.Session({ sessionID: sid, sessionStore: store }, stored);
 * sess.visits = (sess.visits ?? 0) + 1;
 * sess.save((err) => {});
 */
export class Session extends CoreSession {
  /** Made by the middleware (core state), or express-session style from `req` and stored data. */
  constructor(state: SessionState, cookie: SessionCookie, request?: unknown);
  constructor(req: SessionRequest, data?: object | null);
  constructor(a: SessionState | SessionRequest, b?: SessionCookie | object | null, request?: unknown) {
    if (isState(a)) {
      super(a, b as SessionCookie, request);
      return;
    }
    const { state, cookie, data } = fromRequest(a, b);
    super(state, cookie, a);
    assignData(this, data);
  }

  /** The request this session belongs to (express-session's `session.req`; not enumerable). */
  get req(): unknown {
    return requestOf(this);
  }

  // The methods report a failed store call with the store's own error, as express-session does.

  override regenerate(options?: RegenerateOptions): Promise<void>;
  override regenerate(callback: SessionCallback): void;
  override regenerate(options: RegenerateOptions, callback: SessionCallback): void;
  override regenerate(a?: RegenerateOptions | SessionCallback, b?: SessionCallback): Promise<void> | undefined {
    const options = typeof a === 'function' ? {} : a;
    const callback = typeof a === 'function' ? a : b;
    // `{ keep: true }` is Tessera's: the same object, under a new ID.
    return settleExpress(options?.keep ? super.regenerate(options) : regenerateAsNew(this), callback);
  }

  override destroy(): Promise<void>;
  override destroy(callback: SessionCallback): void;
  override destroy(callback?: SessionCallback): Promise<void> | undefined {
    return settleExpress(super.destroy(), callback);
  }

  override reload(): Promise<void>;
  override reload(callback: SessionCallback): void;
  override reload(callback?: SessionCallback): Promise<void> | undefined {
    const { engine } = this[kState];
    // An express-session store's `get` reporting ENOENT fails a reload, as in express-session
    // (only the initial load reads ENOENT as "no session"): the drop-in's store reads that way.
    const store = engine.store as Partial<StrictReader>;
    const read = typeof store.getStrict === 'function' ? (key: string) => (store as StrictReader).getStrict(key) : undefined;
    return settleExpress(engine.reload(this, read), callback);
  }

  override save(): Promise<void>;
  override save(callback: SessionCallback): void;
  override save(callback?: SessionCallback): Promise<void> | undefined {
    return settleExpress(super.save(), callback);
  }
}

/**
 * express-session's `regenerate`: the old session is destroyed and `req.session` becomes a new,
 * empty session with a new ID and cookie. The old object keeps its data (passport's
 * `keepSessionInfo` copies it onto the new one) but stays destroyed, so nothing saves it again.
 * The new session is made even when the delete fails (fixation must not survive a store
 * hiccup), as express-session's `store.regenerate` does; the failure is still reported.
 */
async function regenerateAsNew(old: Session): Promise<void> {
  const state = old[kState];
  let failure: unknown;
  try {
    await state.engine.destroy(old);
  } catch (error) {
    failure = error;
  }
  const ctx: RequestContext = { secure: state.secure, request: requestOf(old) };
  if (state.cookieOptions !== undefined) ctx.cookie = state.cookieOptions;
  if (state.hooks !== undefined) ctx.hooks = state.hooks;
  const fresh = state.engine.create(ctx, state.cookieId);
  // Still "modified" against what the request loaded (a new ID), so that it is saved and gets a
  // cookie even with `saveUninitialized: false`, as express-session's end-of-request rules say.
  fresh[kState].originalId = state.originalId;
  fresh[kState].originalHash = state.originalHash;
  const req = requestOf(old) as SessionRequest | undefined;
  if (typeof req === 'object' && req !== null) req.session = fresh;
  state.hooks?.regenerated?.(fresh);
  if (failure !== undefined) throw failure;
}

// express-session's sessions have none of the core's `isNew`, `createdAt`, `authenticatedAt` and `userKey`
// accessors, nor its `login`, `isFresh` and `reauthenticated` methods (the drop-in offers those as
// functions, see `login.ts`): there they are ordinary data keys an app may set. Plain writable
// defaults on this prototype let a write create an own (stored) property, and a stored key of
// that name load.
for (const key of ['isNew', 'createdAt', 'authenticatedAt', 'userKey', 'login', 'isFresh', 'reauthenticated']) {
  Object.defineProperty(Session.prototype, key, { value: undefined, writable: true, enumerable: false, configurable: true });
}

function fromRequest(req: SessionRequest, data: object | null | undefined): { state: SessionState; cookie: SessionCookie; data: Record<string, unknown> } {
  if (typeof req !== 'object' || req === null) throw new TypeError('new Session(req, data): req must be an object with sessionID and sessionStore');
  const id = req.sessionID;
  if (typeof id !== 'string' || id === '') throw new TypeError('new Session(req, data): req.sessionID must be a non-empty string');
  const engine = engineFor(req.sessionStore);
  const clock = engine.config.clock;
  const { cookie: stored, __tessera: meta, ...rest } = (typeof data === 'object' && data !== null ? data : {}) as Record<string, unknown>;
  const cookie =
    stored instanceof SessionCookie
      ? stored
      : new SessionCookie(typeof stored === 'object' && stored !== null ? (stored as StoredCookie) : engine.config.cookie, clock);
  const { createdAt, authenticatedAt } = (typeof meta === 'object' && meta !== null ? meta : {}) as { createdAt?: unknown; authenticatedAt?: unknown };
  const dataJson = dataToJson(rest);
  const authenticated = typeof authenticatedAt === 'number' ? authenticatedAt : undefined;
  const hash = fingerprint(dataJson, undefined, authenticated);
  const state: SessionState = {
    engine,
    id,
    cookieId: id,
    originalId: id,
    originalHash: hash,
    savedHash: engine.config.resave ? undefined : hash,
    loadedExpiresAt: undefined,
    createdAt: typeof createdAt === 'number' ? createdAt : clock(),
    authenticatedAt: authenticated,
    userKey: undefined,
    destroyed: false,
    secure: req.secure === true,
    hooks: requestHooks(req),
  };
  return { state, cookie, data: rest };
}
