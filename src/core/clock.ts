/** The one source of time in Tessera: milliseconds since the epoch. Inject it to test expiry. */
export type Clock = () => number;

/** The system clock. */
export const systemClock: Clock = () => Date.now();
