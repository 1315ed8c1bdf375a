/**
 * The users' revocation epochs, kept in memory and refreshed by the store's own channel
 * (`Store.watchUserEpochs`: Redis pub/sub, PostgreSQL `LISTEN/NOTIFY`, in-process for
 * `MemoryStore`), so the cookie cache (`cookie-cache.ts`) can tell a revoked session without a
 * store call.
 *
 * The map only knows the raises delivered since the watch went live. So it vouches only for a
 * cache cookie read from the store after that moment (`since`): a cookie read before may hide a
 * raise the map never saw, and falls through to the store. A dropped channel (`interrupted`)
 * vouches for nothing until it is back (`live`, which moves `since` to then). Bounded: past
 * `maxUsers` entries the map starts over, which is the same as a gap.
 *
 * Clocks: epochs and read times come from the servers' clocks, as the store-side epoch check
 * does; keep the fleet's clocks synchronised (NTP).
 *
 * @module
 */
import type { Clock } from './clock.js';
import type { Store, UserEpochWatcher } from './store.js';

/** How long to wait before trying to start a watch that failed to start (the store was down). */
const RETRY_AFTER = 1000;

/** The in-process epoch map of one manager (see the module comment). @internal */
export class EpochCache implements UserEpochWatcher {
  readonly #store: Store & Required<Pick<Store, 'watchUserEpochs'>>;
  readonly #clock: Clock;
  readonly #maxUsers: number;
  readonly #epochs = new Map<string, number>();
  /** From when on the map holds every raise; `undefined` while the watch is not live. */
  #since: number | undefined;
  #starting: Promise<void> | undefined;
  #stop: (() => Promise<void>) | undefined;
  #retryAt = Number.NEGATIVE_INFINITY;
  #closed = false;

  constructor(store: Store & Required<Pick<Store, 'watchUserEpochs'>>, clock: Clock, maxUsers = 100_000) {
    this.#store = store;
    this.#clock = clock;
    this.#maxUsers = maxUsers;
  }

  /** Starts the watch if it is not running (again no sooner than a second after a failed start). */
  start(): void {
    if (this.#closed || this.#stop !== undefined || this.#starting !== undefined || Date.now() < this.#retryAt) return;
    let started: Promise<() => Promise<void>>;
    try {
      started = this.#store.watchUserEpochs(this);
    } catch (error) {
      started = Promise.reject(error);
    }
    this.#starting = started.then(
      (stop) => {
        this.#starting = undefined;
        if (this.#closed) return void stop().catch(() => {});
        this.#stop = stop;
        this.#since = this.#clock();
      },
      () => {
        this.#starting = undefined;
        // Real time, not the injected clock: this paces calls to a server.
        this.#retryAt = Date.now() + RETRY_AFTER;
      },
    );
  }

  /** Resolves once a start in progress has settled (for tests and `close`). */
  async ready(): Promise<boolean> {
    await this.#starting;
    return this.#since !== undefined;
  }

  /**
   * Whether a session of `userKey`, bound to the user at `bound` and read from the store at
   * `readAt`, is known not to be revoked; `false` when revoked or when the map cannot vouch for it.
   */
  allows(userKey: string, bound: number, readAt: number): boolean {
    const since = this.#since;
    if (since === undefined) {
      this.start();
      return false;
    }
    return readAt >= since && bound >= (this.#epochs.get(userKey) ?? 0);
  }

  /** Whether the watch delivers right now (a copy can be vouched for). */
  get delivering(): boolean {
    return this.#since !== undefined;
  }

  /**
   * Whether the map alone proves that a session of `userKey` bound at `bound` is not revoked, so
   * the store's epoch need not be read: it was bound after the watch went live (every raise that
   * could revoke it came later, so was delivered) and no delivered raise is later than it.
   */
  vouchesFor(userKey: string, bound: number): boolean {
    const since = this.#since;
    return since !== undefined && bound >= since && bound >= (this.#epochs.get(userKey) ?? 0);
  }

  /** The largest epoch delivered for `userKey`, if any (for tests and diagnostics). */
  epochOf(userKey: string): number | undefined {
    return this.#epochs.get(userKey);
  }

  raised(userKey: string, epoch: number): void {
    if (typeof userKey !== 'string' || !Number.isFinite(epoch)) return;
    const known = this.#epochs.get(userKey);
    if (known !== undefined && known >= epoch) return;
    if (known === undefined && this.#epochs.size >= this.#maxUsers) {
      // Forgetting an epoch could revive a revoked cache: start over, vouching only from now.
      this.#epochs.clear();
      if (this.#since !== undefined) this.#since = this.#clock();
    }
    this.#epochs.set(userKey, epoch);
  }

  interrupted(): void {
    this.#since = undefined;
  }

  live(): void {
    if (this.#stop !== undefined) this.#since = this.#clock();
  }

  /** Stops the watch. */
  async close(): Promise<void> {
    this.#closed = true;
    this.#since = undefined;
    await this.#starting;
    const stop = this.#stop;
    this.#stop = undefined;
    await stop?.();
  }
}
