/**
 * Starting the benchmark's child processes: a contender's server pinned to core 0, the load
 * generator pinned to core 1, and one-shot measurement children.
 *
 * @module
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './config.js';
import type { LoadPlan, LoginResult, RouteRun } from './load.js';

/** True when `taskset` (util-linux) can pin processes here. */
export function hasTaskset(): boolean {
  return spawnSync('taskset', ['-c', '0', 'true']).status === 0;
}

/** The command line for `node <args>` pinned to `core` (unpinned when `core` is undefined). */
function pinned(core: number | undefined, nodeArgs: string[]): [string, string[]] {
  return core === undefined ? [process.execPath, nodeArgs] : ['taskset', ['-c', String(core), process.execPath, ...nodeArgs]];
}

/** A running contender server. */
export interface Server {
  port: number;
  /** The server's process id. */
  pid: number;
  /** CPU seconds (user + system) the server process has used so far. */
  cpuSeconds(): number;
  stop(): Promise<void>;
}

/** Clock ticks per second of /proc/<pid>/stat times (USER_HZ, 100 on Linux). */
const USER_HZ = 100;

/** CPU seconds of a process from /proc (NaN where /proc is missing). */
export function processCpuSeconds(pid: number | undefined): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the ")" that ends the command name: utime and stime are the 12th and 13th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / USER_HZ;
  } catch {
    return Number.NaN;
  }
}

/** Keeps the last `max` characters of a stream, for error messages. */
function tail(stream: NodeJS.ReadableStream | null, max = 2000): () => string {
  let text = '';
  stream?.on('data', (chunk: Buffer) => {
    text = (text + chunk.toString()).slice(-max);
  });
  return () => text.trim();
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
}

/** Starts `bench/servers/main.ts <id>` and waits for its `READY <port>` line. */
export async function startServer(id: string, options: { core: number | undefined; profileDir?: string }): Promise<Server> {
  const args = ['--import', 'tsx'];
  if (options.profileDir) args.push('--cpu-prof', '--cpu-prof-dir', options.profileDir);
  args.push(join(ROOT, 'bench/servers/main.ts'), id);
  const [cmd, argv] = pinned(options.core, args);
  const child = spawn(cmd, argv, { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
  const stderr = tail(child.stderr);
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`${id}: server not ready after 60 s. ${stderr()}`)), 60_000);
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /READY (\d+)/.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${id}: server exited (${code}) before it was ready. ${stderr()}`));
    });
  });
  return {
    port,
    pid: child.pid as number,
    // taskset execs node in place, so the child's pid is the server's.
    cpuSeconds: () => processCpuSeconds(child.pid),
    stop: async () => {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      await exited(child);
      clearTimeout(timer);
      if (child.exitCode !== 0) console.error(`  ${id}: server exit ${child.exitCode ?? child.signalCode}: ${stderr()}`);
    },
  };
}

/** Runs `node <script> <args>` to completion and returns its last stdout line, parsed as JSON. */
export function runJson<T>(script: string, args: string[], options: { core?: number | undefined; nodeArgs?: string[]; timeoutMs: number }): Promise<T> {
  const [cmd, argv] = pinned(options.core, [...(options.nodeArgs ?? []), '--import', 'tsx', join(ROOT, script), ...args]);
  const child = spawn(cmd, argv, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  const stderr = tail(child.stderr);
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString();
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs);
  return new Promise<T>((resolve, reject) => {
    child.once('exit', (code) => {
      clearTimeout(timer);
      const last = out.trim().split('\n').pop() ?? '';
      if (code !== 0 || !last) reject(new Error(`${script} exited ${code ?? child.signalCode}: ${stderr()}`));
      else resolve(JSON.parse(last) as T);
    });
  });
}

/** The load generator process, started once and given one plan at a time. */
export interface LoadWorker {
  run(plan: Extract<LoadPlan, { mode: 'login' }>): Promise<LoginResult>;
  run(plan: Extract<LoadPlan, { mode: 'route' }>): Promise<RouteRun>;
  stop(): Promise<void>;
}

/** Starts `bench/load.ts` pinned to `core`. A plan that overruns its time budget kills it. */
export function startLoadWorker(core: number | undefined): LoadWorker {
  const [cmd, argv] = pinned(core, ['--import', 'tsx', join(ROOT, 'bench/load.ts')]);
  const child = spawn(cmd, argv, { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
  const stderr = tail(child.stderr);
  let buffer = '';
  let pending: { resolve: (line: string) => void; reject: (error: Error) => void } | undefined;
  child.stdout.on('data', (chunk: Buffer) => {
    buffer += chunk.toString();
    let nl;
    while ((nl = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
      const waiter = pending;
      pending = undefined;
      waiter?.resolve(line);
    }
  });
  child.once('exit', (code) => pending?.reject(new Error(`load generator exited (${code ?? child.signalCode}): ${stderr()}`)));
  const run = (plan: LoadPlan): Promise<unknown> => {
    if (pending) return Promise.reject(new Error('load generator is busy'));
    const budget = plan.mode === 'login' ? plan.sessions * 50 + 60_000 : (plan.duration + 60) * 1000;
    return new Promise<unknown>((resolve, reject) => {
      const timer = setTimeout(() => child.kill('SIGKILL'), budget);
      pending = {
        resolve: (line) => {
          clearTimeout(timer);
          const reply = JSON.parse(line) as { ok?: unknown; error?: string };
          if (reply.error !== undefined) reject(new Error(reply.error));
          else resolve(reply.ok);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      };
      child.stdin.write(`${JSON.stringify(plan)}\n`);
    });
  };
  return {
    run: run as LoadWorker['run'],
    stop: async () => {
      child.stdin.end();
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited(child);
      clearTimeout(timer);
    },
  };
}
