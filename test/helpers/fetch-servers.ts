/**
 * Fetch API handlers (`(request: Request) => Promise<Response>`) under test two ways, as the
 * `tessera/web` and `tessera/hono` suites run them: served on a real port of 127.0.0.1 through
 * `@hono/node-server` (Node's HTTP server with its Request/Response bridge), or called directly
 * by a client that keeps cookies exactly as `HttpClient` does over HTTP.
 *
 * @module
 */
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { HttpClient, type HttpResult } from './http-client.js';

/** A Fetch API handler: Next.js route handlers, Bun/Deno `fetch`, Hono's `app.fetch`. */
export type FetchHandler = (request: Request) => Response | Promise<Response>;

/** A handler listening on 127.0.0.1. */
export interface ServedFetch {
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** Stops the server and ends its keep-alive connections. */
  close(): Promise<void>;
}

/** Serves `handler` on an ephemeral port of 127.0.0.1 through `@hono/node-server`. */
export async function serveFetch(handler: FetchHandler): Promise<ServedFetch> {
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: handler, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        if ('closeAllConnections' in server) server.closeAllConnections();
      }),
  };
}

/** An `HttpClient` whose requests go straight to `handler`, no socket in between. */
export class HandlerClient extends HttpClient {
  readonly #handler: FetchHandler;
  readonly #defaults: Record<string, string>;

  constructor(handler: FetchHandler, baseUrl = 'http://app.test', headers: Record<string, string> = {}) {
    super(baseUrl, headers);
    this.#handler = handler;
    this.#defaults = headers;
  }

  override async request(path: string, init: { method?: string; body?: string | URLSearchParams; headers?: Record<string, string> } = {}): Promise<HttpResult> {
    const headers: Record<string, string> = { ...this.#defaults, ...init.headers };
    const cookie = this.cookieHeader;
    if (cookie !== undefined && headers.cookie === undefined) headers.cookie = cookie;
    const request = new Request(new URL(path, this.baseUrl), { method: init.method ?? 'GET', headers, ...(init.body !== undefined ? { body: init.body } : {}) });
    const response = await this.#handler(request);
    const setCookies = response.headers.getSetCookie();
    for (const header of setCookies) this.keep(header);
    return { status: response.status, headers: response.headers, body: await response.text(), setCookies };
  }
}

/** The two ways a Fetch handler is exercised: a client per transport, started and stopped per suite. */
export interface Transport {
  name: string;
  /** Starts serving `handler` (no-op when called directly); returns a client factory and a stop. */
  start(handler: FetchHandler): Promise<{ client(headers?: Record<string, string>): HttpClient; close(): Promise<void> }>;
}

/** Called directly, then on a real port. */
export const transports: readonly Transport[] = [
  {
    name: 'called directly',
    start: async (handler) => ({ client: (headers) => new HandlerClient(handler, 'http://app.test', headers), close: async () => {} }),
  },
  {
    name: 'on a real port (@hono/node-server)',
    start: async (handler) => {
      const served = await serveFetch(handler);
      return { client: (headers) => new HttpClient(served.url, headers), close: () => served.close() };
    },
  },
];
