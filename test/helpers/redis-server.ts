/**
 * A private `redis-server` a test starts on a spare loopback port, so it can kill, pause and
 * restart it (never the shared server on 6379, which other test files use at the same time),
 * plus raw inline commands and a MONITOR tap to count what a client really sent.
 *
 * @module
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** True when a `redis-server` binary is on the PATH. */
export function redisServerInstalled(): boolean {
  return spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;
}

/** Sends one inline command to a server and resolves to its raw reply, or `''` on any failure. */
export function rawCommand(port: number, command: string, timeoutMs = 1000): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    let reply = '';
    const done = (): void => {
      socket.destroy();
      resolve(reply);
    };
    socket.setTimeout(timeoutMs, done);
    socket.once('error', done);
    socket.once('connect', () => socket.write(`${command}\r\n`));
    socket.on('data', (chunk: Buffer) => {
      reply += chunk.toString('utf8');
      // A bulk reply is complete once its announced length has arrived; other replies are one line.
      const bulk = /^\$(-?\d+)\r\n/.exec(reply);
      if (bulk === null ? reply.endsWith('\r\n') : reply.length >= bulk[0].length + Number(bulk[1]) + 2) done();
    });
  });
}

/** A port nothing listens on right now (the OS picks it). */
export function sparePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** A redis-server child process this test controls. */
export class PrivateRedis {
  readonly port: number;
  readonly #dir = mkdtempSync(join(tmpdir(), 'tessera-redis-'));
  #child: ChildProcess | undefined;
  readonly #onExit = (): void => void this.#child?.kill('SIGKILL');
  readonly #persist: boolean;
  readonly #cluster: { nodeTimeout: number; busPort: number } | undefined;

  /**
   * With `persist`, every write is fsynced to an append-only file before it is acknowledged, so a
   * killed server restarts with it. With `cluster`, the server is a Redis Cluster node with that
   * node timeout (ms) and cluster bus port, its `nodes.conf` kept in its directory across
   * restarts (see `private-cluster.ts`).
   */
  constructor(port: number, options: { persist?: boolean; cluster?: { nodeTimeout: number; busPort: number } } = {}) {
    this.port = port;
    this.#persist = options.persist ?? false;
    this.#cluster = options.cluster;
  }

  /** `redis://127.0.0.1:<port>`. */
  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Starts the server (empty unless `persist`) and resolves once it answers PING. */
  async start(): Promise<void> {
    const aof = this.#persist ? ['--appendonly', 'yes', '--appendfsync', 'always'] : ['--appendonly', 'no'];
    const c = this.#cluster;
    const cluster = c === undefined ? [] : ['--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf', '--cluster-node-timeout', String(c.nodeTimeout), '--cluster-port', String(c.busPort)];
    const args = ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', ...aof, ...cluster, '--daemonize', 'no', '--dir', this.#dir];
    this.#child = spawn('redis-server', args, { stdio: 'ignore' });
    process.once('exit', this.#onExit);
    for (let i = 0; i < 100; i++) {
      if ((await rawCommand(this.port, 'PING', 200)).startsWith('+PONG')) return;
      await sleep(50);
    }
    throw new Error(`redis-server on port ${this.port} did not start`);
  }

  /** Kills the server outright (SIGKILL: no goodbye to the clients) and waits for it to exit. */
  async kill(): Promise<void> {
    const child = this.#child;
    if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGCONT');
    child.kill('SIGKILL');
    await exited;
    process.removeListener('exit', this.#onExit);
  }

  /** Freezes the server (SIGSTOP): connections stay open, nothing is answered. */
  pause(): void {
    this.#child?.kill('SIGSTOP');
  }

  /** Thaws a paused server (SIGCONT). */
  resume(): void {
    this.#child?.kill('SIGCONT');
  }

  /** Kills the server and removes its directory. */
  async stop(): Promise<void> {
    await this.kill();
    rmSync(this.#dir, { recursive: true, force: true });
  }
}

/**
 * Records the commands clients send to the server while `run` runs (MONITOR), without the ones
 * scripts run inside the server. Each entry is the command's arguments, name upper-cased.
 */
export async function monitorCommands(port: number, run: () => Promise<void>): Promise<string[][]> {
  const socket = connect({ host: '127.0.0.1', port });
  let text = '';
  socket.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.once('connect', () => socket.write('MONITOR\r\n'));
    const wait = (): void => void (text.startsWith('+OK\r\n') ? resolve() : setTimeout(wait, 5));
    wait();
  });
  try {
    await run();
    // MONITOR lines arrive after the replies: a PING from here marks the end of `run`'s commands.
    await rawCommand(port, 'PING');
    for (let i = 0; i < 100 && !/"PING"\r\n/i.test(text); i++) await sleep(10);
  } finally {
    socket.destroy();
  }
  return text
    .split('\r\n')
    .filter((line) => /^\+\d+\.\d+ \[\d+ [\d.:]+\] /.test(line))
    .map((line) => [...line.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((m, i) => (i === 0 ? (m[1] ?? '').toUpperCase() : (m[1] ?? ''))))
    .filter((args) => args[0] !== 'PING');
}

/** A TCP proxy to a local port that holds every client-to-server chunk back `delayMs`. */
export interface LatencyProxy {
  readonly port: number;
  close(): Promise<void>;
}

/**
 * Starts a proxy adding `delayMs` of latency to each request, so a test can count round trips
 * by the clock: a call that takes one round trip finishes after about `delayMs`, two after twice.
 */
export function latencyProxy(targetPort: number, delayMs: number): Promise<LatencyProxy> {
  const sockets = new Set<Socket>();
  const server = createServer((downstream) => {
    const upstream = connect({ host: '127.0.0.1', port: targetPort });
    for (const socket of [downstream, upstream]) {
      sockets.add(socket);
      socket.once('close', () => sockets.delete(socket));
      socket.on('error', () => undefined);
    }
    // Equal delays fire in arrival order, so the byte stream keeps its order.
    downstream.on('data', (chunk: Buffer) => void setTimeout(() => upstream.write(chunk), delayMs));
    upstream.pipe(downstream);
    downstream.once('close', () => upstream.destroy());
    upstream.once('close', () => downstream.destroy());
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      if (typeof address !== 'object' || address === null) return reject(new Error('no port'));
      resolve({
        port: address.port,
        close: () =>
          new Promise<void>((done) => {
            for (const socket of sockets) socket.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}
