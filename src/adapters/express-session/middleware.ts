/**
 * The request handler: turns an Express request into `engine.load` and its response into
 * `engine.commit`, with express-session's rules for when there is no session at all.
 *
 * Unlike express-session, the store write finishes before the status line goes out
 * (`commitBeforeHead`): a session that could not be saved reaches the client as an error
 * response through `next(err)`, never as the app's 200 or a redirect racing its own save.
 *
 * @module
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { CommitResult, RequestContext, SessionEngine } from '../../core/engine.js';
import { pathMatches } from '../../core/path-match.js';
import { kState, Session as CoreSession } from '../../core/session.js';
import type { CookieOptions } from '../../core/session-cookie.js';
import type { Secret } from '../../core/signature.js';
import { commitBeforeHead, setHeaderBeforeHead } from '../node/commit-before-head.js';
import '../express/request-types.js';
import { expressError } from './errors.js';
import type { ResolvedOptions } from './options.js';
import { isSecureRequest, originalPathname, readSessionId, requestSecrets, resolveCookieOptions } from './request.js';
import type { ResolvedStore } from './resolve-store.js';
import { requestHooks, type SessionRequest } from './session.js';

interface Setup {
  options: ResolvedOptions;
  store: ResolvedStore;
  /** The store object the user passed (what `req.sessionStore` is). */
  userStore: object;
  engine: SessionEngine;
}

/** Builds the middleware. */
export function createMiddleware({ options, store, userStore, engine }: Setup): RequestHandler {
  // A store that says it lost its connection switches sessions off until it is back.
  let storeReady = true;
  store.events?.on('disconnect', () => {
    storeReady = false;
  });
  store.events?.on('connect', () => {
    storeReady = true;
  });

  const cookieOptionsOf = (req: Request): CookieOptions => (typeof options.cookie === 'function' ? options.cookie(req) : options.cookie) ?? {};
  const contextOf = (req: Request, secure: boolean, cookie = cookieOptionsOf(req)): RequestContext => ({
    secure,
    cookie: resolveCookieOptions(cookie, secure),
    request: req,
    hooks: requestHooks(req as SessionRequest),
  });

  if (store.native !== userStore) {
    // express-session gives its store `generate(req)`, which the base Store's `regenerate` uses.
    (userStore as { generate?: (req: Request) => void }).generate = (req: Request) => {
      const session = engine.create(contextOf(req, isSecureRequest(req, options.proxy)));
      req.session = session;
      req.sessionID = session.id;
    };
  }

  const commit = (req: Request, res: Response, loaded: CoreSession, secure: boolean, secrets: Secret[]): string | undefined | Promise<string | undefined> => {
    const current = req.session as CoreSession | null | undefined;
    if (current == null) {
      // `req.session = null` (or `delete req.session`): `unset` decides the stored session's fate.
      if (options.unsetDestroy && req.sessionID && !loaded[kState].destroyed) return engine.destroy(loaded).then(() => undefined);
      return undefined;
    }
    // An app that replaced the ID (or the session) with something else gets nothing saved.
    if (typeof req.sessionID !== 'string' || !(current instanceof CoreSession)) return undefined;
    const cookieSent = ({ setCookie }: CommitResult): string | undefined => {
      if (setCookie !== undefined) alignDate(res, current);
      return setCookie;
    };
    const result = engine.commitNow(current, { secure, secrets, cookieName: options.name });
    return result instanceof Promise ? result.then(cookieSent) : cookieSent(result);
  };

  return function session(req: Request, res: Response, next: NextFunction): void {
    if (req.session) {
      next();
      return;
    }
    if (!storeReady) {
      next();
      return;
    }
    const cookieOptions = cookieOptionsOf(req);
    if (!pathMatches(originalPathname(req), cookieOptions.path || '/')) {
      next();
      return;
    }
    const secrets = requestSecrets(req, options.secrets);
    if (secrets === undefined) {
      next(new Error('secret option required for sessions'));
      return;
    }
    req.sessionStore = userStore;
    const secure = isSecureRequest(req, options.proxy);
    const cookieIds = readSessionId(req, options.name, secrets, engine);
    req.sessionID = cookieIds[0] as string;
    // `regenerate` replaces the session object: the latest one is what `unset: 'destroy'` deletes.
    let latest: CoreSession | undefined;
    const ctx = contextOf(req, secure, cookieOptions);
    const hooks = ctx.hooks;
    ctx.hooks = {
      ...hooks,
      regenerated(session) {
        hooks?.regenerated?.(session);
        latest = session;
      },
    };
    engine.load(cookieIds, ctx).then((loaded) => {
      req.session = loaded;
      req.sessionID = loaded.id;
      commitBeforeHead(
        res,
        () => commit(req, res, latest ?? loaded, secure, secrets),
        (error) => next(expressError(error)),
        // A streamed response: changes made after its head went out are saved before it ends,
        // as express-session saves at the end.
        async () => {
          const current = req.session as CoreSession | null | undefined;
          if (current instanceof CoreSession && typeof req.sessionID === 'string') await engine.commitRemainder(current);
        },
      );
      next();
    }, (error: unknown) => next(expressError(error)));
  };
}

/**
 * Sets `Date` to the instant the cookie's `Expires` was computed from, so that
 * `Expires - Date` is exactly `maxAge` (Node's own `Date` is cached for up to a second).
 */
function alignDate(res: Response, session: CoreSession): void {
  const { expires, originalMaxAge } = session.cookie;
  if (expires === null || typeof originalMaxAge !== 'number' || res.hasHeader('Date') || !res.sendDate) return;
  const at = expires.getTime() - originalMaxAge;
  if (Number.isFinite(at)) setHeaderBeforeHead(res, 'Date', new Date(at).toUTCString());
}
