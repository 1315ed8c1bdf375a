/**
 * What `tessera/node` reads from a bare `IncomingMessage` that a framework would otherwise tell
 * it (Express's `req.secure` and `req.ip`).
 *
 * @module
 */
import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';

/** The first value of a comma-separated header, trimmed (`https, http` -> `https`), or `undefined`. */
function firstValue(header: string | string[] | undefined): string | undefined {
  const text = Array.isArray(header) ? header[0] : header;
  if (text === undefined) return undefined;
  const first = text.split(',', 1)[0]!.trim();
  return first === '' ? undefined : first;
}

/**
 * Whether the request reached the app over HTTPS: its own socket is TLS, or, only when the app
 * says a TLS-terminating proxy stands in front (`trustProxy`), the proxy's `X-Forwarded-Proto`
 * says `https`. Without `trustProxy` that header is ignored: any client can send it, and a
 * forged one would make the server set a `Secure` cookie the client then sends over plain HTTP.
 */
export function isSecure(req: IncomingMessage, trustProxy: boolean): boolean {
  if (trustProxy) {
    const proto = firstValue(req.headers['x-forwarded-proto']);
    if (proto !== undefined) return proto.toLowerCase() === 'https';
  }
  return (req.socket as Partial<TLSSocket> | null)?.encrypted === true;
}

/** The client's address for the device list: the socket's peer, or with `trustProxy` the first `X-Forwarded-For` entry (as Express's `req.ip` with `trust proxy: true`). */
export function clientIp(req: IncomingMessage, trustProxy: boolean): string | undefined {
  if (trustProxy) {
    const forwarded = firstValue(req.headers['x-forwarded-for']);
    if (forwarded !== undefined) return forwarded;
  }
  return req.socket?.remoteAddress;
}
