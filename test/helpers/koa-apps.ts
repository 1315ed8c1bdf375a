/**
 * Koa apps on real ports for the `tessera/koa` tests, and a store whose calls can be held,
 * failed or hung on cue.
 *
 * ControlledStore is a fault-injection double: the real MemoryStore, with `set` held until the
 * test releases it or chosen methods made to reject or never answer (a real server cannot be
 * paused or broken on cue). Everything it stores is real.
 *
 * @module
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type Koa from 'koa';
import type { Store, StoreRecord } from '../../src/core/store.js';
import { MemoryStore } from '../../src/stores/memory/memory-store.js';

// What the Koa adapter tests keep in sessions, typed the way an application does it.
// (Names are prefixed: this augmentation is visible to the whole type-checked program.)
declare module '../../src/core/session.js' {
  interface SessionData {
    koaViews: number;
    koaNote: string;
  }
}

/** A listening server. */
export interface KoaListening {
  url: string;
  close(): Promise<void>;
}

/** Serves `app` on an ephemeral port of 127.0.0.1. */
export async function listenKoa(app: Koa): Promise<KoaListening> {
  const server = createServer(app.callback());
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

type Operation = 'get' | 'set' | 'touch' | 'delete';

/** A MemoryStore whose writes can be held, and whose calls can fail or hang, on cue. */
export class ControlledStore implements Store {
  readonly inner = new MemoryStore({ sweepInterval: 0 });
  /** What happened, in order: `set:start`, `set:done`, plus what tests push. */
  readonly log: string[] = [];
  /** Calls that reject. */
  readonly failing = new Set<Operation>();
  /** Calls that never answer (the manager's `storeTimeout` ends them). */
  readonly hanging = new Set<Operation>();
  #gate: Promise<void> | undefined;
  #open: (() => void) | undefined;
  #started: (() => void) | undefined;

  /** Holds the next set until `release()`; resolves once that set has started. */
  hold(): Promise<void> {
    this.#gate = new Promise((resolve) => (this.#open = resolve));
    return new Promise((resolve) => (this.#started = resolve));
  }

  release(): void {
    this.#open?.();
    this.#gate = undefined;
  }

  #fault(op: Operation): Promise<never> | undefined {
    if (this.hanging.has(op)) return new Promise<never>(() => {});
    return this.failing.has(op) ? Promise.reject(new Error(`${op}: connection lost`)) : undefined;
  }

  get(key: string): Promise<StoreRecord | undefined> {
    return this.#fault('get') ?? this.inner.get(key);
  }
  async set(key: string, record: StoreRecord): Promise<void> {
    this.log.push('set:start');
    this.#started?.();
    this.#started = undefined;
    if (this.#gate) await this.#gate;
    await (this.#fault('set') ?? this.inner.set(key, record));
    this.log.push('set:done');
  }
  touch(key: string, record: StoreRecord): Promise<void> {
    return this.#fault('touch') ?? this.inner.touch(key, record);
  }
  delete(key: string): Promise<void> {
    return this.#fault('delete') ?? this.inner.delete(key);
  }
}
