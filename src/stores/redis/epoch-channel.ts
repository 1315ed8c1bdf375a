/**
 * The revocation epochs' pub/sub channel of `RedisStore` (`watchUserEpochs`): `raiseUserEpoch`
 * publishes `<epoch>:<userKey>` on `<prefix>epochs`, and a watch subscribes to it on a
 * connection of its own, duplicated from the application's client (node-redis `duplicate()` +
 * `connect()`, ioredis `duplicate()`), which it closes when it stops. Classic `PUBLISH` reaches
 * every node of a Cluster, so one subscription on any node hears every raise.
 *
 * Both drivers resubscribe by themselves after a reconnect; the watch reports the gap
 * (`interrupted` on a lost connection, `live` when it is ready again).
 *
 * @module
 */
import type { UserEpochWatcher } from '../../core/store.js';

type Listener = (...args: unknown[]) => void;
interface Emitter {
  on(event: string, listener: Listener): unknown;
}

/** The message a raise publishes. */
export function epochMessage(userKey: string, epoch: number): string {
  return `${epoch}:${userKey}`;
}

/** Delivers one message to the watcher; anything malformed is ignored. */
function deliver(watcher: UserEpochWatcher, message: unknown): void {
  const text = typeof message === 'string' ? message : message instanceof Uint8Array ? Buffer.from(message).toString('utf8') : undefined;
  if (text === undefined) return;
  const colon = text.indexOf(':');
  const epoch = Number(text.slice(0, colon));
  if (colon <= 0 || !Number.isFinite(epoch)) return;
  try {
    watcher.raised(text.slice(colon + 1), epoch);
  } catch {
    // The watcher's own failure: the channel goes on.
  }
}

/** Calls `interrupted`/`live` on the subscriber connection's state changes, once per change. */
function reportGaps(connection: Emitter, lost: readonly string[], ready: string, watcher: UserEpochWatcher): void {
  let up = true;
  for (const event of lost) {
    connection.on(event, () => {
      if (!up) return;
      up = false;
      watcher.interrupted();
    });
  }
  connection.on(ready, () => {
    if (up) return;
    up = true;
    watcher.live();
  });
}

/** Subscribes `watcher` to `channel` on a duplicate of `client`; resolves to the function that stops it. */
export async function watchEpochChannel(client: unknown, driver: 'node-redis' | 'ioredis', channel: string, watcher: UserEpochWatcher): Promise<() => Promise<void>> {
  const c = client as { duplicate?: () => unknown };
  if (typeof c.duplicate !== 'function') throw new TypeError('RedisStore.watchUserEpochs needs a client with duplicate() (node-redis or ioredis)');
  const sub = c.duplicate.call(client) as Emitter & Record<string, (...args: unknown[]) => Promise<unknown>>;
  // Errors surface as `interrupted`; an 'error' event without a listener would crash the process.
  sub.on('error', () => {});
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    const close = sub['close'] ?? sub['quit'] ?? sub['disconnect'];
    await Promise.resolve(close?.call(sub)).catch(() => {});
  };
  try {
    if (driver === 'node-redis') {
      await (sub['connect'] as () => Promise<unknown>).call(sub);
      await (sub['subscribe'] as (ch: string, l: Listener) => Promise<unknown>).call(sub, channel, (message: unknown) => {
        if (!stopped) deliver(watcher, message);
      });
      reportGaps(sub, ['end', 'reconnecting'], 'ready', watcher);
    } else {
      sub.on('message', (ch: unknown, message: unknown) => {
        if (!stopped && ch === channel) deliver(watcher, message);
      });
      await (sub['subscribe'] as (ch: string) => Promise<unknown>).call(sub, channel);
      reportGaps(sub, ['close', 'reconnecting', 'end'], 'ready', watcher);
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return stop;
}
