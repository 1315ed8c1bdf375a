// tessera/node: a bare node:http server with typed session data.
import { createServer } from 'node:http';
import { SessionManager } from 'tessera';
import { nodeSessions, type NodeSessionsOptions } from 'tessera/node';

const manager = new SessionManager<{ views: number }>({ secret: 'c'.repeat(32) });
const options: NodeSessionsOptions = { trustProxy: false, onError: (_error, _req, res) => void res.writeHead(503).end() };
const sessions = nodeSessions(manager, options);
createServer(async (req, res) => {
  const session = await sessions.load(req, res);
  session.views = (session.views ?? 0) + 1;
  // @ts-expect-error views is a number
  session.views = 'many';
  res.end(String(session.views));
}).listen(0);
