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
 * While held, the response behaves to the app as Node's would (see `hold.ts`): the same
 * errors at the same calls, `headersSent`/`writableEnded` as Node would report them,
 * backpressure at the high-water mark.
 *
 * The first hold routes `ServerResponse.prototype`'s `writeHead`, `write`, `end`,
 * `flushHeaders`, header setters and the `headersSent`/`writableEnded` getters through a
 * `WeakMap` of held responses (see `held` below for why); a response nobody holds goes
 * straight to Node's own methods.
 *
 * @module
 */
import { ServerResponse } from 'node:http';
import { Hold, type Commit, type Method, type NodeMethods } from './hold.js';
import type { Fn } from './node-rules.js';

export { appendSetCookie } from './hold.js';

const METHODS: readonly Method[] = ['writeHead', 'write', 'end', 'flushHeaders'];
const HEADER_METHODS = ['setHeader', 'removeHeader', 'appendHeader'] as const;

/**
 * Held responses found through `ServerResponse.prototype`. Adding own properties to a response
 * is slow once a framework has swapped its prototype (Express does, on every request): V8
 * copies the object's map for each property added, about 3 µs each here. So the methods are
 * routed once, on the prototype, and a response is held by an entry in this map; a response
 * that is not in it goes straight to Node's methods.
 */
const held = new WeakMap<ServerResponse, Hold>();
/** Holds installed as own-property wrappers (another wrapper was there first), for how the response looks. */
const wrapped = new WeakMap<ServerResponse, Hold[]>();
let routing: { node: NodeMethods; routed: Record<Method, Fn> } | undefined;

/** The holds that still stand on `res`, for the getters and header setters. */
function holdsOf(res: ServerResponse): Hold | undefined {
  const hold = held.get(res);
  if (hold !== undefined && hold.holding) return hold;
  const stack = wrapped.get(res);
  if (stack === undefined) return undefined;
  for (let i = stack.length - 1; i >= 0; i--) if (stack[i]!.holding) return stack[i];
  return undefined;
}

/** Routes `ServerResponse.prototype`'s methods and getters through the holds, once per copy of this module. */
function routePrototype(): { node: NodeMethods; routed: Record<Method, Fn> } {
  if (routing) return routing;
  const proto = ServerResponse.prototype as unknown as Record<string, Fn>;
  const node = {} as Record<Method | (typeof HEADER_METHODS)[number], Fn>;
  const routed = {} as Record<Method, Fn>;
  for (const method of METHODS) {
    const original = proto[method]!;
    const route: Fn = function (this: ServerResponse, ...args: unknown[]) {
      const hold = held.get(this);
      return hold === undefined ? original.apply(this, args) : hold.call(method, this, args);
    };
    node[method] = original;
    routed[method] = route;
    proto[method] = route;
  }
  for (const method of HEADER_METHODS) {
    const original = proto[method]!;
    node[method] = original;
    // Two fixed parameters, no rest array: these run several times on every response.
    proto[method] = function (this: ServerResponse, name: unknown, value: unknown) {
      const hold = holdsOf(this);
      return hold === undefined ? original.call(this, name, value) : hold.header(this, original, [name, value]);
    };
  }
  for (const [name, flag] of [['headersSent', 'sent'], ['writableEnded', 'ended']] as const) {
    const get = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(ServerResponse.prototype) as object, name)?.get;
    if (!get) continue;
    Object.defineProperty(ServerResponse.prototype, name, {
      configurable: true,
      enumerable: false,
      get(this: ServerResponse) {
        const hold = holdsOf(this);
        return (hold !== undefined && hold[flag]) || (get.call(this) as boolean);
      },
    });
  }
  routing = { node, routed };
  return routing;
}

/**
 * Sets a header on a response that may be held, for the session middleware's own commit code:
 * to the app a held response may already look sent (and refuse headers), but the commit runs
 * before the head really goes out.
 */
export function setHeaderBeforeHead(res: ServerResponse, name: string, value: string | readonly string[]): void {
  (routePrototype().node.setHeader as (this: ServerResponse, n: string, v: string | readonly string[]) => void).call(res, name, value);
}

/**
 * Lets a held response go straight to Node again when nothing of it has reached the hold yet:
 * its session was committed another way (Fastify's `onSend`), so holding it would only re-check
 * every call Node checks anyway. A hold that already took a call, or one installed as own-property
 * wrappers, stays.
 */
export function releaseUnusedHold(res: ServerResponse): void {
  const hold = held.get(res);
  if (hold !== undefined && hold.state === 'open' && !hold.sent) {
    held.delete(res);
    // V8 may have allocated this hold in the old generation (it pretenures busy allocation
    // sites), where, dead, it would keep its callbacks, and through them the whole request,
    // alive until the next full collection: under the Koa benchmark young collections took
    // 8 ms instead of 0.6, and a read about 20 % more server CPU.
    hold.forget();
  }
}

/**
 * Defers `res`'s head and body until `commit()` settles. `commit` returns (or resolves to) the
 * `Set-Cookie` value(s) to append (a string, a list, or `undefined`); a value returned synchronously lets the response go out at
 * once. If it throws or rejects, the buffered response is dropped, its headers are reset, and
 * `onError` is called with the response still unsent, so the framework's error path can answer
 * instead. `finish`, if given, runs before the end of a response whose head went out first.
 * `done`, if given, is called once the hold has nothing left to do with the response (committed
 * and released, a streamed end included; never for a failed one), so the caller can let go of
 * what it keeps per response.
 */
export function commitBeforeHead(res: ServerResponse, commit: Commit, onError: (error: unknown) => void, finish?: () => Promise<void>, done?: () => void): void {
  const { node, routed } = routePrototype();
  if (res instanceof ServerResponse && !held.has(res)) {
    if (res.writeHead === routed.writeHead && res.write === routed.write && res.end === routed.end && res.flushHeaders === routed.flushHeaders) {
      const hold = new Hold(res, node, node, commit, onError, finish);
      // Dropping the entry at once, instead of leaving it for the garbage collector, keeps the
      // map small, which keeps its cost in every young-generation collection small too. A
      // failed hold stays: it drops what still arrives of the abandoned response.
      hold.onDone = () => {
        if (held.get(res) === hold) held.delete(res);
        done?.();
      };
      held.set(res, hold);
      return;
    }
  }
  // Another wrapper got there first (its own property, or a second hold on this response):
  // wrap what is there, as own properties, so both layers keep working.
  const original = { writeHead: res.writeHead, write: res.write, end: res.end, flushHeaders: res.flushHeaders } as unknown as Record<Method, Fn>;
  const hold = new Hold(res, original, node, commit, onError, finish);
  hold.onDone = done;
  const stack = wrapped.get(res);
  if (stack) stack.push(hold);
  else wrapped.set(res, [hold]);
  for (const method of METHODS) {
    (res as unknown as Record<Method, Fn>)[method] = function (this: ServerResponse, ...args: unknown[]) {
      return hold.call(method, this, args);
    };
  }
}
