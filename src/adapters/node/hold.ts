/**
 * One held response, as a state machine:
 *
 * - `open`: nothing of the body yet. `writeHead` is checked and recorded; headers still change.
 * - `committing`: the first `write`/`end`/`flushHeaders` started the commit. Calls are checked
 *   as Node checks them and queued; to the app the response looks as Node's would (head sent
 *   once a head was given; ended once `end` was called), so a second `send` throws
 *   `ERR_HTTP_HEADERS_SENT` at the call and `write` after `end` fails as Node's does.
 * - `released`: the commit succeeded; the queue was replayed and every call goes to Node.
 * - `failed`: the commit failed; the abandoned response is dropped (also what wrappers above us
 *   still send of it), the headers are reset, and the error path answers on a direct line.
 *
 * A commit that settles synchronously goes from `open` to `released` inside the first call.
 *
 * @module
 */
import type { ServerResponse } from 'node:http';
import { TesseraError } from '../../core/errors.js';
import { deferSocketDestroy } from './defer-socket-destroy.js';
import { applyHeadHeaders, asSent, byteLength, checkReason, checkStatus, isChunk, type Fn } from './node-rules.js';

/** The four methods a hold takes over. */
export type Method = 'writeHead' | 'write' | 'end' | 'flushHeaders';
/** Node's own methods a hold uses to check and to reach the response. */
export type NodeMethods = Readonly<Record<Method | 'setHeader' | 'removeHeader' | 'appendHeader', Fn>>;
/**
 * What the hold is given to commit: the `Set-Cookie` values to send (one, several as
 * `setCookieLines(result)` gives them, or `undefined` for none), now or later. `streamed`: the
 * head goes out before the body ends (the session may still change after this commit).
 */
export type Commit = (streamed: boolean) => Cookies | Promise<Cookies>;
/** The `Set-Cookie` values a commit hands the hold. */
export type Cookies = string | readonly string[] | undefined;
/** The states of a hold (see the module comment). */
export type HoldState = 'open' | 'committing' | 'released' | 'failed';

type RemovedFlags = { _removedContLen: boolean; _removedTE: boolean; _removedConnection: boolean };
type Op = { method: Exclude<Method, 'writeHead'>; args: unknown[] };
type Head = { explicit: boolean; status: number; message: string | undefined };

/** Appends `Set-Cookie` values to whatever the response already carries. */
export function appendSetCookie(res: ServerResponse, value: string | readonly string[]): void {
  const prev = res.getHeader('set-cookie');
  const added = typeof value === 'string' ? [value] : value;
  if (prev === undefined) res.setHeader('Set-Cookie', added.length === 1 ? (added[0] as string) : [...added]);
  else if (Array.isArray(prev)) res.setHeader('Set-Cookie', [...prev, ...added]);
  else res.setHeader('Set-Cookie', [String(prev), ...added]);
}

/** `undefined` for no cookie at all (an empty list included). */
function someCookies(cookies: Cookies): string | readonly string[] | undefined {
  return typeof cookies === 'string' || (cookies !== undefined && cookies.length > 0) ? cookies : undefined;
}

function isPromise<T>(value: T | Promise<T>): value is Promise<T> {
  return typeof (value as { then?: unknown } | undefined)?.then === 'function';
}

/** What a forgotten hold's callbacks became; it is never called again (it no longer holds anything). */
function forgotten(): never {
  throw new Error('tessera: a released hold was used');
}

/** One held response (see the module comment). */
export class Hold {
  state: HoldState = 'open';
  /** To the app, the head has gone out (Node would have set `_header`). */
  sent = false;
  /** To the app, the response has ended. */
  ended = false;
  /** Called once the hold has nothing left to do with calls, so the owner can stop routing them to it. */
  onDone: (() => void) | undefined;
  // The head went out before `end` (a streamed body): `finish` runs before the end, so session
  // changes made while streaming are still saved.
  private streamed = false;
  // A streamed response's end is waiting for `finish`: to the app it has ended (Node would say
  // so at once), so the calls that still come are answered as Node answers them after `end`.
  private finishing = false;
  // The session cookie of a released hold whose head Node has yet to write itself (an implicit
  // head): it is added when that `writeHead` reaches this layer, so `on-headers` listeners
  // registered after the session run before it exists, as under express-session.
  private pendingCookie: string | readonly string[] | undefined;
  private head: Head | undefined;
  private queue: Op[] | undefined;
  private queuedBytes = 0;
  private needDrain = false;
  // Headers that were there before the app built its response: an error response keeps them.
  private readonly before: Record<string, unknown>;
  private deferredDestroy: (() => void) | undefined;
  // Node's notes that an app removed Content-Length / Transfer-Encoding / Connection (it then
  // stops generating them): the error response must get Node's own framing again.
  private readonly removedBefore: [boolean, boolean, boolean];

  constructor(
    readonly res: ServerResponse,
    /** The methods the response had before it was held: what a released call goes to. */
    readonly original: Readonly<Record<Method, Fn>>,
    readonly node: NodeMethods,
    private commit: Commit,
    private onError: (error: unknown) => void,
    private finish: (() => Promise<void>) | undefined,
  ) {
    this.before = res.getHeaders();
    const flags = res as unknown as RemovedFlags;
    this.removedBefore = [flags._removedContLen, flags._removedTE, flags._removedConnection];
  }

  /**
   * Lets go of the request's callbacks once the hold is dropped unused (`releaseUnusedHold`), so
   * a hold that outlives its request (see there why one can) keeps none of it alive.
   */
  forget(): void {
    this.commit = forgotten;
    this.onError = forgotten;
    this.finish = undefined;
    this.onDone = undefined;
  }

  /** A call to one of the held methods, with the `this` it was made on. */
  call(method: Method, self: ServerResponse, args: unknown[]): unknown {
    const { state } = this;
    if (state === 'released') {
      if (this.finishing) return this.afterEnd(method, self, args);
      if (method === 'writeHead' && this.pendingCookie !== undefined) this.addPendingCookie();
      return method === 'end' ? this.endReleased(args) : this.original[method].apply(self, args);
    }
    // Failed: whatever still arrives here belongs to the abandoned response (the error path has
    // its own line, see `failed`), e.g. compression's stream flushing the body it was given.
    if (state === 'failed') return method === 'write' ? true : method === 'flushHeaders' ? undefined : self;
    if (method === 'writeHead') return this.writeHead(self, args);
    if (method === 'write') {
      if (!isChunk(args[0])) return this.node.write.apply(self, args); // throws Node's own error
      if (this.ended) return asSent(self, true, this.node.write, args);
    } else if (method === 'end') {
      const chunk = typeof args[0] === 'function' ? undefined : args[0];
      if (chunk && !isChunk(chunk)) return this.node.write.call(self, chunk); // throws Node's own error
      if (this.ended) return asSent(self, true, this.node.end, args);
    } else if (this.ended) return undefined; // flushHeaders after end: nothing left to flush
    if (!this.sent) this.implicitHead();
    if (method === 'end') this.ended = true;
    if (state === 'open') {
      this.start(method);
      // A synchronous commit (nothing for the store to do): this very call goes to Node.
      if (this.state === 'released') return this.call(method, self, args);
      if (this.state === 'failed') return this.call(method, self, args);
    }
    (this.queue ??= []).push({ method, args });
    if (method === 'end') {
      this.deferSocketDestroy();
      return self;
    }
    if (method === 'flushHeaders') return undefined;
    // Backpressure while held: as Node does once its buffer passes the high-water mark.
    this.queuedBytes += byteLength(args[0] as string | Uint8Array, args[1]);
    if (this.queuedBytes < self.writableHighWaterMark) return true;
    this.needDrain = true;
    return false;
  }

  /** `setHeader`/`removeHeader`/`appendHeader` while held: Node's, as if the head were out once the app sent one. */
  header(self: ServerResponse, method: Fn, args: unknown[]): unknown {
    return this.sent && this.holding ? asSent(self, this.ended, method, args) : method.apply(self, args);
  }

  /** True while the hold still stands between the app and Node. */
  get holding(): boolean {
    return this.state === 'open' || this.state === 'committing' || this.finishing;
  }

  /** A call after the app's `end` while `finish` runs: what Node does with it on an ended response. */
  private afterEnd(method: Method, self: ServerResponse, args: unknown[]): unknown {
    if (method === 'flushHeaders') return undefined;
    return asSent(self, true, this.node[method], args);
  }

  private writeHead(self: ServerResponse, args: unknown[]): unknown {
    if (this.sent) return asSent(self, this.ended, this.node.writeHead, args);
    const [status, reason, third] = args;
    checkStatus(status);
    const message = typeof reason === 'string' ? reason : undefined;
    // In Node's order: the reason is kept before it is checked (a later implicit head checks it again).
    if (message !== undefined) self.statusMessage = message;
    self.statusCode = (status as number) | 0;
    // Applied now, through Node's own header methods: bad names and values throw at the call.
    applyHeadHeaders(self, this.node, message !== undefined ? third : (third ?? reason));
    if (message !== undefined) checkReason(message);
    this.head = { explicit: true, status: self.statusCode, message };
    this.sent = true;
    return self;
  }

  private implicitHead(): void {
    const { res } = this;
    checkStatus(res.statusCode);
    if (typeof res.statusMessage === 'string' && res.statusMessage !== '') checkReason(res.statusMessage);
    this.head = { explicit: false, status: res.statusCode, message: res.statusMessage };
    this.sent = true;
  }

  private start(method: Exclude<Method, 'writeHead'>): void {
    this.state = 'committing';
    this.streamed = method !== 'end';
    let result: Cookies | Promise<Cookies>;
    try {
      result = this.commit(this.streamed);
    } catch (error) {
      this.failed(error);
      return;
    }
    if (!isPromise(result)) this.committed(result);
    else result.then((setCookie) => this.committed(setCookie), (error: unknown) => this.failed(error));
  }

  private committed(cookies: Cookies): void {
    const { res, head } = this;
    const setCookie = someCookies(cookies);
    // An explicit head is replayed below straight to Node: its cookie goes in first.
    if (setCookie !== undefined && !head?.explicit) this.pendingCookie = setCookie;
    this.settle('released');
    if (setCookie !== undefined && res.headersSent) {
      this.pendingCookie = undefined;
      this.stopRouting();
      // Something wrote the head around our wrappers: the client would never get its cookie.
      this.queue = undefined;
      this.report(new TesseraError('ERR_HEADERS_SENT', 'the session cookie could not be sent: the response headers were already sent by code that bypassed the session middleware'));
      return;
    }
    const queue = this.queue;
    this.queue = undefined;
    try {
      if (setCookie !== undefined && this.pendingCookie === undefined) appendSetCookie(res, setCookie);
      if (head?.explicit) {
        const writeHead = this.original.writeHead;
        if (head.message !== undefined) writeHead.call(res, head.status, head.message);
        else writeHead.call(res, head.status);
      } else if (head && queue) {
        // The head Node would have sent at the first body call, whatever was set since.
        res.statusCode = head.status;
        if (head.message !== undefined) res.statusMessage = head.message;
      }
      let drained = true;
      for (const op of queue ?? []) {
        if (op.method === 'end') this.endReleased(op.args);
        else if (op.method === 'write') drained = this.original.write.apply(res, op.args) !== false;
        else this.original.flushHeaders.apply(res, op.args);
      }
      // A write that returned false is owed a 'drain'; Node emits it itself if its own buffer is full.
      if (this.needDrain && drained && !res.writableEnded) process.nextTick(() => res.emit('drain'));
    } catch (error) {
      this.report(error);
    }
  }

  private endReleased(args: unknown[]): unknown {
    if (!this.streamed || !this.finish) return this.original.end.apply(this.res, args);
    this.streamed = false;
    this.ended = true;
    this.finishing = true;
    const done = (): void => {
      this.finishing = false;
      this.onDone?.();
    };
    let promise: Promise<void>;
    try {
      promise = this.finish();
    } catch (error) {
      promise = Promise.reject(error);
    }
    promise.then(
      () => {
        done();
        try {
          this.original.end.apply(this.res, args);
        } catch (error) {
          this.report(error);
        }
      },
      (error: unknown) => {
        done();
        this.report(error);
      },
    );
    return this.res;
  }

  private failed(error: unknown): void {
    const { res } = this;
    this.settle('failed');
    this.queue = undefined;
    try {
      if (!res.headersSent) this.resetHeaders();
    } catch {
      // A header the app set before can no longer be set back: the error response goes without it.
    }
    // The error path gets a direct line to the methods under us: wrappers installed above us
    // may already have taken the abandoned response's end (compression does) and would swallow
    // the error response.
    for (const method of ['writeHead', 'write', 'end', 'flushHeaders'] as const) {
      const target = this.original[method];
      (res as unknown as Record<Method, Fn>)[method] = function (this: ServerResponse, ...args: unknown[]) {
        return target.apply(this, args);
      };
    }
    this.report(error);
  }

  private resetHeaders(): void {
    const { res } = this;
    // The response the app built is dropped, and with it every header it set for it (a stale
    // Content-Length would leave a keep-alive client waiting; a Location or Set-Cookie must
    // not ride on the error). Headers from before the app's response (Vary, helmet's) stay.
    for (const name of res.getHeaderNames()) if (!(name in this.before)) this.node.removeHeader.call(res, name);
    for (const [name, value] of Object.entries(this.before)) this.node.setHeader.call(res, name, value);
    const flags = res as unknown as RemovedFlags;
    [flags._removedContLen, flags._removedTE, flags._removedConnection] = this.removedBefore;
    res.statusCode = 500;
    res.statusMessage = undefined as unknown as string;
  }

  private settle(state: 'released' | 'failed'): void {
    this.state = state;
    // A streamed response still needs its end routed here (to run `finish` first); a failed one
    // keeps dropping what arrives of the abandoned response.
    if (state === 'released' && this.pendingCookie === undefined) this.stopRouting();
    this.restoreSocketDestroy();
  }

  /** Lets the owner stop routing calls here, unless a streamed end must still run `finish` first. */
  private stopRouting(): void {
    if (!(this.streamed && this.finish)) this.onDone?.();
  }

  /** The implicit head reached this layer: the session cookie joins it now. */
  private addPendingCookie(): void {
    appendSetCookie(this.res, this.pendingCookie!);
    this.pendingCookie = undefined;
    this.stopRouting();
  }

  /** Hands an error to the error path; one that throws there ends the response. */
  private report(error: unknown): void {
    try {
      this.onError(error);
    } catch {
      this.res.destroy();
    }
  }

  private deferSocketDestroy(): void {
    this.deferredDestroy ??= deferSocketDestroy(this.res);
  }

  private restoreSocketDestroy(): void {
    const restore = this.deferredDestroy;
    this.deferredDestroy = undefined;
    restore?.();
  }
}
