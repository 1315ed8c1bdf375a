/**
 * `tessera/node`: sessions for a bare `node:http` server, without a framework.
 *
 * `sessions.load(req, res)` loads the session and holds the response: the store write and the
 * `Set-Cookie` header go out before its head, whichever way the app ends it (`end`, `write`,
 * `writeHead`, `pipe`, a `writeHead(302)` redirect). Responses carry `Vary: Cookie`.
 *
 * Errors: `load` rejects with a `StoreError` (`status` 503) when the store fails while loading;
 * a store failure while committing is answered by the `onError` option (default: 503 as plain
 * text), before any byte of the app's own response went out.
 *
 * @example
 * import { createServer } from 'node:http';
 * import { SessionManager } from 'tessera';
 * import { nodeSessions } from 'tessera/node';
 *
 * const sessions = nodeSessions(new SessionManager({ secret: process.env.SESSION_SECRET! }));
 * createServer(async (req, res) => {
 *   const session = await sessions.load(req, res).catch(() => undefined);
 *   if (!session) return void res.writeHead(503).end();
 *   if (req.url === '/login') {
 *     await session.login('u1'); // new ID (no session fixation)
 *     return void res.writeHead(302, { Location: '/' }).end(); // leaves with the stored session
 *   }
 *   res.end(session.userKey ?? 'anonymous');
 * }).listen(3000);
 *
 * @module
 */
export { nodeSessions, type NodeSessions, type NodeSessionsOptions } from './node-sessions.js';
export type { SessionManager, TypedSession } from '../../core/manager.js';
