/**
 * What Node's `ServerResponse` checks at the moment of a call, for a held response to check at
 * the same moment: a held call must throw where Node's would, not later inside a promise
 * callback where nothing catches it. Wherever Node's own method can produce the error without
 * side effects, it is called to produce it, so message, class and `code` are Node's own.
 *
 * @module
 */
import type { ServerResponse } from 'node:http';
import { format } from 'node:util';

/** Node's own methods of a response, as captured before anything was routed. */
export type Fn = (this: ServerResponse, ...args: unknown[]) => unknown;

/** The internal fields Node's methods read to decide "head sent" and "ended". */
interface NodeFields {
  _header: string | null;
  finished: boolean;
}

// Stands in for a head while Node decides what a call on a sent response does; never written.
const SENT = 'HTTP/1.1 000 held\r\n\r\n';

/**
 * Runs Node's `method` as if the head had gone out (and, with `ended`, as if the response had
 * ended), then restores the response: `setHeader` then throws `ERR_HTTP_HEADERS_SENT`, `write`
 * reports `ERR_STREAM_WRITE_AFTER_END`, a second `end` does what Node's does, all at the call.
 */
export function asSent(res: ServerResponse, ended: boolean, method: Fn, args: unknown[]): unknown {
  const fields = res as unknown as NodeFields;
  const header = fields._header;
  const finished = fields.finished;
  fields._header = header ?? SENT;
  if (ended) fields.finished = true;
  try {
    return method.apply(res, args);
  } finally {
    fields._header = header;
    fields.finished = finished;
  }
}

/** `RangeError [ERR_HTTP_INVALID_STATUS_CODE]`, as Node's `writeHead` throws it. */
function invalidStatus(code: unknown): RangeError {
  const error = new RangeError(format('Invalid status code: %s', code)) as RangeError & { code: string };
  error.code = 'ERR_HTTP_INVALID_STATUS_CODE';
  return error;
}

/** Throws what Node's `writeHead` throws for a status code outside 100-999. */
export function checkStatus(code: unknown): void {
  const value = (code as number) | 0;
  if (value < 100 || value > 999) throw invalidStatus(code);
}

// Node's check for a reason phrase: only HTAB, visible ASCII, space and obs-text.
const INVALID_REASON = /[^\t\x20-\x7e\x80-\xff]/;

/** Throws what Node's `writeHead` throws for a reason phrase with CR, LF or another control. */
export function checkReason(reason: string): void {
  if (!INVALID_REASON.test(reason)) return;
  const error = new TypeError('Invalid character in statusMessage') as TypeError & { code: string };
  error.code = 'ERR_INVALID_CHAR';
  throw error;
}

/** True when Node's `write_` accepts `chunk` (it throws for anything else). */
export function isChunk(chunk: unknown): chunk is string | Uint8Array {
  return typeof chunk === 'string' || chunk instanceof Uint8Array;
}

/** The bytes a queued chunk takes, as Node counts them. */
export function byteLength(chunk: string | Uint8Array, encoding: unknown): number {
  return typeof chunk === 'string' ? Buffer.byteLength(chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8') : chunk.byteLength;
}

/**
 * Applies the headers of `writeHead(status, [reason], headers)` at the call, through Node's own
 * `setHeader`/`removeHeader`/`appendHeader` (so their checks throw here): an object replaces
 * each named header, a flat `[name, value, ...]` array replaces then appends (duplicates
 * allowed), as Node's `writeHead` does once headers were set. `Set-Cookie` is the exception:
 * it is appended to the cookies set before (and the session cookie is appended later), so every
 * cookie travels together.
 */
export function applyHeadHeaders(res: ServerResponse, node: Readonly<Record<'setHeader' | 'removeHeader' | 'appendHeader', Fn>>, headers: unknown): void {
  if (Array.isArray(headers)) {
    const pairs: unknown[][] = Array.isArray(headers[0]) ? (headers as unknown[][]) : [];
    if (pairs.length === 0) {
      if (headers.length % 2 !== 0) {
        const error = new TypeError(`The argument 'headers' is invalid. Received ${format('%o', headers)}`) as TypeError & { code: string };
        error.code = 'ERR_INVALID_ARG_VALUE';
        throw error;
      }
      for (let i = 0; i < headers.length; i += 2) pairs.push([headers[i], headers[i + 1]]);
    }
    for (const [name] of pairs) if (!isSetCookie(name)) node.removeHeader.call(res, String(name));
    for (const [name, value] of pairs) if (name) node.appendHeader.call(res, name, value);
  } else if (headers !== null && typeof headers === 'object') {
    for (const name of Object.keys(headers)) {
      const value = (headers as Record<string, unknown>)[name];
      if (isSetCookie(name)) node.appendHeader.call(res, name, value);
      else if (name) node.setHeader.call(res, name, value);
    }
  }
}

function isSetCookie(name: unknown): boolean {
  return typeof name === 'string' && name.length === 10 && name.toLowerCase() === 'set-cookie';
}
