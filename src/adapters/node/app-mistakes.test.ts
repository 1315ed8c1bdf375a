// An app's own mistakes behave with tessera/node exactly as on bare node:http: each row is a
// sequence of calls an app makes on its response, run on a plain server and on one that loads a
// session (changed, so the commit really goes to the store, slowed down so the calls arrive while
// the response is held). Everything the app and the client can observe must be the same: what
// each call returns or throws (with which code), headersSent/writableEnded after it, the
// response's events, and what the client receives (the session's own headers aside).
import assert from 'node:assert/strict';
import { createServer, request, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { nodeSessions } from './index.js';
import { SessionManager } from '../../index.js';
import { FaultStore } from '../../../test/hold/fault-store.js';
import { TEST_SECRET } from '../../../test/helpers/session-client.js';

/** Makes a callback that notes when it is called, and with which error code. */
type Noting = (name: string) => (error?: NodeJS.ErrnoException | null) => void;
type Step = [label: string, call: (res: ServerResponse, cb: Noting) => unknown];

/** Waits until the client has gone (the response's 'close'), as an app would notice it. */
const CLIENT_GONE = '(client gone)';
const gone: Step = [CLIENT_GONE, () => undefined];
/** Waits until a held response has surely been committed (the store takes 20 ms). */
const SETTLED = '(committed)';
const settled: Step = [SETTLED, () => undefined];

interface Outcome {
  calls: string[];
  events: string[];
  status: number | string;
  headers: IncomingHttpHeaders;
  body: string;
}

function describeResult(res: ServerResponse, value: unknown): string {
  if (value === res) return 'res';
  return typeof value === 'boolean' || value === undefined ? String(value) : typeof value;
}

/** Runs `steps` on one response, bare or with a session, and collects what can be observed. */
async function observe(mode: 'node:http' | 'tessera/node', steps: Step[], abortOnData = false): Promise<Outcome> {
  const calls: string[] = [];
  const events: string[] = [];
  const store = new FaultStore();
  store.latency = 20;
  const sessions = nodeSessions(new SessionManager({ secret: TEST_SECRET, store, warn: () => {} }));
  let closed!: () => void;
  const done = new Promise<void>((resolve) => (closed = resolve));
  const server = createServer(async (req, res) => {
    if (mode === 'tessera/node') (await sessions.load(req, res) as unknown as Record<string, unknown>).n = 1;
    const cb: Noting = (name) => (error) => void events.push(`${name}(${error?.code ?? ''})`);
    for (const name of ['finish', 'close'] as const) res.on(name, () => events.push(name));
    res.on('error', (error: NodeJS.ErrnoException) => events.push(`error:${error.code}`));
    const closedNow = new Promise((resolve) => res.once('close', resolve));
    res.once('close', closed);
    for (const [label, call] of steps) {
      if (label === CLIENT_GONE) {
        await Promise.race([closedNow, delay(3000)]);
        continue;
      }
      if (label === SETTLED) {
        await delay(60);
        continue;
      }
      let outcome: string;
      try {
        outcome = `-> ${describeResult(res, call(res, cb))}`;
      } catch (error) {
        outcome = `throws ${(error as NodeJS.ErrnoException).code}`;
      }
      calls.push(`${label} ${outcome}; headersSent=${res.headersSent} writableEnded=${res.writableEnded}`);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const received = await new Promise<Pick<Outcome, 'status' | 'headers' | 'body'>>((resolve) => {
    const req = request({ host: '127.0.0.1', port, path: '/', agent: false }, (response) => {
      let body = '';
      response.setEncoding('latin1');
      response.on('data', (chunk: string) => {
        body += chunk;
        if (abortOnData) {
          req.destroy();
          resolve({ status: 'aborted by the client', headers: {}, body });
        }
      });
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body }));
      response.on('error', (error: NodeJS.ErrnoException) => resolve({ status: `aborted:${error.code}`, headers: {}, body }));
    });
    req.on('error', (error: NodeJS.ErrnoException) => resolve({ status: `error:${error.code}`, headers: {}, body: '' }));
    req.end();
  });
  await Promise.race([done, delay(3000).then(() => assert.fail(`${mode}: the response never closed`))]);
  await new Promise((resolve) => setImmediate(resolve));
  server.close();
  // What the session adds (or Node's own connection headers): not the app's to compare.
  const { date: _d, connection: _c, 'keep-alive': _k, 'set-cookie': _s, vary: _v, 'cache-control': _cc, ...headers } = received.headers;
  return { calls, events: events.sort(), ...received, headers };
}

const rows: Array<{ mistake: string; steps: Step[]; abortOnData?: boolean }> = [
  { mistake: 'a double end: the second is a no-op, a second end(chunk) emits WRITE_AFTER_END', steps: [['end(a)', (r) => r.end('a')], ['end()', (r) => r.end()], ['end(b)', (r) => r.end('b')]] },
  { mistake: 'a write after end: returns false, calls back and emits WRITE_AFTER_END', steps: [['end(a)', (r) => r.end('a')], ['write(b, cb)', (r, cb) => r.write('b', cb('write-cb'))]] },
  { mistake: 'setHeader after end throws ERR_HTTP_HEADERS_SENT', steps: [['end(a)', (r) => r.end('a')], ['setHeader(X-Late)', (r) => r.setHeader('X-Late', '1')]] },
  { mistake: 'a second writeHead throws ERR_HTTP_HEADERS_SENT', steps: [['writeHead(200)', (r) => r.writeHead(200)], ['writeHead(404)', (r) => r.writeHead(404)], ['end(ok)', (r) => r.end('ok')]] },
  { mistake: 'a CR/LF in a header value throws ERR_INVALID_CHAR, then the app answers 500', steps: [['setHeader(X-Bad, a\\r\\nb)', (r) => r.setHeader('X-Bad', 'a\r\nSet-Cookie: evil=1')], ['writeHead(200, {X-Next: a\\r\\nb})', (r) => r.writeHead(200, { 'X-Next': 'a\r\nb' })], ['writeHead(500)', (r) => r.writeHead(500)], ['end(error)', (r) => r.end('error')]] },
  { mistake: 'a bad header name throws ERR_INVALID_HTTP_TOKEN', steps: [['setHeader(bad name)', (r) => r.setHeader('bad name', '1')], ['end(ok)', (r) => r.end('ok')]] },
  { mistake: 'writeHead(1000) throws ERR_HTTP_INVALID_STATUS_CODE', steps: [['writeHead(1000)', (r) => r.writeHead(1000)], ['end(x)', (r) => r.end('x')]] },
  { mistake: 'statusCode = 99 makes end throw; then a 500', steps: [['statusCode=99', (r) => (r.statusCode = 99)], ['end(x)', (r) => r.end('x')], ['statusCode=500', (r) => (r.statusCode = 500)], ['end(error)', (r) => r.end('error')]] },
  { mistake: 'write(null) and end({}) throw Node\'s argument errors', steps: [['write(null)', (r) => r.write(null)], ['end({})', (r) => r.end({} as unknown as string)], ['end(ok)', (r) => r.end('ok')]] },
  {
    mistake: 'a streamed response: write, end, then a write and an end after it (the end waits for late changes)',
    steps: [['write(a)', (r) => r.write('a')], settled, ['end(b)', (r) => r.end('b')], ['write(c, cb)', (r, cb) => r.write('c', cb('write-cb'))], ['end(d)', (r) => r.end('d')], ['setHeader(X-Late)', (r) => r.setHeader('X-Late', '1')], ['flushHeaders()', (r) => r.flushHeaders()]],
  },
  {
    mistake: 'a client that aborts mid-stream: the app keeps writing into a closed response',
    abortOnData: true,
    steps: [['write(first)', (r) => r.write('first')], gone, ['write(more)', (r) => r.write('more')], ['end(last)', (r) => r.end('last')]],
  },
];

describe("tessera/node: an app's mistakes behave as on bare node:http", () => {
  for (const { mistake, steps, abortOnData } of rows) {
    it(mistake, async () => {
      const bare = await observe('node:http', steps, abortOnData);
      const held = await observe('tessera/node', steps, abortOnData);
      assert.deepEqual(held, bare);
    });
  }
});
