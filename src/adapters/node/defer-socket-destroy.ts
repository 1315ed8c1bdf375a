/**
 * Keeps a held response's socket alive until the response has gone out. Express's final handler
 * destroys the socket for an error raised after the response "was sent" (a `next()` or a throw
 * after `res.send`); in Node alone that response was already written, so the client still gets
 * it. While the response is held, that destroy waits until the response has finished.
 *
 * @module
 */
import type { ServerResponse } from 'node:http';

/**
 * Defers a plain `socket.destroy()` on `res`'s socket; returns the function that restores the
 * socket's own `destroy` (and runs a deferred destroy once `res` has finished), or `undefined`
 * when there is nothing to defer. A destroy with an error, or of a socket the client has closed,
 * goes through at once: those are Node's own.
 */
export function deferSocketDestroy(res: ServerResponse): (() => void) | undefined {
  const socket = res.req?.socket;
  if (!socket || Object.hasOwn(socket, 'destroy')) return undefined;
  const real = socket.destroy;
  let deferred = false;
  socket.destroy = function (this: typeof socket, error?: Error) {
    if (error || this.readableEnded || !this.writable) return real.call(this, error);
    deferred = true;
    return this;
  };
  return () => {
    delete (socket as Partial<typeof socket>).destroy;
    if (!deferred) return;
    const run = (): void => void socket.destroy();
    if (res.writableFinished || res.destroyed) run();
    else {
      res.once('finish', run);
      res.once('close', run);
    }
  };
}
