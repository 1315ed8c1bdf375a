/**
 * A TCP pass-through to a local server that a test can close and reopen on the same port: while
 * closed, connections to it are refused (ECONNREFUSED) and open ones are cut, as when the
 * database host goes away; reopened, the server is reachable again at the same address.
 *
 * @module
 */
import { connect, createServer, type Server, type Socket } from 'node:net';
import { sparePort } from '../helpers/redis-server.js';

/** A gate in front of `127.0.0.1:<target>`. */
export class TcpGate {
  readonly port: number;
  readonly #target: number;
  readonly #sockets = new Set<Socket>();
  #server: Server | undefined;

  private constructor(port: number, target: number) {
    this.port = port;
    this.#target = target;
  }

  /** Opens a gate on a spare port. */
  static async open(target: number): Promise<TcpGate> {
    const gate = new TcpGate(await sparePort(), target);
    await gate.reopen();
    return gate;
  }

  /** Listens again (connections pass through to the target). */
  reopen(): Promise<void> {
    const server = createServer((downstream) => {
      const upstream = connect({ host: '127.0.0.1', port: this.#target });
      for (const socket of [downstream, upstream]) {
        this.#sockets.add(socket);
        socket.once('close', () => this.#sockets.delete(socket));
        socket.on('error', () => undefined);
      }
      downstream.pipe(upstream);
      upstream.pipe(downstream);
      downstream.once('close', () => upstream.destroy());
      upstream.once('close', () => downstream.destroy());
    });
    this.#server = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
  }

  /** Stops listening and cuts every connection through the gate. */
  close(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    for (const socket of this.#sockets) socket.destroy();
    if (server === undefined) return Promise.resolve();
    return new Promise((resolve) => server.close(() => resolve()));
  }
}
