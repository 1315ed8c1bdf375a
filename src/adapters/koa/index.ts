/**
 * `tessera/koa`: Koa 3 middleware, secure by default. `ctx.session` is loaded before the
 * downstream middleware runs and committed (store write, `Set-Cookie`) before the response's
 * head goes out, for every kind of body, `ctx.redirect`, and responses written to `ctx.res`.
 *
 * @example
 * import Koa from 'koa';
 * import { SessionManager } from 'tessera';
 * import { session } from 'tessera/koa';
 *
 * const app = new Koa();
 * app.use(session(new SessionManager({ secret: process.env.SESSION_SECRET! })));
 * app.use(async (ctx) => {
 *   if (ctx.path === '/login') {
 *     await ctx.session.login('u1'); // new ID (no session fixation), stored before it resolves
 *     return ctx.redirect('/');
 *   }
 *   if (ctx.path === '/logout') {
 *     ctx.session = null; // destroyed, cookie cleared (as with koa-session)
 *     return ctx.redirect('/');
 *   }
 *   ctx.body = ctx.session.userKey ?? 'not signed in';
 * });
 *
 * @module
 */
import type { ServerResponse } from 'node:http';
import type { DefaultContext, DefaultState, Middleware, ParameterizedContext } from 'koa';
import type { SessionManager } from '../../core/manager.js';
import { commitBeforeHead, releaseUnusedHold } from '../node/commit-before-head.js';
import { defineSessionAccessor, kCommit, type SessionContext } from './context-session.js';
import { RequestCommit } from './request-commit.js';
import './context-types.js';

export type { SessionManager } from '../../core/manager.js';
export type { KoaSession } from './context-types.js';

/**
 * Koa middleware that gives every request `ctx.session`, backed by `manager`.
 *
 * - Loaded before `next()`; a store failure is thrown into Koa's error handling as a
 *   `StoreError` (`status` 503, which Koa's default handler answers with).
 * - Committed once the downstream middleware is done, before Koa writes the response (string,
 *   JSON, stream, `ctx.redirect`); a response the app writes to `ctx.res` itself (with or
 *   without `ctx.respond = false`) is held until the commit is done, and changes made while a
 *   body streams are saved before it ends. When that commit fails, the held response is
 *   dropped and `ctx.respond` set back to `true`, so Koa's error handling answers instead.
 * - When a downstream middleware throws, the session is still committed (as koa-session does)
 *   and the error is rethrown; Koa's default error response drops every header, the session
 *   cookie included, while an upstream `try/catch` that answers itself keeps it. If the commit
 *   fails as well, the app's error is the one thrown and the commit's is emitted on the app's
 *   `'error'` event.
 * - `ctx.session = null` destroys the session (record deleted, cookie cleared).
 * - Every response carries `Vary: Cookie`; one that sets or clears the cookie carries the
 *   headers the manager asks for (`Cache-Control: no-store` unless the app set its own;
 *   `Clear-Site-Data` at logout). The app's own `Set-Cookie` lines are kept.
 *
 * Type parameters follow the app's (`new Koa<State, Context>()`); they are inferred by `app.use`.
 *
 * @example
 * const app = new Koa();
 * app.use(session(manager));
 * app.use((ctx) => {
 *   ctx.session.views = (ctx.session.views ?? 0) + 1; // typed by augmenting SessionData
 *   ctx.body = `${ctx.session.views} views`;
 * });
 */
export function session<StateT = DefaultState, ContextT = DefaultContext>(manager: SessionManager<object>): Middleware<StateT, ContextT> {
  if (typeof manager !== 'object' || manager === null || typeof manager.loadSession !== 'function') {
    throw new TypeError('session(manager): manager must be a SessionManager from tessera');
  }
  let accessorOn: object | undefined;
  return async function tesseraSession(ctx: ParameterizedContext<StateT, ContextT>, next: () => Promise<unknown>): Promise<void> {
    const slot = ctx as unknown as SessionContext;
    // A second session middleware on the same request (mounted twice): the first one owns it.
    if (slot[kCommit] !== undefined) {
      await next();
      return;
    }
    const proto = Object.getPrototypeOf(ctx) as object;
    if (proto !== accessorOn) {
      defineSessionAccessor(proto);
      accessorOn = proto;
    }
    const { req, res } = ctx;
    const secure = ctx.secure;
    const { session, cookieName } = await manager.loadSession({
      cookieHeader: req.headers.cookie,
      secure,
      request: ctx,
      userAgent: req.headers['user-agent'],
      ip: ctx.ip || undefined,
    });
    const commit = new RequestCommit(manager, session, res, { secure, cookieName });
    slot[kCommit] = commit;
    // Most responses carry no Vary yet: set it directly rather than through vary's parser.
    if (res.hasHeader('Vary')) ctx.vary('Cookie');
    else res.setHeader('Vary', 'Cookie');
    commitBeforeHead(
      res,
      (streamed) => commit.forHold(streamed),
      (error) => {
        // The commit's own failure is thrown by the middleware below; anything else comes late.
        if (!commit.isCommitError(error)) reportLate(ctx, res, error);
      },
      () => manager.commitRemainder(session),
    );
    let failure: { error: unknown } | undefined;
    try {
      await next();
    } catch (error) {
      failure = { error };
    }
    try {
      const streamed = streamsLater(ctx);
      const outcome = commit.commit(streamed);
      if (outcome !== undefined) await outcome;
      // Committed, and no body that streams on (whose late changes the hold saves at its end):
      // Koa's own writes need the hold no more.
      if (!streamed) releaseUnusedHold(res);
    } catch (error) {
      // A head that is out (sent around the hold, or promised to the app by a held writeHead)
      // leaves Koa's error handling nothing to answer with: cut the response off, never leave
      // it hanging or let it go out without its session.
      if (res.headersSent) res.destroy();
      if (failure !== undefined) {
        ctx.app.emit('error', error, ctx);
        throw failure.error;
      }
      // The app's own response (written to ctx.res by hand) was dropped: Koa must answer with
      // the error, also through a middleware that catches it and sets a body.
      if (ctx.respond === false) ctx.respond = true;
      throw error;
    }
    if (failure !== undefined) throw failure.error;
  };
}

/**
 * Whether the response's body goes out after its head: a body Koa pipes (a Node stream, a web
 * `ReadableStream`, a `Blob`, a `Response`), or a response the app writes to `ctx.res` itself
 * later (`ctx.respond = false`; its way of writing is not known yet). The session may then
 * change after the commit, so the cookie cache must not send a copy of it.
 */
function streamsLater(ctx: { body: unknown; respond?: boolean | undefined }): boolean {
  if (ctx.respond === false) return true;
  const body = ctx.body;
  if (typeof body !== 'object' || body === null || Buffer.isBuffer(body)) return false;
  return typeof (body as { pipe?: unknown }).pipe === 'function' || body instanceof ReadableStream || body instanceof Blob || body instanceof Response;
}

/**
 * An error after the middleware chain (saving changes made while a body streamed): Koa's own
 * `ctx.onerror` reports it (an error response if the head has not gone out, the app's
 * `'error'` event in any case); a response already under way is cut off, as Koa does when a
 * body stream fails.
 */
function reportLate(ctx: { onerror(error: Error): void }, res: ServerResponse, error: unknown): void {
  ctx.onerror(error as Error);
  if (res.headersSent && !res.writableFinished) res.destroy();
}
