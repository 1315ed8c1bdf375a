/**
 * Express apps on real ports for adapter tests, for both supported majors: Express 5 (`express`)
 * and Express 4 (installed as the `express4` alias).
 *
 * @module
 */
import { createServer, type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';

const require = createRequire(import.meta.url);

// What the Express adapter tests keep in sessions, typed the way an application does it.
// (Names are prefixed: this augmentation is visible to the whole type-checked program.)
declare module '../../src/core/session.js' {
  interface SessionData {
    expressViews: number;
    expressUser: string;
  }
}

/** Each Express major the adapters support, with its factory (typed as Express 5's). */
export const expressVersions: ReadonlyArray<{ name: string; express: typeof express }> = [
  { name: 'Express 5', express },
  { name: 'Express 4', express: require('express4') as typeof express },
];

/** A listening server. */
export interface Listening {
  url: string;
  close(): Promise<void>;
}

/** Serves `handler` on an ephemeral port of 127.0.0.1. */
export async function listen(handler: RequestListener): Promise<Listening> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // fetch keeps connections alive; end them so close() completes.
        server.closeAllConnections();
      }),
  };
}

/** Wraps an async route so a rejection reaches `next` on Express 4 too (Express 5 does it itself). */
export function route(handler: (req: Request, res: Response) => unknown): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    Promise.resolve()
      .then(() => handler(req, res))
      .catch(next);
  };
}
