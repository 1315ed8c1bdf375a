/**
 * The small Lua scripts `RedisStore` runs, and how it runs them: `EVALSHA`, falling back
 * to `EVAL` when the server answers `NOSCRIPT` (after a restart, a failover, or on a Cluster
 * node that has not seen the script yet). Each script touches exactly one key (`KEYS[1]`), so it
 * is routed to that key's node and can never cause a CROSSSLOT error on a Cluster.
 *
 * @module
 */
import { createHash } from 'node:crypto';
import type { SendCommand } from './client-adapter.js';
import { EXPIRY_DIGITS } from './record-format.js';

/** A Lua script with its SHA1, as `EVALSHA` names it. */
export interface LuaScript {
  readonly source: string;
  readonly sha: string;
}

function script(source: string): LuaScript {
  return { source, sha: createHash('sha1').update(source).digest('hex') };
}

/**
 * `get` of a string written before its header carried the expiry (see `record-format.ts`): the
 * stored string and its absolute expiry (`PEXPIRETIME`, Redis 7.0+ / Valkey 7.2+), read
 * atomically. Strings written now carry their expiry, so `get` is one plain `GET`: measured on the
 * benchmark's Koa read route, this script cost Redis about 30 µs of CPU per read against 19 µs for
 * a `GET`, on the same cores as the server. (Earlier measurements of the two-command
 * alternatives: `GET` + `PEXPIRETIME` pipelined kept about 50% of a bare GET's client throughput,
 * two replies and two promises per read; MULTI/EXEC was slowest with ioredis.)
 */
export const GET_WITH_EXPIRY = script(`local v = redis.call('GET', KEYS[1])
if not v then return false end
return {v, redis.call('PEXPIRETIME', KEYS[1])}`);

/** Lua's format of the header's expiry: zero-padded to `EXPIRY_DIGITS`, as `encodePayload` writes it. */
const EXPIRY_FORMAT = `'%0${EXPIRY_DIGITS}d'`;

/**
 * The scripts' first lines when they need a session's header (`record-format.ts`): `head` holds
 * it and `nl` the position of its newline (nil for a string in no format of ours). Only the first
 * 1 KiB is read (`GETRANGE`), the whole string only for a longer header, so a large value is never
 * copied into a script to learn its version or where its expiry sits.
 */
const READ_HEADER = `local head = redis.call('GETRANGE', KEYS[1], 0, 1023)
local nl = string.find(head, '\\n', 1, true)
if not nl and #head == 1024 then
  head = redis.call('GET', KEYS[1])
  nl = string.find(head, '\\n', 1, true)
end
`;

/**
 * Every write of a session (`set` and `setIfVersion`): reads the stored version from the header
 * (`record-format.ts`; a string without one is version 0, a missing key or one in another format
 * is no record), checks it when asked, and writes the value under the next version, with its
 * expiry in the header (13 digits) and as the key's `PXAT`, in one atomic step (`READ_HEADER`).
 * ARGV: the owner part of the header (`t1` or `t1:<user>`), the value, the expiry for `PXAT`
 * (below 1: the record is deleted instead, as it could never be read), and the check: `*` none
 * (`set`), `-` there must be no record, or the expected version's digits.
 * Returns the new version, or 0 when the check failed (versions written are always 1 or more).
 */
export const WRITE_VERSIONED = script(`${READ_HEADER}local ver = nil
if nl and string.sub(head, 1, 2) == 't1' then
  local line = string.sub(head, 1, nl - 1)
  local mark = string.find(line, ';', 1, true)
  if mark then
    local stop = string.find(line, ';', mark + 1, true)
    ver = string.sub(line, mark + 1, stop and stop - 1 or -1)
  else
    ver = '0'
  end
end
local check = ARGV[4]
if check == '-' then
  if ver then return 0 end
elseif check ~= '*' then
  if ver ~= check then return 0 end
end
local nv = 1
if ver then nv = (tonumber(ver) or 0) + 1 end
if tonumber(ARGV[3]) < 1 then
  redis.call('DEL', KEYS[1])
else
  local header = ARGV[1] .. ';' .. string.format('%d', nv) .. ';' .. string.format(${EXPIRY_FORMAT}, tonumber(ARGV[3]))
  redis.call('SET', KEYS[1], header .. '\\n' .. ARGV[2], 'PXAT', ARGV[3])
end
return nv`);

/**
 * `touch`: moves a session's expiry, in the header and as the key's own (`PEXPIREAT`), atomically;
 * a missing key stays missing. The header's 13-digit expiry is overwritten in place (`SETRANGE`),
 * so the value is never copied; an expiry of another width (past 2286, forced by a caller) rewrites
 * the string, keeping its TTL until the `PEXPIREAT`. A string from before the header carried the
 * expiry only gets the `PEXPIREAT` (its `get` asks Redis, `GET_WITH_EXPIRY`). ARGV: the expiry.
 */
export const TOUCH_EXPIRY = script(`${READ_HEADER}if nl and string.sub(head, 1, 2) == 't1' then
  local first = string.find(head, ';', 1, true)
  local second = first and first < nl and string.find(head, ';', first + 1, true)
  if second and second < nl then
    local expiry = string.format(${EXPIRY_FORMAT}, tonumber(ARGV[1]))
    if #expiry == nl - second - 1 then
      redis.call('SETRANGE', KEYS[1], second, expiry)
    else
      local v = redis.call('GET', KEYS[1])
      redis.call('SET', KEYS[1], string.sub(v, 1, second) .. expiry .. string.sub(v, nl), 'KEEPTTL')
    end
  end
end
return redis.call('PEXPIREAT', KEYS[1], ARGV[1])`);

/**
 * Records a session in its user's index (a sorted set of session keys scored by expiry), drops
 * members whose expiry has passed by the server's clock (the one that expires the session keys),
 * and keeps the index alive exactly as long as its longest-lived member.
 * ARGV: expiry in ms, session key, and `XX` to only re-score a member already there (`touch`,
 * so touching a missing session adds nothing), `NEW` to add it (`set`), or `GT` to add it or only
 * raise its score (`setIfVersion`, sent alongside the write before knowing whether the write wins:
 * a lost write may then leave a member scored too late, which the header check ignores, but never
 * one scored too early, which would drop a live session from the index).
 */
export const INDEX_UPDATE = script(`if ARGV[3] == 'XX' then
  redis.call('ZADD', KEYS[1], 'XX', ARGV[1], ARGV[2])
elseif ARGV[3] == 'GT' then
  redis.call('ZADD', KEYS[1], 'GT', ARGV[1], ARGV[2])
else
  redis.call('ZADD', KEYS[1], ARGV[1], ARGV[2])
end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', '(' .. string.format('%.0f', now))
local last = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
if last[2] then redis.call('PEXPIREAT', KEYS[1], last[2]) end
return 1`);

/**
 * Deletes a session only if it still belongs to the user (its stored string starts with the
 * user's owner part, then `;` or a newline), so "log out everywhere" can never delete a session
 * that was re-set for someone else between listing and deleting. ARGV: the owner part.
 */
export const DELETE_IF_OWNED = script(`local o = ARGV[1]
local h = redis.call('GETRANGE', KEYS[1], 0, #o)
if h == o .. ';' or h == o .. '\\n' then return redis.call('DEL', KEYS[1]) end
return 0`);

/** Raises a number to ARGV[1] unless it is already larger (a user's revocation epoch), atomically. */
export const RAISE_TO = script(`local c = tonumber(redis.call('GET', KEYS[1]) or '0')
if tonumber(ARGV[1]) > c then redis.call('SET', KEYS[1], ARGV[1]) end
return 0`);

function isNoScript(error: unknown): boolean {
  return error instanceof Error && error.message.startsWith('NOSCRIPT');
}

/** Runs `lua` on the node of `key`: `EVALSHA`, then `EVAL` once if the node lacks the script. */
export async function runScript(send: SendCommand, lua: LuaScript, key: string, args: readonly string[]): Promise<unknown> {
  try {
    return await send(key, ['EVALSHA', lua.sha, '1', key, ...args]);
  } catch (error) {
    if (!isNoScript(error)) throw error;
    // EVAL also caches the script on that node, so the next EVALSHA there succeeds.
    return send(key, ['EVAL', lua.source, '1', key, ...args]);
  }
}
