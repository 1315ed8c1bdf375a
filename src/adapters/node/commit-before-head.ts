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
 * The first hold routes `ServerResponse.prototype`'s `writeHead`, `write`, `end` and
 * `flushHeaders` through a `WeakMap` of held responses (see `held` below for why); a response
 * nobody holds goes straight to Node's own methods.
 *
 * @module
 */
import { ServerResponse } from 'node:http';
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

type Method = 'writeHead' | 'write' | 'end' | 'flushHeaders';
type Deferred = Exclude<Method, 'writeHead'>;
type Op = { method: Deferred; args: unknown[] };
type Fn = (this: ServerResponse, ...args: unknown[]) => unknown;
type Commit = () => string | undefined | Promise<string | undefined>;

const METHODS: readonly Method[] = ['writeHead', 'write', 'end', 'flushHeaders'];

/**
 * One held response: what it recorded while the commit ran, and how it lets the response go.
 * Its methods run in place of the response's own `writeHead` / `write` / `end` / `flushHeaders`.
 */
class Hold {
  state: 'open' | 'committing' | 'done' = 'open';
  // True when the head went out before `end` (a streamed body): `finish` then runs before the
  // end, so session changes made while streaming are still saved.
  streamed = false;
  head: unknown[] | undefined;
  readonly queue: Op[] = [];

  constructor(
    readonly res: ServerResponse,
    /** The methods the response had before it was held: what a released call goes to. */
    readonly original: Readonly<Record<Method, Fn>>,
    readonly commit: Commit,
    readonly onError: (error: unknown) => void,
    readonly finish: (() => Promise<void>) | undefined,
  ) {}

  /** A call to one of the held methods, with the `this` it was made on. */
  call(method: Method, self: ServerResponse, args: unknown[]): unknown {
    if (method === 'writeHead') {
      if (this.state === 'done') return this.original.writeHead.apply(self, args);
      // Record it; it is replayed (with the cookie merged in) once the commit is done.
      this.head = args;
      if (typeof args[0] === 'number') self.statusCode = args[0];
      return self;
    }
    if (this.state === 'done') {
      if (method !== 'end') return this.original[method].apply(self, args);
      this.end(args);
      return self;
    }
    this.queue.push({ method, args });
    this.start(method);
    return method === 'write' ? true : method === 'end' ? self : undefined;
  }

  private end(args: unknown[]): void {
    const run = (): unknown => {
      this.release();
      return this.original.end.apply(this.res, args);
    };
    if (!this.streamed || !this.finish) {
      run();
      return;
    }
    this.streamed = false;
    let promise: Promise<void>;
    try {
      promise = this.finish();
    } catch (error) {
      promise = Promise.reject(error);
    }
    promise.then(run, this.onError);
  }

  private start(method: Deferred): void {
    if (this.state !== 'open') return;
    this.state = 'committing';
    this.streamed = method !== 'end';
    let result: string | undefined | Promise<string | undefined>;
    try {
      result = this.commit();
    } catch (error) {
      this.failed(error);
      return;
    }
    // Nothing for the store to do (a read-only request): the response goes out in this tick.
    if (!isPromise(result)) this.committed(result);
    else result.then((setCookie) => this.committed(setCookie), (error: unknown) => this.failed(error));
  }

  private committed(setCookie: string | undefined): void {
    const { res } = this;
    this.state = 'done';
    if (setCookie !== undefined && res.headersSent) {
      // Something wrote the head around our wrappers: the client would never get its cookie.
      this.queue.length = 0;
      this.release();
      this.onError(new TesseraError('ERR_HEADERS_SENT', 'the session cookie could not be sent: the response headers were already sent by code that bypassed the session middleware'));
      return;
    }
    if (setCookie !== undefined) appendSetCookie(res, setCookie);
    if (this.head) replayHead(res, this.original.writeHead as ServerResponse['writeHead'], this.head);
    for (const op of this.queue.splice(0)) {
      if (op.method === 'end') this.end(op.args);
      else this.original[op.method].apply(res, op.args);
    }
  }

  /**
   * Lets go of the response: later calls go straight to its methods. Dropping the entry at once,
   * instead of leaving it for the garbage collector, keeps the map small, which keeps its cost
   * in every young-generation collection small too.
   */
  private release(): void {
    // Only its own entry: a second hold on the same response wraps this one and must not unhook it.
    if (held.get(this.res) === this) held.delete(this.res);
  }

  private failed(error: unknown): void {
    const { res } = this;
    this.state = 'done';
    this.head = undefined;
    this.queue.length = 0;
    // The response the app built is dropped: its redirect target and cookies must not ride
    // on the error response that replaces it.
    if (!res.headersSent) {
      res.removeHeader('location');
      res.removeHeader('set-cookie');
    }
    this.release();
    this.onError(error);
  }
}

/**
 * Held responses found through `ServerResponse.prototype`. Adding own properties to a response
 * is slow once a framework has swapped its prototype (Express does, on every request): V8
 * copies the object's map for each property added, about 3 µs each here. So the four methods
 * are routed once, on the prototype, and a response is held by an entry in this map; a
 * response that is not in it goes straight to Node's methods.
 */
const held = new WeakMap<ServerResponse, Hold>();
let routing: { node: Record<Method, Fn>; routed: Record<Method, Fn> } | undefined;

/** Routes `ServerResponse.prototype`'s four methods through `held`, once per copy of this module. */
function routePrototype(): { node: Record<Method, Fn>; routed: Record<Method, Fn> } {
  if (routing) return routing;
  const proto = ServerResponse.prototype as unknown as Record<Method, Fn>;
  const node = {} as Record<Method, Fn>;
  const routed = {} as Record<Method, Fn>;
  for (const method of METHODS) {
    const original = proto[method];
    const route: Fn = function (this: ServerResponse, ...args: unknown[]) {
      const hold = held.get(this);
      return hold === undefined ? original.apply(this, args) : hold.call(method, this, args);
    };
    node[method] = original;
    routed[method] = route;
    proto[method] = route;
  }
  routing = { node, routed };
  return routing;
}

/**
 * Defers `res`'s head and body until `commit()` settles. `commit` returns (or resolves to) a
 * `Set-Cookie` value or `undefined`; a value returned synchronously lets the response go out at
 * once. If it throws or rejects, the buffered response is dropped and `onError` is called with
 * the response still unsent, so the framework's error path can answer instead.
 */
export function commitBeforeHead(res: ServerResponse, commit: Commit, onError: (error: unknown) => void, finish?: () => Promise<void>): void {
  if (res instanceof ServerResponse && !held.has(res)) {
    const { node, routed } = routePrototype();
    if (res.writeHead === routed.writeHead && res.write === routed.write && res.end === routed.end && res.flushHeaders === routed.flushHeaders) {
      held.set(res, new Hold(res, node, commit, onError, finish));
      return;
    }
  }
  // Another wrapper got there first (its own property, or a second hold on this response):
  // wrap what is there, as own properties, so both layers keep working.
  const original = { writeHead: res.writeHead, write: res.write, end: res.end, flushHeaders: res.flushHeaders } as unknown as Record<Method, Fn>;
  const hold = new Hold(res, original, commit, onError, finish);
  for (const method of METHODS) {
    (res as unknown as Record<Method, Fn>)[method] = function (this: ServerResponse, ...args: unknown[]) {
      return hold.call(method, this, args);
    };
  }
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
