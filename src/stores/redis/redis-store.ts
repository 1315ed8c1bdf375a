/**
 * `RedisStore`: Tessera sessions in Redis or Valkey, standalone or Cluster, through the
 * node-redis or ioredis client the application owns.
 *
 * @module
 */
import { StoreError, type StoreOperation } from '../../core/errors.js';
import { boundedCalls, type Store, type StoreRecord, type UserEpochWatcher } from '../../core/store.js';
import { epochMessage, watchEpochChannel } from './epoch-channel.js';
import { withTimeout } from '../../core/with-timeout.js';
import { adaptClient, replyNumber, replyString, type RedisClientLike, type RedisConnection } from './client-adapter.js';
import { decodePayload, owner, ownedBy, type Payload } from './record-format.js';
import { DELETE_IF_OWNED, GET_WITH_EXPIRY, INDEX_UPDATE, RAISE_TO, runScript, TOUCH_EXPIRY, WRITE_VERSIONED } from './scripts.js';
import { checkStoreNumber } from '../../core/validate.js';

/** Options of {@link RedisStore}. */
export interface RedisStoreOptions {
  /**
   * The client to use. Required. A node-redis (v5+) client or cluster (`createClient`,
   * `createCluster`) or an ioredis (v5+) `Redis` or `Cluster`, connected (or connecting) by the
   * application. The store never connects, duplicates or closes it.
   */
  client: RedisClientLike;
  /**
   * Prefix of every key the store writes. Default `'tessera:'`. On a Cluster, keep `{` and `}`
   * out of it unless you mean to pin every session to one hash slot (a hash tag).
   */
  prefix?: string;
  /** Deadline of each store call in milliseconds. Default `5000`. */
  timeout?: number;
  /** Largest value accepted by `set`, in UTF-8 bytes. Default `1_114_112` (1 MiB + 64 KiB). */
  maxValueBytes?: number;
}

const DEFAULT_PREFIX = 'tessera:';
const DEFAULT_TIMEOUT = 5000;
const DEFAULT_MAX_VALUE_BYTES = 1024 * 1024 + 64 * 1024;

const checkNumber = (option: string, value: unknown, fallback: number): number =>
  checkStoreNumber('RedisStore', option, value, fallback, 1);

/** The expiry as the integer milliseconds PXAT takes; rounded down, so never later than asked. */
function toPxat(expiresAt: unknown): number {
  if (typeof expiresAt !== 'number' || !Number.isFinite(expiresAt)) {
    throw new TypeError(`record.expiresAt must be a finite number of milliseconds, got ${String(expiresAt)}`);
  }
  return Math.floor(expiresAt);
}

/** The record a decoded string holds. */
function toRecord(payload: Payload, expiresAt: number): StoreRecord {
  const record: StoreRecord = { value: payload.value, expiresAt };
  if (payload.userKey !== undefined) record.userKey = payload.userKey;
  record.version = payload.version;
  return record;
}

function checkKey(key: unknown, what = 'key'): asserts key is string {
  if (typeof key !== 'string') throw new TypeError(`${what} must be a string, got ${typeof key}`);
}

/**
 * A session store on Redis (7.0+) or Valkey (7.2+, same protocol), standalone or Redis Cluster,
 * through a node-redis or ioredis client you pass in and keep owning (`close()` leaves it open).
 * Expiry is the server's own (`SET ... PXAT`, `PEXPIREAT`): no sweep runs, so `prune` is absent.
 *
 * Key layout (`<prefix>` defaults to `tessera:`):
 * - `<prefix>s:<key>` - a string per session, expiring at `expiresAt` (PXAT): the header
 *   `t1;<version>;<expiresAt>\n`, or `t1:<encodeURIComponent(userKey)>;<version>;<expiresAt>\n`
 *   for a session with a user, then the value byte-for-byte (`record-format.ts`). The version (1
 *   on creation, +1 per write, unchanged by `touch`; a string from before versions reads as 0) and
 *   the expiry (13 digits, moved by `touch`) are kept in the header, beside the value on the same
 *   key, so `setIfVersion` checks and writes in one script on one slot, and `get` is one `GET`.
 * - `<prefix>u:{<userKey>}` - a sorted set per user: members are session keys (without the
 *   prefix), scores their `expiresAt`. Members whose score has passed are removed whenever the
 *   set is written (lazily, `ZREMRANGEBYSCORE`), and the set itself expires with its last member.
 *   `listByUser` and `deleteByUser` only count a member whose session header still names the
 *   user, so a deleted or re-assigned session is never listed or deleted by a stale member.
 * - `<prefix>e:{<userKey>}` - the user's revocation epoch, a number without expiry; each raise
 *   is published on the channel `<prefix>epochs` as `<epoch>:<userKey>` (`watchUserEpochs`).
 *
 * Every command touches one key, so nothing can fail with CROSSSLOT on a Cluster; the hash tag
 * `{<userKey>}` keeps anything per user in one slot. `deleteByUser` sends one conditional delete
 * per session, each to the node owning that session.
 *
 * Cost per call (round trips; commands sent together count once):
 * - `get`: 1 - one `GET` (a string written before the header carried the expiry takes one more,
 *   the `GET_WITH_EXPIRY` script).
 * - `set` / `setIfVersion`: 1 - one `EVALSHA` (`WRITE_VERSIONED`: read the header's version,
 *   check it for `setIfVersion`, `SET ... PXAT`), plus the index script alongside when the record
 *   has a `userKey`. (Any script's first call on a node after a restart adds one `EVAL`, when the
 *   node answers `NOSCRIPT`.)
 * - `touch`: 1 - one `EVALSHA` (`TOUCH_EXPIRY`: the header's expiry in place, then `PEXPIREAT`),
 *   which does nothing to a missing key; with a `userKey` the index script re-scores the member
 *   alongside it, so the index never drops a live, touched session.
 * - `delete`: 1 - `DEL` (the index forgets the key lazily).
 * - `listByUser` / `deleteByUser`: 2 - `ZRANGE`, then one `GETRANGE` / script per session.
 *
 * A dropped connection needs no restart: the client reconnects, and each call in the meantime
 * fails within `timeout` as a `StoreError` (`ERR_STORE_TIMEOUT`, or the client's own error as
 * `cause` when it fails fast, e.g. node-redis `disableOfflineQueue` / ioredis
 * `enableOfflineQueue: false`).
 *
 * @example
 * ```ts
 * import { createClient } from 'redis';
 * import { RedisStore } from 'tessera/redis';
 *
 * const client = await createClient({ url: 'redis://127.0.0.1:6379' })
 *   .on('error', (error) => console.error('redis', error))
 *   .connect();
 * const store = new RedisStore({ client, prefix: 'myapp:sess:' });
 *
 * // or ioredis, standalone or Cluster:
 * // const store = new RedisStore({ client: new Cluster([{ host: '127.0.0.1', port: 7000 }]) });
 * ```
 */
export class RedisStore implements Store {
  /** Every call is bounded (see `boundedCalls` in the Store contract). */
  readonly [boundedCalls] = true;
  readonly #connection: RedisConnection;
  readonly #client: RedisClientLike;
  readonly #prefix: string;
  readonly #timeout: number;
  readonly #maxValueBytes: number;

  /** @throws TypeError naming the option when an option is missing or invalid. */
  constructor(options: RedisStoreOptions) {
    if (typeof options !== 'object' || options === null) {
      throw new TypeError('RedisStore: options are required, e.g. `new RedisStore({ client })`');
    }
    this.#connection = adaptClient(options.client);
    this.#client = options.client;
    const prefix: unknown = options.prefix ?? DEFAULT_PREFIX;
    if (typeof prefix !== 'string') throw new TypeError(`RedisStore: \`prefix\` must be a string, got ${typeof prefix}`);
    this.#prefix = prefix;
    this.#timeout = checkNumber('timeout', options.timeout, DEFAULT_TIMEOUT);
    this.#maxValueBytes = checkNumber('maxValueBytes', options.maxValueBytes, DEFAULT_MAX_VALUE_BYTES);
  }

  /**
   * Reads a session: one plain `GET`, the expiry coming from the string's own header. A string
   * written before the header carried it is read again with its expiry (`GET_WITH_EXPIRY`).
   */
  get(key: string): Promise<StoreRecord | undefined> {
    return this.#run('get', async () => {
      checkKey(key);
      const sessionKey = this.#sessionKey(key);
      const stored = replyString(await this.#connection.send(sessionKey, ['GET', sessionKey]));
      const payload = stored === undefined ? undefined : decodePayload(stored);
      if (payload === undefined) return undefined;
      if (payload.expiresAt !== undefined) return toRecord(payload, payload.expiresAt);
      return this.#getWithServerExpiry(sessionKey);
    });
  }

  /** Writes a session (value, expiry and user together) under its next version: one script. */
  set(key: string, record: StoreRecord): Promise<void> {
    return this.#run('set', async () => {
      const at = this.#checkWrite('set', key, record);
      const sessionKey = this.#sessionKey(key);
      // PXAT must be positive; a record already expired would never be returned anyway.
      if (at < 1) return void (await this.#connection.send(sessionKey, ['DEL', sessionKey]));
      await Promise.all(this.#writes(key, record, at, '*', 'NEW'));
    });
  }

  /**
   * Writes a session only if the stored one is of version `expected` (or, for `null`, there is
   * none): one script checks the version in the header and writes, atomically, on the session's
   * own key. The index update goes alongside, in the same round trip (see `INDEX_UPDATE`'s `GT`).
   */
  setIfVersion(key: string, record: StoreRecord, expected: number | null): Promise<number | false> {
    return this.#run('setIfVersion', async () => {
      if (expected !== null && !(Number.isSafeInteger(expected) && expected >= 0)) {
        throw new TypeError(`expected must be a version number or null, got ${String(expected)}`);
      }
      const at = this.#checkWrite('setIfVersion', key, record);
      const [written] = await Promise.all(this.#writes(key, record, at, expected === null ? '-' : String(expected), 'GT'));
      const version = replyNumber(written);
      return version >= 1 ? version : false;
    });
  }

  /**
   * Moves a session's expiry, in its header and as the key's `PEXPIREAT`, with one script (a no-op
   * on a missing key); the value is neither sent nor copied.
   */
  touch(key: string, record: StoreRecord): Promise<void> {
    return this.#run('touch', async () => {
      checkKey(key);
      const at = toPxat(record.expiresAt);
      const sessionKey = this.#sessionKey(key);
      const writes = [runScript(this.#connection.send, TOUCH_EXPIRY, sessionKey, [String(at)])];
      if (record.userKey !== undefined) writes.push(this.#indexUpdate(record.userKey, key, at, 'XX'));
      await Promise.all(writes);
    });
  }

  /** Deletes a session; resolves when it is missing. */
  delete(key: string): Promise<void> {
    return this.#run('delete', async () => {
      checkKey(key);
      const sessionKey = this.#sessionKey(key);
      await this.#connection.send(sessionKey, ['DEL', sessionKey]);
    });
  }

  /** Keys of the user's live sessions: the index's members whose session still names the user. */
  listByUser(userKey: string): Promise<string[]> {
    return this.#run('listByUser', async () => {
      checkKey(userKey, 'userKey');
      const members = await this.#members(userKey);
      const expected = owner(userKey);
      const last = String(expected.length);
      const heads = await Promise.all(
        members.map((member) => {
          const sessionKey = this.#sessionKey(member);
          return this.#connection.send(sessionKey, ['GETRANGE', sessionKey, '0', last]);
        }),
      );
      return members.filter((_, i) => ownedBy(replyString(heads[i]), expected));
    });
  }

  /** Deletes every live session of the user, each only if it still names the user; resolves to the count. */
  deleteByUser(userKey: string): Promise<number> {
    return this.#run('deleteByUser', async () => {
      checkKey(userKey, 'userKey');
      const members = await this.#members(userKey);
      const expected = [owner(userKey)];
      const send = this.#connection.send;
      const deleted = await Promise.all(members.map((member) => runScript(send, DELETE_IF_OWNED, this.#sessionKey(member), expected)));
      return deleted.reduce<number>((sum, reply) => sum + replyNumber(reply), 0);
    });
  }

  /** The user's revocation epoch (`<prefix>e:{<userKey>}`), 0 when never raised: one `GET`. */
  userEpoch(userKey: string): Promise<number> {
    return this.#run('userEpoch', async () => {
      checkKey(userKey, 'userKey');
      const key = this.#epochKey(userKey);
      return Number(replyString(await this.#connection.send(key, ['GET', key])) ?? 0) || 0;
    });
  }

  /**
   * Raises the user's revocation epoch to `epoch` with one script, keeping a larger one, then
   * publishes the raise on `<prefix>epochs` for `watchUserEpochs` (a second round trip).
   */
  raiseUserEpoch(userKey: string, epoch: number): Promise<void> {
    return this.#run('raiseUserEpoch', async () => {
      checkKey(userKey, 'userKey');
      const at = toPxat(epoch);
      await runScript(this.#connection.send, RAISE_TO, this.#epochKey(userKey), [String(at)]);
      const channel = this.#epochChannel();
      await this.#connection.send(channel, ['PUBLISH', channel, epochMessage(userKey, at)]);
    });
  }

  /**
   * Delivers every raise of a revocation epoch (see the Store contract), through the channel
   * `<prefix>epochs`, on a connection of its own duplicated from the client (one per watch,
   * closed when the returned function is called). Cluster: classic pub/sub, which every node relays.
   */
  watchUserEpochs(watcher: UserEpochWatcher): Promise<() => Promise<void>> {
    return watchEpochChannel(this.#client, this.#connection.driver, this.#epochChannel(), watcher);
  }

  /**
   * Whether the client is connected (node-redis `isReady`, ioredis `status === 'ready'`): while it
   * is not, the core fails calls at once rather than letting them queue or wait for `timeout`.
   */
  isAvailable(): boolean {
    return this.#connection.ready();
  }

  /** Resolves: the store opened nothing of its own, and the client is the application's to close. */
  close(): Promise<void> {
    return Promise.resolve();
  }

  #sessionKey(key: string): string {
    return `${this.#prefix}s:${key}`;
  }

  #indexKey(userKey: string): string {
    return `${this.#prefix}u:{${userKey}}`;
  }

  /** Checks a record to write; returns its expiry for `PXAT`. */
  #checkWrite(operation: 'set' | 'setIfVersion', key: string, record: StoreRecord): number {
    checkKey(key);
    const { value, userKey } = record;
    checkKey(value, 'record.value');
    if (userKey !== undefined) checkKey(userKey, 'record.userKey');
    this.#checkSize(operation, value);
    return toPxat(record.expiresAt);
  }

  /** The versioned write (its reply first), and the index update alongside for a session with a user. */
  #writes(key: string, record: StoreRecord, at: number, check: string, indexMode: 'NEW' | 'GT'): Array<Promise<unknown>> {
    const { userKey } = record;
    const args = [owner(userKey), record.value, String(at), check];
    const writes = [runScript(this.#connection.send, WRITE_VERSIONED, this.#sessionKey(key), args)];
    if (userKey !== undefined && at >= 1) writes.push(this.#indexUpdate(userKey, key, at, indexMode));
    return writes;
  }

  /** `get` of a string from before the header carried the expiry: value and `PEXPIRETIME` atomically. */
  async #getWithServerExpiry(sessionKey: string): Promise<StoreRecord | undefined> {
    const reply = await runScript(this.#connection.send, GET_WITH_EXPIRY, sessionKey, []);
    if (!Array.isArray(reply)) return undefined;
    const stored = replyString(reply[0]);
    const expireTime = replyNumber(reply[1]);
    // -2: the key vanished; -1: no expiry, which this store never writes, so not ours.
    if (stored === undefined || !(expireTime >= 0)) return undefined;
    const payload = decodePayload(stored);
    return payload === undefined ? undefined : toRecord(payload, expireTime);
  }

  #epochChannel(): string {
    return `${this.#prefix}epochs`;
  }

  #epochKey(userKey: string): string {
    return `${this.#prefix}e:{${userKey}}`;
  }

  #indexUpdate(userKey: string, key: string, at: number, mode: 'NEW' | 'XX' | 'GT'): Promise<unknown> {
    return runScript(this.#connection.send, INDEX_UPDATE, this.#indexKey(userKey), [String(at), key, mode]);
  }

  async #members(userKey: string): Promise<string[]> {
    const indexKey = this.#indexKey(userKey);
    const reply = await this.#connection.send(indexKey, ['ZRANGE', indexKey, '0', '-1']);
    if (!Array.isArray(reply)) return [];
    return reply.map(replyString).filter((member): member is string => member !== undefined);
  }

  #checkSize(operation: 'set' | 'setIfVersion', value: string): void {
    // UTF-8 needs at most 3 bytes per UTF-16 unit: skip counting when the length alone settles it.
    if (value.length * 3 <= this.#maxValueBytes) return;
    const bytes = Buffer.byteLength(value, 'utf8');
    if (bytes > this.#maxValueBytes) {
      throw new StoreError(operation, `session value of ${bytes} bytes exceeds maxValueBytes (${this.#maxValueBytes})`, {
        code: 'ERR_STORE_VALUE_TOO_LARGE',
      });
    }
  }

  #run<T>(operation: StoreOperation, fn: () => Promise<T>): Promise<T> {
    return withTimeout(operation, this.#timeout, fn);
  }
}
