/**
 * The device facts a request gives for the device list (see `devices.ts`): its user agent, cut
 * to 256 characters, and its IP address, cut to a /24 (IPv4) or /48 (IPv6) prefix by default so
 * the store keeps roughly where a login came from without pinpointing the subscriber; and the
 * `devices` option that turns this on.
 *
 * @module
 */
import { isIPv4, isIPv6 } from './ip-address.js';
import type { Store } from './store.js';

/** How much of the client's IP address a session record keeps: a /24 (IPv4) or /48 (IPv6) prefix, all of it, or none. */
export type DeviceIpMode = 'prefix' | 'full' | false;

/** The `devices` option of `SessionManager`. */
export interface DeviceOptions {
  /** How much of the IP address to keep. Default `'prefix'` (`203.0.113.0/24`, `2001:db8:1::/48`). */
  ip?: DeviceIpMode;
  /**
   * A per-user revocation epoch: `revokeAllSessions` raises it, and any session of the user
   * bound before it is dead on its next request, even one the index missed. Costs one small
   * store read per request of a logged-in session. Default `false`; needs a store with
   * `userEpoch`/`raiseUserEpoch` (Tessera's four stores).
   */
  epoch?: boolean;
}

/** Resolved device settings; `undefined` on the engine when device tracking is off. */
export interface DeviceConfig {
  ip: DeviceIpMode;
  epoch: boolean;
}

/** What the request tells about the device (already truncated as configured). */
export interface ClientInfo {
  userAgent?: string | undefined;
  ip?: string | undefined;
}

/** Longest user agent kept, in characters. */
export const MAX_USER_AGENT = 256;

/**
 * The device settings for the `devices` option. Unset: on when the store keeps a per-user index,
 * else off; `true` or an object with a store that has none: a `TypeError`, now rather than at
 * the first `listSessions` (an express-session store behind the bridge has no index).
 */
export function resolveDevices(option: unknown, store: Store): DeviceConfig | undefined {
  const indexed = typeof store.listByUser === 'function' && typeof store.deleteByUser === 'function';
  if (option === false) return undefined;
  if (option === undefined) return indexed ? { ip: 'prefix', epoch: false } : undefined;
  if (option !== true && (typeof option !== 'object' || option === null)) throw new TypeError("devices must be true, false or { ip: 'prefix' | 'full' | false, epoch: boolean }");
  const { ip, epoch } = option === true ? {} : (option as DeviceOptions);
  if (ip !== undefined && ip !== 'prefix' && ip !== 'full' && ip !== false) throw new TypeError("devices.ip must be 'prefix' (default), 'full' or false");
  if (epoch !== undefined && typeof epoch !== 'boolean') throw new TypeError('devices.epoch must be a boolean');
  if (!indexed) {
    throw new TypeError('devices needs a store with a per-user index (listByUser and deleteByUser): use MemoryStore, SqliteStore, RedisStore or PostgresStore; an express-session store behind tessera/connect has none');
  }
  if (epoch === true && (typeof store.userEpoch !== 'function' || typeof store.raiseUserEpoch !== 'function')) {
    throw new TypeError('devices.epoch needs a store with userEpoch and raiseUserEpoch (MemoryStore, SqliteStore, RedisStore, PostgresStore)');
  }
  return { ip: ip ?? 'prefix', epoch: epoch === true };
}

/** The device facts of a request, truncated as configured. */
export function clientInfo(config: Pick<DeviceConfig, 'ip'>, userAgent: unknown, ip: unknown): ClientInfo {
  const out: ClientInfo = {};
  if (typeof userAgent === 'string' && userAgent !== '') out.userAgent = userAgent.slice(0, MAX_USER_AGENT);
  if (typeof ip === 'string' && config.ip !== false) {
    const kept = config.ip === 'full' ? normalIp(ip) : ipPrefix(ip);
    if (kept !== undefined) out.ip = kept;
  }
  return out;
}

/**
 * `clientInfo`, worked out on first use: only a write of a logged-in session records the
 * device, and most requests write nothing, so a read pays for neither the user agent's copy
 * nor the IP's parsing.
 */
export function deferredClientInfo(config: Pick<DeviceConfig, 'ip'>, userAgent: unknown, ip: unknown): ClientInfo {
  return new DeferredClientInfo(config, userAgent, ip);
}

class DeferredClientInfo implements ClientInfo {
  #facts: ClientInfo | undefined;
  readonly #config: Pick<DeviceConfig, 'ip'>;
  readonly #userAgent: unknown;
  readonly #ip: unknown;

  constructor(config: Pick<DeviceConfig, 'ip'>, userAgent: unknown, ip: unknown) {
    this.#config = config;
    this.#userAgent = userAgent;
    this.#ip = ip;
  }

  get userAgent(): string | undefined {
    return this.#known().userAgent;
  }

  get ip(): string | undefined {
    return this.#known().ip;
  }

  #known(): ClientInfo {
    return (this.#facts ??= clientInfo(this.#config, this.#userAgent, this.#ip));
  }
}

/** An address as given (an IPv4-mapped IPv6 address as IPv4), or `undefined` for one that is not an IP address. */
function normalIp(ip: string): string | undefined {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip)?.[1];
  if (mapped !== undefined && isIPv4(mapped)) return mapped;
  return isIPv4(ip) || isIPv6(ip) ? ip : undefined;
}

/** `a.b.c.0/24` for IPv4, `x:y:z::/48` for IPv6; `undefined` for anything else. */
export function ipPrefix(address: string): string | undefined {
  const ip = normalIp(address);
  if (ip === undefined) return undefined;
  if (isIPv4(ip)) return `${ip.split('.').slice(0, 3).join('.')}.0/24`;
  const bare = ip.split('%', 1)[0] ?? ip;
  const [head = '', tail] = bare.split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === undefined || tail === '' ? [] : tail.split(':');
  const groups = [...left, ...Array<string>(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right];
  const kept = groups.slice(0, 3).map((g) => (g.includes('.') ? '0' : g.toLowerCase().replace(/^0+(?=.)/, '')));
  // Trailing zero groups fold into the `::` (RFC 5952 style): `2001:db8::/48`, not `2001:db8:0::/48`.
  while (kept.at(-1) === '0') kept.pop();
  return `${kept.join(':')}::/48`;
}
