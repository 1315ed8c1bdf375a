/**
 * Puts what one commit asks for on a held Node response, before its head goes out: the core's
 * headers and every `Set-Cookie` line. Shared by the adapters that hold `ServerResponse`
 * (node, Express, Koa, Fastify's raw reply), so the rule lives in one place.
 *
 * @module
 */
import type { ServerResponse } from 'node:http';
import type { CommitResult } from '../../core/engine-types.js';
import { setCookieLines } from '../../core/set-cookie-lines.js';
import { setHeaderBeforeHead } from './commit-before-head.js';

/**
 * Sets the headers the core asked for (`Clear-Site-Data`; `Cache-Control: no-store` unless the
 * app set one, `ifAbsent`) through `setHeaderBeforeHead`: to the app a held response may
 * already look sent, but its head has not really gone out.
 */
export function applyCommitHeaders(res: ServerResponse, result: CommitResult): void {
  if (result.headers === undefined) return;
  for (const { name, value, ifAbsent } of result.headers) {
    if (ifAbsent === true && res.hasHeader(name)) continue;
    setHeaderBeforeHead(res, name, value);
  }
}

/**
 * Sets the commit's headers (see `applyCommitHeaders`) and appends every cookie of the commit
 * (`setCookieLines`: the session cookie, then the cookie cache's) after the app's own
 * `Set-Cookie` lines, which stay. Nothing is left for the hold to add. Throws Node's
 * `ERR_HTTP_HEADERS_SENT` when code that bypassed the hold already wrote the head.
 */
export function applyCommit(res: ServerResponse, result: CommitResult): void {
  applyCommitHeaders(res, result);
  const lines = setCookieLines(result);
  if (lines.length === 0) return;
  const prev = res.getHeader('set-cookie');
  const all = prev === undefined ? lines : Array.isArray(prev) ? [...prev, ...lines] : [String(prev), ...lines];
  setHeaderBeforeHead(res, 'Set-Cookie', all.length === 1 ? (all[0] as string) : all);
}
