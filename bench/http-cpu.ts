/**
 * A minimal keep-alive HTTP/1.1 client and a fine-grained CPU clock of another process, for the
 * in-process CPU measurements (`read-cpu.ts`, `pair-cpu.ts`, `gc-check.ts`, `warmup-curve.ts`):
 * a logged-in session pool, prebuilt requests, one exchange at a time per socket, and nothing in
 * the client that a server under test would be charged for.
 *
 * @module
 */
import { readdirSync, readFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';

/** The routes the in-process measurements drive. */
export type DrivenRoute = 'read' | 'modify';

/** `value` as a driven route, from the command line; a `TypeError` for anything else. */
export function drivenRoute(value: string): DrivenRoute {
  if (value !== 'read' && value !== 'modify') throw new TypeError(`route must be read or modify, got ${value}`);
  return value;
}

/**
 * Logs `n` users in on the benchmark server at `port` (`POST /login`); resolves to each session's
 * `Cookie` header value (every cookie set: koa-session signs with a second one), or `undefined`
 * for a server that sets none (a sessionless contender).
 */
export async function logInPool(port: number, n = 1000): Promise<string[] | undefined> {
  const cookies: string[] = [];
  for (let i = 0; i < n; i++) {
    const res = await fetch(`http://127.0.0.1:${port}/login?u=user-${i}`, { method: 'POST' });
    await res.text();
    const set = res.headers.getSetCookie().map((line) => line.split(';', 1)[0] as string);
    if (set.length === 0) return undefined;
    cookies.push(set.join('; '));
  }
  return cookies;
}

/** The raw HTTP/1.1 request of `route` with `cookie`, built once and sent as is. */
export function routeRequest(route: DrivenRoute, cookie: string): string {
  return route === 'read'
    ? `GET /read HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: ${cookie}\r\n\r\n`
    : `POST /modify HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: ${cookie}\r\nContent-Length: 0\r\n\r\n`;
}

/** The CPU time of every thread of process `pid` so far, µs (schedstat: nanoseconds, unlike /proc/<pid>/stat's 10 ms ticks). */
export function processCpu(pid: number): number {
  let ns = 0;
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      ns += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ', 1)[0]);
    } catch {
      // A thread that ended meanwhile.
    }
  }
  return ns / 1000;
}

/** One HTTP/1.1 exchange at a time per socket: sends `request`, resolves with status and body. */
export class Connection {
  readonly #socket: Socket;
  #buffer = '';
  #waiting: ((response: { status: number; body: string }) => void) | undefined;
  #failed: ((error: Error) => void) | undefined;

  constructor(port: number) {
    this.#socket = connect(port, '127.0.0.1');
    this.#socket.setNoDelay(true);
    this.#socket.setEncoding('latin1');
    this.#socket.on('data', (chunk: string) => {
      this.#buffer += chunk;
      this.#drain();
    });
    this.#socket.on('close', () => this.#failed?.(new Error('bench: the server closed a connection')));
  }

  send(request: string): Promise<{ status: number; body: string }> {
    return new Promise((resolve, reject) => {
      this.#waiting = resolve;
      this.#failed = reject;
      this.#socket.write(request, 'latin1');
    });
  }

  #drain(): void {
    const end = this.#buffer.indexOf('\r\n\r\n');
    if (end < 0 || this.#waiting === undefined) return;
    const head = this.#buffer.slice(0, end);
    const length = Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1] ?? 0);
    if (this.#buffer.length < end + 4 + length) return;
    const body = this.#buffer.slice(end + 4, end + 4 + length);
    this.#buffer = this.#buffer.slice(end + 4 + length);
    const resolve = this.#waiting;
    this.#waiting = undefined;
    resolve({ status: Number(head.slice(9, 12)), body });
  }

  close(): void {
    this.#failed = undefined;
    this.#socket.destroy();
  }
}
