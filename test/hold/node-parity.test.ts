// The hold's state machine, row by row, against Node without it. Each row is a sequence of
// calls an app makes on a response; it runs on a plain Node server, then on one whose responses
// are held with a commit that settles synchronously and one whose commit takes 30 ms (a store
// write), and everything the app and the client can observe must be the same: what each call
// returns or throws (with which code), `headersSent`/`writableEnded` after each call, the
// response's events ('finish', 'close', 'drain', 'error' with its code), and what the client
// receives (status, headers, body, or a reset connection).
import assert from 'node:assert/strict';
import { createServer, request, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { commitBeforeHead } from '../../src/adapters/node/commit-before-head.js';

type Step = [label: string, call: (res: ServerResponse) => unknown];

// The event log of the response being observed, for callbacks given to its methods.
let log: string[] = [];
/** A callback that notes when it is called, and with which error. */
const cb =
  (name: string) =>
  (error?: NodeJS.ErrnoException | null): void =>
    void log.push(`${name}(${error?.code ?? ''})`);
/** A pause between calls: the held response is still committing when the next call comes. */
const TICK: Step = ['(tick)', () => undefined];

interface Outcome {
  calls: string[];
  events: string[];
  status: number | string;
  headers: IncomingHttpHeaders;
  body: string;
}

type Mode = 'node' | 'sync commit' | 'async commit' | 'failed commit';

/** What an error path sends when the commit failed: the whole response the client must get. */
const ERROR_RESPONSE: Step[] = [['setHeader(Content-Type)', (r) => r.setHeader('Content-Type', 'text/plain')], ['end(store failed)', (r) => r.end('store failed')]];

function describeResult(res: ServerResponse, value: unknown): string {
  if (value === res) return 'res';
  return typeof value === 'boolean' || value === undefined ? String(value) : typeof value;
}

/** Runs `steps` on one response of a fresh server in `mode`, and collects what can be observed. */
async function observe(mode: Mode, steps: Step[]): Promise<Outcome> {
  const calls: string[] = [];
  const events: string[] = [];
  log = events;
  let closed!: () => void;
  const done = new Promise<void>((resolve) => (closed = resolve));
  const server = createServer(async (_req, res) => {
    if (mode !== 'node') {
      commitBeforeHead(
        res,
        () => (mode === 'sync commit' ? undefined : mode === 'failed commit' ? delay(30).then(() => Promise.reject(new Error('store failed'))) : delay(30).then(() => undefined)),
        (error) => {
          if (mode !== 'failed commit') return void events.push(`onError:${String(error)}`);
          for (const [, call] of ERROR_RESPONSE) call(res);
        },
      );
    }
    for (const name of ['finish', 'close', 'drain'] as const) res.on(name, () => events.push(name));
    res.on('error', (error: NodeJS.ErrnoException) => events.push(`error:${error.code}`));
    res.on('close', closed);
    for (const [label, call] of steps) {
      if (label === TICK[0]) {
        await new Promise((resolve) => setImmediate(resolve));
        continue;
      }
      let outcome: string;
      try {
        outcome = `-> ${describeResult(res, call(res))}`;
      } catch (error) {
        outcome = `throws ${(error as NodeJS.ErrnoException).code} (${(error as Error).constructor.name}: ${(error as Error).message})`;
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
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body }));
      response.on('error', (error: NodeJS.ErrnoException) => resolve({ status: `aborted:${error.code}`, headers: {}, body }));
    });
    req.on('error', (error: NodeJS.ErrnoException) => resolve({ status: `error:${error.code}`, headers: {}, body: '' }));
    req.end();
  });
  await Promise.race([done, delay(3000).then(() => assert.fail(`${mode}: the response never closed`))]);
  await new Promise((resolve) => setImmediate(resolve));
  await new Promise((resolve) => setImmediate(resolve));
  server.close();
  const { date: _date, connection: _connection, 'keep-alive': _keepAlive, ...headers } = received.headers;
  return { calls, events, ...received, headers };
}

/**
 * One row per transition of the hold. `from`/`to` name the states (see hold.ts); the calls are
 * what moves the hold, and what must look as Node's.
 */
const rows: Array<{ transition: string; steps: Step[] }> = [
  { transition: 'open -end-> committing -> released', steps: [['end(a)', (r) => r.end('a')]] },
  { transition: 'open: writeHead records; -end-> released', steps: [['writeHead(201, {X-A})', (r) => r.writeHead(201, { 'X-A': '1' })], ['end(made)', (r) => r.end('made')]] },
  { transition: 'open: writeHead, raw flat array', steps: [['writeHead(200, Fine, [..])', (r) => r.writeHead(200, 'Fine', ['X-A', '1', 'X-A', '2', 'X-B', '3'])], ['end()', (r) => r.end()]] },
  { transition: 'open -write-> committing: write, write, end queued', steps: [['write(a)', (r) => r.write('a')], TICK, ['write(b)', (r) => r.write('b')], ['end(c)', (r) => r.end('c')]] },
  { transition: 'open -flushHeaders-> committing -> released', steps: [['flushHeaders()', (r) => r.flushHeaders()], TICK, ['end(x)', (r) => r.end('x')]] },
  { transition: 'committing(ended): end() again is a no-op', steps: [['end(a)', (r) => r.end('a')], ['end()', (r) => r.end()], TICK, ['end()', (r) => r.end()]] },
  { transition: 'committing(ended): setHeader throws HEADERS_SENT, end() again', steps: [['end(a)', (r) => r.end('a')], ['setHeader(X-Late)', (r) => r.setHeader('X-Late', '1')], ['end()', (r) => r.end()]] },
  { transition: 'committing(ended): removeHeader/appendHeader throw', steps: [['setHeader(X-A)', (r) => r.setHeader('X-A', '1')], ['end(a)', (r) => r.end('a')], ['removeHeader(X-A)', (r) => r.removeHeader('X-A')], ['appendHeader(X-B)', (r) => r.appendHeader('X-B', '1')]] },
  { transition: 'committing(ended): end(chunk) again emits WRITE_AFTER_END', steps: [['end(a)', (r) => r.end('a')], ['end(b)', (r) => r.end('b')]] },
  { transition: 'committing(ended): write emits WRITE_AFTER_END, returns false', steps: [['end(a)', (r) => r.end('a')], ['write(b)', (r) => r.write('b')]] },
  { transition: 'committing(ended): write(cb) after end calls back with WRITE_AFTER_END', steps: [['end(a)', (r) => r.end('a')], ['write(b, cb)', (r) => r.write('b', cb('write-cb'))]] },
  { transition: 'committing(ended): writeHead throws HEADERS_SENT', steps: [['end(a)', (r) => r.end('a')], ['writeHead(500)', (r) => r.writeHead(500)]] },
  { transition: 'committing(ended): flushHeaders is a no-op', steps: [['end(a)', (r) => r.end('a')], ['flushHeaders()', (r) => r.flushHeaders()]] },
  { transition: 'committing(ended): end(callback) waits for finish', steps: [['end(a)', (r) => r.end('a')], ['end(cb)', (r) => r.end(cb('end-cb'))]] },
  { transition: 'open: after writeHead, setHeader throws HEADERS_SENT', steps: [['writeHead(200)', (r) => r.writeHead(200)], ['setHeader(X-A)', (r) => r.setHeader('X-A', '1')], ['end(ok)', (r) => r.end('ok')]] },
  { transition: 'open: writeHead twice throws HEADERS_SENT', steps: [['writeHead(200)', (r) => r.writeHead(200)], ['writeHead(404)', (r) => r.writeHead(404)], ['end(ok)', (r) => r.end('ok')]] },
  { transition: 'committing(streamed): setHeader throws, status change is too late', steps: [['write(a)', (r) => r.write('a')], ['setHeader(X-A)', (r) => r.setHeader('X-A', '1')], ['statusCode=404', (r) => (r.statusCode = 404)], ['end(b)', (r) => r.end('b')]] },
  { transition: 'open: writeHead with CR/LF in a value throws INVALID_CHAR, then an error response', steps: [['writeHead(200, {X-Next: a\\r\\nb})', (r) => r.writeHead(200, { 'X-Next': 'a\r\nSet-Cookie: evil=1' })], ['writeHead(500)', (r) => r.writeHead(500)], ['end(error)', (r) => r.end('error')]] },
  { transition: 'open: writeHead with a bad name throws INVALID_HTTP_TOKEN', steps: [['writeHead(200, {bad name})', (r) => r.writeHead(200, { 'bad name': '1' })], ['end(error)', (r) => r.end('error')]] },
  { transition: 'open: writeHead with CR/LF in the reason throws INVALID_CHAR', steps: [['writeHead(200, a\\nb)', (r) => r.writeHead(200, 'a\nb')], ['end()', (r) => r.end()], ['statusMessage=OK', (r) => (r.statusMessage = 'OK')], ['end()', (r) => r.end()]] },
  { transition: 'open: writeHead(1000) throws INVALID_STATUS_CODE', steps: [['writeHead(1000)', (r) => r.writeHead(1000)], ['end(x)', (r) => r.end('x')]] },
  { transition: 'open: statusCode=NaN, end throws INVALID_STATUS_CODE, then a 500', steps: [['statusCode=NaN', (r) => (r.statusCode = NaN)], ['end(x)', (r) => r.end('x')], ['statusCode=500', (r) => (r.statusCode = 500)], ['end(error)', (r) => r.end('error')]] },
  { transition: 'open: statusCode=99, write throws INVALID_STATUS_CODE', steps: [['statusCode=99', (r) => (r.statusCode = 99)], ['write(x)', (r) => r.write('x')], ['statusCode=200', (r) => (r.statusCode = 200)], ['end(ok)', (r) => r.end('ok')]] },
  { transition: 'open: statusCode=1000, flushHeaders throws', steps: [['statusCode=1000', (r) => (r.statusCode = 1000)], ['flushHeaders()', (r) => r.flushHeaders()], ['statusCode=200', (r) => (r.statusCode = 200)], ['end()', (r) => r.end()]] },
  { transition: 'open: write(null)/write(number)/end({}) throw Node\'s argument errors', steps: [['write(null)', (r) => r.write(null)], ['write(1)', (r) => r.write(1 as unknown as string)], ['end({})', (r) => r.end({} as unknown as string)], ['end(ok)', (r) => r.end('ok')]] },
  { transition: 'committing: write(callback) called after release', steps: [['write(a, cb)', (r) => r.write('a', cb('write-cb'))], ['end()', (r) => r.end()]] },
  { transition: 'open: 304 with a body-less end', steps: [['statusCode=304', (r) => (r.statusCode = 304)], ['end()', (r) => r.end()]] },
];

/**
 * committing -> failed: whatever the app had built, the client gets exactly the error response,
 * as if Node had only ever been given the error path's calls (no header, status or byte of the
 * abandoned response).
 */
const failedRows: Array<{ transition: string; steps: Step[] }> = [
  { transition: 'committing(ended) -> failed', steps: [['setHeader(ETag)', (r) => r.setHeader('ETag', '"x"')], ['setHeader(Content-Length)', (r) => r.setHeader('Content-Length', '5')], ['end(hello)', (r) => r.end('hello')]] },
  { transition: 'committing(streamed) -> failed', steps: [['setHeader(Cache-Control)', (r) => r.setHeader('Cache-Control', 'max-age=60')], ['write(a)', (r) => r.write('a')], TICK, ['end(b)', (r) => r.end('b')]] },
  { transition: 'open(writeHead) -> committing -> failed', steps: [['writeHead(302, {Location})', (r) => r.writeHead(302, 'Moved', { Location: '/next', 'Set-Cookie': 'a=1' })], ['end()', (r) => r.end()]] },
  { transition: 'committing(flushHeaders) -> failed', steps: [['statusCode=201', (r) => (r.statusCode = 201)], ['flushHeaders()', (r) => r.flushHeaders()], TICK, ['end(x)', (r) => r.end('x')]] },
];

describe('a failed commit gives the client the error response only, as Node given only the error path', () => {
  for (const { transition, steps } of failedRows) {
    it(transition, async () => {
      const node = await observe('node', [['statusCode=500', (r) => (r.statusCode = 500)], ...ERROR_RESPONSE]);
      const failed = await observe('failed commit', steps);
      assert.deepEqual({ status: failed.status, headers: failed.headers, body: failed.body }, { status: node.status, headers: node.headers, body: node.body });
      assert.deepEqual(failed.events.sort(), node.events.sort());
    });
  }
});

describe('the hold behaves as Node without it, transition by transition', () => {
  for (const { transition, steps } of rows) {
    it(transition, async () => {
      const node = await observe('node', steps);
      for (const mode of ['sync commit', 'async commit'] as const) {
        const heldOutcome = await observe(mode, steps);
        // Events as a set: held, the response itself finishes later (after the commit), so an
        // error the app caused lands before its finish rather than after.
        assert.deepEqual({ ...heldOutcome, events: [...heldOutcome.events].sort() }, { ...node, events: [...node.events].sort() }, `${mode}: ${transition}`);
      }
    });
  }
});
