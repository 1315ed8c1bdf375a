/**
 * The plugin's two hooks: `onRequest` loads the session, `onSend` commits it (store write,
 * `Set-Cookie`, the headers the commit asks for) before Fastify writes the reply's head, so a
 * redirect or a streamed reply already carries the stored session, and a store failure goes to
 * Fastify's error handler (503 for a `StoreError`) instead of a 200 whose session was lost.
 *
 * A reply that never goes through `onSend` (after `reply.hijack()`, or written through
 * `reply.raw`) is held on `reply.raw` by the same Node response hold the Express adapter uses
 * (see `raw-reply.ts`).
 *
 * @module
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { SessionManager } from '../../core/manager.js';
import type { CommitResult } from '../../core/engine-types.js';
import { setCookieLines } from '../../core/set-cookie-lines.js';
import { holdRawReply } from './raw-reply.js';
import { releaseUnusedHold } from '../node/commit-before-head.js';
import { varyWithCookie } from '../node/vary.js';

/** Where a request keeps its commit's progress (a request decorator, so Fastify's request shape stays fixed). */
export const kCommit: unique symbol = Symbol('tessera.fastify.commit');

/**
 * One request's commit: `open` until the first `onSend` (or the first raw write) starts it;
 * `committing` while the store works; then `done` or `failed`. Every later `onSend` of the
 * same request (Fastify's error handler answering a failed commit, or the app sending twice)
 * finds it settled and commits nothing again.
 */
export interface RequestCommit {
  readonly secure: boolean;
  readonly cookieName: string;
  phase: 'open' | 'committing' | 'done' | 'failed';
  /** The `onSend` commit in flight, resolved once Fastify has taken the reply on. */
  pending: Promise<unknown> | undefined;
  /** The reply's headers when the session was loaded: what an error reply after a failed commit keeps. */
  readonly before: Record<string, unknown>;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** @internal Tessera's commit of this request (see `RequestCommit`). */
    [kCommit]: RequestCommit | null;
  }
}

/** `onRequest`: loads the session (a store failure rejects, to Fastify's error handler). */
export function loadHook(manager: SessionManager<object>): (request: FastifyRequest, reply: FastifyReply) => Promise<void> {
  return function tesseraLoad(request, reply) {
    const secure = request.protocol === 'https';
    const input = { cookieHeader: request.headers.cookie, secure, request, userAgent: request.headers['user-agent'], ip: request.ip };
    return manager.loadSession(input).then(({ session, cookieName }) => {
      request.session = session;
      const commit: RequestCommit = { secure, cookieName, phase: 'open', pending: undefined, before: reply.getHeaders() };
      request[kCommit] = commit;
      holdRawReply(manager, request, reply, commit);
    });
  };
}

/** `onSend`: commits the session before Fastify writes the head (synchronously when the store has nothing to do). */
export function commitHook(manager: SessionManager<object>) {
  return function tesseraCommit(request: FastifyRequest, reply: FastifyReply, payload: unknown, done: (err?: Error | null, payload?: unknown) => void): Promise<unknown> | undefined {
    const commit = request[kCommit];
    const session = request.session as FastifyRequest['session'] | null | undefined;
    if (commit === null || commit.phase === 'done' || commit.phase === 'failed' || !session) {
      done(null, payload);
      return undefined;
    }
    if (commit.phase === 'committing') {
      const first = commit.pending;
      if (first === undefined) {
        // The raw hold is committing a reply written around Fastify: Fastify reports the clash.
        done(null, payload);
        return undefined;
      }
      return first.then(() => secondSend(request, reply, payload), () => secondSend(request, reply, payload));
    }
    commit.phase = 'committing';
    addVaryCookie(reply);
    // A streamed payload goes out after the head: the session may still change while it does,
    // and the raw hold saves what changed before the end. Any other payload needs the hold no more.
    const streamed = streamsPayload(payload);
    if (!streamed) releaseUnusedHold(reply.raw);
    let result: CommitResult | Promise<CommitResult>;
    try {
      result = manager.commitNow(session, streamed ? { secure: commit.secure, cookieName: commit.cookieName, streamed: true } : commit);
    } catch (error) {
      failed(reply, commit);
      throw error;
    }
    if (result instanceof Promise) {
      holdSends(request, reply);
      // Returned to Fastify's hook runner: a rejection reaches the error handler, as a rejected async hook's would.
      commit.pending = result.then(
        (settled) => {
          releaseSends(reply);
          applyToReply(reply, settled);
          commit.phase = 'done';
          return payload;
        },
        (error: unknown) => {
          releaseSends(reply);
          failed(reply, commit);
          throw error;
        },
      );
      return commit.pending;
    }
    applyToReply(reply, result);
    commit.phase = 'done';
    done(null, payload);
    return undefined;
  };
}

/**
 * Whether Fastify streams `payload` (its own test: a Node stream, a web `ReadableStream`, a
 * `Response`), so that its head goes out before its body ends and the cookie cache must not
 * send a copy of a session that may still change.
 */
function streamsPayload(payload: unknown): boolean {
  if (typeof payload !== 'object' || payload === null) return false;
  const p = payload as { pipe?: unknown; getReader?: unknown };
  return typeof p.pipe === 'function' || typeof p.getReader === 'function' || Object.prototype.toString.call(payload) === '[object Response]';
}

/**
 * A failed commit: the reply the app built is dropped for Fastify's error reply, and with it
 * every header the app set for it (a `Location` or the app's own `Set-Cookie` must not ride on
 * the error), as the Express adapter's hold does. Headers from before (earlier `onRequest`
 * hooks, such as a security-headers plugin) stay.
 */
function failed(reply: FastifyReply, commit: RequestCommit): void {
  commit.phase = 'failed';
  const { before } = commit;
  for (const name of Object.keys(reply.getHeaders())) reply.removeHeader(name);
  for (const [name, value] of Object.entries(before)) reply.header(name, value);
}

/**
 * While the store works, the reply has been sent as far as the app can tell: with
 * @fastify/session's synchronous memory store (or no session plugin at all) Fastify would have
 * written it already, so a second `send`, a `redirect`, or an error thrown after sending is only
 * logged, and never changes the reply on its way out (its status included). Fastify decides
 * that through `reply.sent`, which it reads from the raw response; until the commit settles,
 * this reply's own `send` answers the same way instead.
 */
function holdSends(request: FastifyRequest, reply: FastifyReply): void {
  (reply as { send: FastifyReply['send'] }).send = function sendWhileCommitting(this: FastifyReply, payload?: unknown) {
    if (payload instanceof Error) reply.log.error({ err: payload }, 'Promise errored, but reply.sent = true was set');
    // Fastify itself sends `undefined` for an async handler that called `send` and returned
    // nothing; on a sent reply it would not have: nothing to warn about.
    else if (payload !== undefined) reply.log.warn(`Reply was already sent, did you forget to "return reply" in the "${request.raw.url}" (${request.raw.method}) route?`);
    return this;
  };
}

/** The commit settled: Fastify's own `send` again (its error handler may need it). */
function releaseSends(reply: FastifyReply): void {
  delete (reply as { send?: unknown }).send;
}

/**
 * A second `onSend` while the first commit is in flight (a `send` that reached Fastify's hooks
 * another way): once the first reply has gone out, this one goes no further, as Fastify drops a
 * send on a sent reply.
 */
function secondSend(request: FastifyRequest, reply: FastifyReply, payload: unknown): unknown {
  if (!reply.raw.headersSent) return payload;
  reply.log.warn(`Reply was already sent, did you forget to "return reply" in the "${request.raw.url}" (${request.raw.method}) route?`);
  return new Promise(() => {});
}

/** Sets the commit's headers and appends its cookies (the app's own `Set-Cookie` stays). */
function applyToReply(reply: FastifyReply, result: CommitResult): void {
  if (result.headers !== undefined) {
    for (const { name, value, ifAbsent } of result.headers) {
      if (ifAbsent === true && reply.hasHeader(name)) continue;
      reply.header(name, value);
    }
  }
  // Fastify's reply.header appends Set-Cookie values rather than replacing them.
  for (const line of setCookieLines(result)) reply.header('set-cookie', line);
}

/** Adds `Cookie` to the reply's `Vary`. */
function addVaryCookie(reply: FastifyReply): void {
  const vary = varyWithCookie(reply.getHeader('vary'));
  if (vary !== undefined) reply.header('vary', vary);
}
