/**
 * Holds a Node response back until the session is committed, then lets it go out with the
 * session cookie. express-session writes the status line first and saves afterwards, so a
 * login whose session could not be stored still answers 200, and a redirect can reach the
 * browser before its session is saved. Here the store write finishes before the first byte of
 * the response is sent: a failed write becomes an error response instead.
 *
 * Works whichever way the application ends the response (`end`, `write`, `writeHead`,
 * `flushHeaders`, `pipe`, a redirect), and cooperates with other code that wraps the same
 * methods before or after (our wrappers stay in place and pass straight through once done).
 *
 * @module
 */
import type { ServerResponse } from 'node:http';
import { TesseraError } from '../../core/errors.js';

/** Appends a `Set-Cookie` value to whatever the response already carries. */
export function appendSetCookie(res: ServerResponse, value: string): void {
  const prev = res.getHeader('set-cookie');
  if (prev === undefined) res.setHeader('Set-Cookie', value);
  else if (Array.isArray(prev)) res.setHeader('Set-Cookie', [...prev, value]);
  else res.setHeader('Set-Cookie', [String(prev), value]);
}

function isPromise<T>(value: T | Promise<T>): value is Promise<T> {
  return typeof (value as { then?: unknown } | undefined)?.then === 'function';
}

type Op = { method: 'write' | 'end' | 'flushHeaders'; args: unknown[] };

/**
 * Defers `res`'s head and body until `commit()` settles. `commit` returns (or resolves to) a
 * `Set-Cookie` value or `undefined`; a value returned synchronously lets the response go out at
 * once. If it throws or rejects, the buffered response is dropped and `onError` is called with
 * the response still unsent, so the framework's error path can answer instead.
 */
export function commitBeforeHead(
  res: ServerResponse,
  commit: () => string | undefined | Promise<string | undefined>,
  onError: (error: unknown) => void,
  finish?: () => Promise<void>,
): void {
  const original = {
    writeHead: res.writeHead,
    write: res.write,
    end: res.end,
    flushHeaders: res.flushHeaders,
  };
  let state: 'open' | 'committing' | 'done' = 'open';
  // True when the head went out before `end` (a streamed body): `finish` then runs before the
  // end, so session changes made while streaming are still saved.
  let streamed = false;
  let head: unknown[] | undefined;
  const queue: Op[] = [];

  const end = (args: unknown[]): void => {
    const run = (): unknown => (original.end as (...a: unknown[]) => unknown).apply(res, args);
    if (!streamed || !finish) {
      run();
      return;
    }
    streamed = false;
    let promise: Promise<void>;
    try {
      promise = finish();
    } catch (error) {
      promise = Promise.reject(error);
    }
    promise.then(run, onError);
  };

  const committed = (setCookie: string | undefined): void => {
    state = 'done';
    if (setCookie !== undefined && res.headersSent) {
      // Something wrote the head around our wrappers: the client would never get its cookie.
      queue.length = 0;
      onError(new TesseraError('ERR_HEADERS_SENT', 'the session cookie could not be sent: the response headers were already sent by code that bypassed the session middleware'));
      return;
    }
    if (setCookie !== undefined) appendSetCookie(res, setCookie);
    if (head) replayHead(res, original.writeHead, head);
    for (const op of queue.splice(0)) {
      if (op.method === 'end') end(op.args);
      else (original[op.method] as (...a: unknown[]) => unknown).apply(res, op.args);
    }
  };

  const failed = (error: unknown): void => {
    state = 'done';
    head = undefined;
    queue.length = 0;
    // The response the app built is dropped: its redirect target and cookies must not ride
    // on the error response that replaces it.
    if (!res.headersSent) {
      res.removeHeader('location');
      res.removeHeader('set-cookie');
    }
    onError(error);
  };

  const start = (method: Op['method']): void => {
    if (state !== 'open') return;
    state = 'committing';
    streamed = method !== 'end';
    let result: string | undefined | Promise<string | undefined>;
    try {
      result = commit();
    } catch (error) {
      failed(error);
      return;
    }
    // Nothing for the store to do (a read-only request): the response goes out in this tick.
    if (!isPromise(result)) committed(result);
    else result.then(committed, failed);
  };

  res.writeHead = function writeHead(this: ServerResponse, ...args: unknown[]) {
    if (state === 'done') return (original.writeHead as (...a: unknown[]) => ServerResponse).apply(this, args);
    // Record it; it is replayed (with the cookie merged in) once the commit is done.
    head = args;
    if (typeof args[0] === 'number') this.statusCode = args[0];
    return this;
  } as ServerResponse['writeHead'];

  const defer = (method: Op['method']) =>
    function deferred(this: ServerResponse, ...args: unknown[]) {
      if (state === 'done') {
        if (method !== 'end') return (original[method] as (...a: unknown[]) => unknown).apply(this, args);
        end(args);
        return this;
      }
      queue.push({ method, args });
      start(method);
      return method === 'write' ? true : method === 'end' ? this : undefined;
    };
  res.write = defer('write') as ServerResponse['write'];
  res.end = defer('end') as ServerResponse['end'];
  res.flushHeaders = defer('flushHeaders') as ServerResponse['flushHeaders'];
}

/**
 * Replays a recorded `writeHead(status[, message][, headers])`, merging its headers into the
 * ones already set so a `Set-Cookie` passed to `writeHead` is kept beside the session cookie.
 */
function replayHead(res: ServerResponse, writeHead: ServerResponse['writeHead'], args: unknown[]): void {
  const [status, second, third] = args;
  const message = typeof second === 'string' ? second : undefined;
  const headers = typeof second === 'string' ? third : second;
  if (Array.isArray(headers)) {
    // Raw form: [name, value, name, value, ...] or [[name, value], ...].
    const pairs: Array<[string, unknown]> = Array.isArray(headers[0])
      ? (headers as Array<[string, unknown]>)
      : headers.flatMap((h, i) => (i % 2 === 0 ? [[String(h), headers[i + 1]] as [string, unknown]] : []));
    for (const [name, value] of pairs) mergeHeader(res, name, value);
  } else if (headers && typeof headers === 'object') {
    for (const [name, value] of Object.entries(headers)) if (value !== undefined) mergeHeader(res, name, value);
  }
  const replay = writeHead as (this: ServerResponse, ...a: unknown[]) => ServerResponse;
  if (message !== undefined) replay.call(res, status, message);
  else replay.call(res, status);
}

function mergeHeader(res: ServerResponse, name: string, value: unknown): void {
  if (name.toLowerCase() === 'set-cookie') {
    for (const v of Array.isArray(value) ? value : [value]) appendSetCookie(res, String(v));
  } else {
    res.setHeader(name, value as string);
  }
}
