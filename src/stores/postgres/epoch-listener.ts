/**
 * The revocation epochs' `LISTEN/NOTIFY` channel of `PostgresStore` (`watchUserEpochs`): the
 * raise statement notifies `<table>_epochs` with `<epoch>:<userKey>` in the same statement (so a
 * notification goes out exactly when the raise commits), and a watch listens on one connection
 * it takes from the pool for as long as it runs (one connection of the pool's `max`).
 *
 * A lost connection (a terminated backend, a restart) is reported as `interrupted`; the watch
 * takes a new connection (retrying every second) and reports `live` once it listens again.
 *
 * @module
 */
import type { UserEpochWatcher } from '../../core/store.js';

/** A pooled client, as `pg` gives it. */
interface ListenClient {
  query(text: string): Promise<unknown>;
  on(event: string, listener: (...args: never[]) => void): unknown;
  removeAllListeners(event: string): unknown;
  release(error?: Error | boolean): void;
}

/** What the watch needs of the pool: `connect`. A `pg.Pool` fits. */
export interface ListenPool {
  connect(): Promise<ListenClient>;
}

const RETRY_MS = 1000;

/** Listens on `channel` through a client of `pool`; resolves, once listening, to the function that stops it. */
export async function listenForEpochs(pool: ListenPool, channel: string, watcher: UserEpochWatcher): Promise<() => Promise<void>> {
  let client: ListenClient | undefined;
  let stopped = false;
  let retry: NodeJS.Timeout | undefined;
  const listen = `LISTEN "${channel}"`;

  const onNotification = (message: { channel?: string; payload?: string }): void => {
    if (stopped || message.channel !== channel || typeof message.payload !== 'string') return;
    const colon = message.payload.indexOf(':');
    const epoch = Number(message.payload.slice(0, colon));
    if (colon <= 0 || !Number.isFinite(epoch)) return;
    try {
      watcher.raised(message.payload.slice(colon + 1), epoch);
    } catch {
      // The watcher's own failure: the channel goes on.
    }
  };

  const detach = (c: ListenClient): void => {
    c.removeAllListeners('notification');
    c.removeAllListeners('error');
    c.removeAllListeners('end');
  };

  const lost = (c: ListenClient, error?: unknown): void => {
    if (client !== c) return;
    client = undefined;
    detach(c);
    c.on('error', () => {});
    c.release(error instanceof Error ? error : true);
    if (stopped) return;
    watcher.interrupted();
    schedule();
  };

  const open = async (): Promise<void> => {
    const c = await pool.connect();
    c.on('notification', onNotification as (...args: never[]) => void);
    c.on('error', ((error: unknown) => lost(c, error)) as (...args: never[]) => void);
    c.on('end', (() => lost(c)) as (...args: never[]) => void);
    client = c;
    try {
      await c.query(listen);
    } catch (error) {
      lost(c, error);
      throw error;
    }
  };

  const schedule = (): void => {
    retry = setTimeout(() => {
      retry = undefined;
      if (stopped) return;
      open().then(
        () => (stopped ? undefined : watcher.live()),
        () => undefined, // `lost` scheduled the next try
      );
    }, RETRY_MS);
    retry.unref();
  };

  await open();
  return async () => {
    if (stopped) return;
    stopped = true;
    if (retry !== undefined) clearTimeout(retry);
    const c = client;
    client = undefined;
    if (c === undefined) return;
    detach(c);
    c.on('error', () => {});
    await c.query(`UNLISTEN "${channel}"`).catch(() => {});
    c.release();
  };
}
