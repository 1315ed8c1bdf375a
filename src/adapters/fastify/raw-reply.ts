/**
 * The Node response hold on `reply.raw`, for what Fastify's `onSend` never sees: a hijacked
 * reply (`reply.hijack()`) or one written through `reply.raw`. The session is committed at the
 * reply's first write, before its head goes out, as in the Express adapter. The hold also runs
 * the end of a streamed reply: changes the app made to the session while the body streamed are
 * stored before the response ends.
 *
 * After `reply.hijack()` the app owns the response and Fastify's error handler no longer runs
 * for it, so a failed commit is answered here: the held response is dropped and a JSON error in
 * Fastify's default shape goes out instead (503 for a `StoreError`), and the error is logged.
 *
 * @module
 */
import { STATUS_CODES, type ServerResponse } from 'node:http';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { SessionManager } from '../../core/manager.js';
import type { CommitResult } from '../../core/engine-types.js';
import { applyCommit } from '../node/apply-commit.js';
import { commitBeforeHead, setHeaderBeforeHead } from '../node/commit-before-head.js';
import type { RequestCommit } from './hooks.js';
import { varyWithCookie } from '../node/vary.js';

/** Holds `reply.raw` until the session is committed, for replies that bypass `onSend`. */
export function holdRawReply(manager: SessionManager<object>, request: FastifyRequest, reply: FastifyReply, commit: RequestCommit): void {
  const res = reply.raw;
  commitBeforeHead(
    res,
    (streamed) => {
      // Committed already by `onSend` (the usual reply), or failed there: nothing to add.
      if (commit.phase !== 'open') return undefined;
      const session = request.session as FastifyRequest['session'] | null | undefined;
      if (!session) return undefined;
      commit.phase = 'committing';
      let result: CommitResult | Promise<CommitResult>;
      try {
        result = manager.commitNow(session, streamed ? { secure: commit.secure, cookieName: commit.cookieName, streamed } : commit);
      } catch (error) {
        commit.phase = 'failed';
        throw error;
      }
      if (!(result instanceof Promise)) return applyToRaw(res, result, commit);
      return result.then(
        (settled) => applyToRaw(res, settled, commit),
        (error: unknown) => {
          commit.phase = 'failed';
          throw error;
        },
      );
    },
    (error) => answerError(request, res, error),
    () => {
      const session = request.session as FastifyRequest['session'] | null | undefined;
      return session ? manager.commitRemainder(session) : Promise.resolve();
    },
  );
}

/** Sets the commit's headers and appends its cookies on the held response itself. */
function applyToRaw(res: ServerResponse, result: CommitResult, commit: RequestCommit): undefined {
  const vary = varyWithCookie(res.getHeader('vary'));
  if (vary !== undefined) setHeaderBeforeHead(res, 'Vary', vary);
  applyCommit(res, result);
  commit.phase = 'done';
  return undefined;
}

/** The hold's error path: a JSON error in Fastify's default shape, or an aborted response once its head is out. */
function answerError(request: FastifyRequest, res: ServerResponse, error: unknown): void {
  request.log.error({ err: error }, 'tessera: the session could not be committed');
  if (res.headersSent || res.destroyed) {
    res.destroy();
    return;
  }
  const e = error as { status?: unknown; statusCode?: unknown; code?: unknown; message?: unknown };
  const status = statusOf(e.statusCode) ?? statusOf(e.status) ?? 500;
  const body = JSON.stringify({
    statusCode: status,
    ...(typeof e.code === 'string' ? { code: e.code } : {}),
    error: STATUS_CODES[status],
    message: typeof e.message === 'string' ? e.message : String(error),
  });
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

function statusOf(value: unknown): number | undefined {
  return typeof value === 'number' && value >= 400 && value <= 599 ? value : undefined;
}
