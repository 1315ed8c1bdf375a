/**
 * Deadlines for store calls, without a timer per call. Every call of a request used to arm and
 * clear its own `setTimeout`; under HTTP load that cost more server CPU than the memory store's
 * whole read. Calls with the same timeout end in the order they started, so one queue per
 * duration, in start order, and one timer for the earliest deadline serve them all: a call
 * that settles only marks its entry done, and the timer, when it fires, ends what is overdue
 * and is set again for the next entry still waiting. At most one timer per duration is armed,
 * and it never keeps the process alive.
 *
 * @module
 */

/** A call waiting for its deadline; `expire` is cleared once the call settled. */
export interface Deadline {
  readonly at: number;
  expire: (() => void) | undefined;
}

/** Entries of one duration, in start order (so in deadline order). @internal */
export class DeadlineQueue {
  #entries: Deadline[] = [];
  #head = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  /** The deadline the timer was set for: once it fires, that moment has surely come. */
  #armedFor = 0;

  constructor(private readonly ms: number) {}

  add(expire: () => void): Deadline {
    const entry: Deadline = { at: performance.now() + this.ms, expire };
    this.#entries.push(entry);
    if (this.#timer === undefined) this.#arm(entry.at);
    return entry;
  }

  /** The call settled before its deadline: its entry is done, and settled entries at the front go. */
  settled(entry: Deadline): void {
    entry.expire = undefined;
    this.#dropSettled();
  }

  #dropSettled(): void {
    const entries = this.#entries;
    while (this.#head < entries.length && entries[this.#head]!.expire === undefined) this.#head++;
    if (this.#head === entries.length) {
      this.#entries = [];
      this.#head = 0;
    } else if (this.#head > 1024 && this.#head * 2 > entries.length) {
      this.#entries = entries.slice(this.#head);
      this.#head = 0;
    }
  }

  #arm(at: number): void {
    this.#armedFor = at;
    this.#timer = setTimeout(() => this.#fire(), Math.max(1, Math.ceil(at - performance.now())));
    this.#timer.unref?.();
  }

  #fire(): void {
    this.#timer = undefined;
    const now = Math.max(performance.now(), this.#armedFor);
    const entries = this.#entries;
    while (this.#head < entries.length && entries[this.#head]!.at <= now) {
      const entry = entries[this.#head++]!;
      const expire = entry.expire;
      entry.expire = undefined;
      expire?.();
    }
    // Settled entries behind the expired ones go too, so the timer is set for one still waiting.
    this.#dropSettled();
    if (this.#head < this.#entries.length) this.#arm(this.#entries[this.#head]!.at);
  }
}

const queues = new Map<number, DeadlineQueue>();

/** Calls `expire` once `ms` have passed, unless `cancelDeadline` came first. */
export function startDeadline(ms: number, expire: () => void): { queue: DeadlineQueue; entry: Deadline } {
  let queue = queues.get(ms);
  if (queue === undefined) {
    queue = new DeadlineQueue(ms);
    queues.set(ms, queue);
  }
  return { queue, entry: queue.add(expire) };
}

/** The call settled: its deadline no longer applies. */
export function cancelDeadline(deadline: { queue: DeadlineQueue; entry: Deadline }): void {
  deadline.queue.settled(deadline.entry);
}
