/**
 * Nothing per request outlives the request by pointing at it from a place V8 may have put in the
 * old generation. V8 allocates object literals from a busy allocation site straight in the old
 * generation (pretenuring); a dead one there keeps what it points at alive through every young
 * collection until the next full one. A session's state used to be such a literal holding the
 * request, and `nodeSessions` kept each response's load in a map until the response itself was
 * collected: under the `tessera/node` benchmark young collections took 7-8 ms instead of 3 and
 * the old generation grew about 1 MB per collection.
 *
 * @module
 */
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { nodeSessions, type NodeSessions } from '../../src/adapters/node/index.js';
import { isTesseraError } from '../../src/core/errors.js';
import { kState, requestOf, type Session } from '../../src/core/session.js';
import { SessionManager } from '../../src/index.js';
import { MemoryStore } from '../../src/stores/memory/memory-store.js';
import { TEST_SECRET } from '../helpers/session-client.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

async function collect(): Promise<void> {
  // Twice, with a turn between: WeakRef targets are kept until the current job ends.
  for (let i = 0; i < 2; i++) {
    await new Promise((resolve) => setImmediate(resolve));
    gc();
  }
}

interface Seen {
  req: IncomingMessage;
  res: ServerResponse;
  session: WeakRef<Session>;
}

/** A node:http server on tessera/node that answers once, handing back what the handler saw. */
async function serveOnce(
  handler: (req: IncomingMessage, res: ServerResponse, session: Session, sessions: NodeSessions) => unknown,
): Promise<{ seen: Seen; again: () => Promise<unknown> }> {
  const sessions = nodeSessions(new SessionManager({ secret: TEST_SECRET, store: new MemoryStore(), warn: () => {} }));
  let seen: Seen | undefined;
  const server = createServer(async (req, res) => {
    const session = await sessions.load(req, res);
    seen = { req, res, session: new WeakRef(session) };
    await handler(req, res, session, sessions);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const response = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    await response.text();
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
  assert.ok(seen !== undefined, 'the handler ran');
  const { req, res } = seen;
  return { seen, again: () => sessions.load(req, res) };
}

describe('what a finished request leaves behind', () => {
  it("a session keeps its request on itself, hidden, not in its state", async () => {
    let checked = false;
    await serveOnce((req, res, session) => {
      assert.equal(requestOf(session), req);
      assert.ok(!('request' in session[kState]), 'the state literal holds no request');
      assert.deepEqual(Object.keys(session), ['cookie'], 'not enumerable');
      assert.deepEqual(Object.getOwnPropertySymbols({ ...session }), [], 'a spread copy takes neither state nor request');
      checked = true;
      res.end('ok');
    });
    assert.ok(checked);
  });

  it('tessera/node lets go of a finished response\'s session while the response itself is still referenced', async () => {
    const { seen } = await serveOnce((_req, res) => void res.end('ok'));
    await collect();
    assert.ok(seen.res.writableFinished, 'the control: the response is finished and still referenced here');
    assert.equal(seen.session.deref(), undefined);
  });

  const endings: Array<[string, (res: ServerResponse, session: Session) => void]> = [
    ['ended at once', (res) => void res.end('ok')],
    // Streamed: the head goes out first, and the late change is saved before the end.
    ['streamed, changed while streaming', (res, session) => {
      res.writeHead(200);
      res.write('a');
      (session as Session & { n?: number }).n = 1;
      res.end('b');
    }],
  ];
  for (const [how, end] of endings) {
    it(`a load after the response finished (${how}) rejects with ERR_HEADERS_SENT, as documented`, async () => {
      const { seen, again } = await serveOnce((_req, res, session) => end(res, session));
      await assert.rejects(again(), (error: unknown) => isTesseraError(error, 'ERR_HEADERS_SENT'));
      await collect();
      assert.equal(seen.session.deref(), undefined, 'and its session is let go');
    });
  }

  it('a second load while the response is open returns the same session', async () => {
    let same = false;
    await serveOnce(async (req, res, session, sessions) => {
      same = session === (await sessions.load(req, res));
      res.end('ok');
    });
    assert.ok(same);
  });
});
