/**
 * A bounded memo of decoded session records: a read-only request for an unchanged session does
 * not parse the same record again. Parsing (`JSON.parse`, splitting off
 * the cookie and the metadata, cutting out the data's JSON) was the largest single cost of a
 * read from a memory store, larger than verifying the cookie and hashing the store key together.
 *
 * `decodeRecord` is a pure function of the JSON, and an entry is used only for the very JSON it
 * was made from, so it is never stale, whoever wrote the record. What a session may change is
 * never shared: each use gets its own deep copy of the data (copying JSON-shaped data costs a
 * fraction of parsing it); the cookie and the metadata, which the engine only reads (it builds
 * new objects to write), are shared.
 *
 * @module
 */
import { decodeRecord, readMeta, type DecodedRecord, type RecordMeta } from './codec.js';
import type { StoredCookie } from './session-cookie.js';
import { GenerationalMap } from './generational-map.js';

/** Longest JSON kept (longer records are parsed every time): bounds the memo's memory. */
const MAX_JSON_LENGTH = 4096;

interface Entry {
  json: string;
  /** Set on the second read of the same JSON: a record read once (written in between) is not kept. */
  decoded: DecodedRecord | undefined;
  /** What this process encoded `json` from, when it wrote it: the next read needs only the data parsed. */
  written: WrittenRecord | undefined;
}

/** The parts `encodeRecord` made a record's JSON of. */
export interface WrittenRecord {
  cookie: StoredCookie;
  dataJson: string;
  meta: RecordMeta;
}

/**
 * Store key -> the JSON last read under it and, once read twice, its decoded form, for at most
 * `capacity` keys, the recently read ones (see `generational-map.ts`).
 */
export class DecodedRecords {
  readonly #entries: GenerationalMap<string, Entry>;
  readonly #capacity: number;

  constructor(capacity: number) {
    this.#entries = new GenerationalMap(capacity);
    this.#capacity = capacity;
  }

  /** `decodeRecord(json)` of the record read under store key `key`, with data of the caller's own. Throws as `decodeRecord` does. */
  decode(key: string, json: string): DecodedRecord {
    if (this.#capacity <= 0 || json.length > MAX_JSON_LENGTH) return decodeRecord(json);
    const entry = this.#entries.get(key);
    if (entry === undefined) {
      const decoded = decodeRecord(json);
      this.#entries.set(key, { json, decoded: undefined, written: undefined });
      return decoded;
    }
    if (entry.json !== json) {
      entry.json = json;
      entry.decoded = undefined;
      entry.written = undefined;
      return decodeRecord(json);
    }
    const known = entry.decoded;
    if (known !== undefined) return { cookie: known.cookie, data: copyJson(known.data) as Record<string, unknown>, dataJson: known.dataJson, meta: known.meta };
    const decoded = entry.written !== undefined ? fromWritten(entry.written) : decodeRecord(json);
    entry.written = undefined;
    entry.decoded = { ...decoded, data: copyJson(decoded.data) as Record<string, unknown> };
    return decoded;
  }

  /**
   * Notes that this process wrote `json` under `key`, encoded from `written` (`encodeRecord`),
   * so its next read (the next request of a session that changes on every request) parses only
   * the data. A record whose data holds a reserved key (`cookie`, `__tessera`) is left to
   * `decodeRecord`, which alone knows how duplicated keys parse, as is data whose JSON is no object
   * (a `toJSON` of the app's).
   */
  remember(key: string, json: string, written: WrittenRecord): void {
    if (this.#capacity <= 0 || json.length > MAX_JSON_LENGTH) return;
    const { dataJson } = written;
    if (dataJson.charCodeAt(0) !== 123 /* { */ || dataJson.includes('"cookie"') || dataJson.includes('"__tessera"')) return;
    this.#entries.set(key, { json, decoded: undefined, written });
  }

  /** An upper bound of the store keys kept (at most `capacity`). */
  get size(): number {
    return this.#entries.size;
  }
}

/**
 * What `decodeRecord` gives for the JSON `encodeRecord` made of `written`, parsing only the
 * data. The cookie is the one encoded: `persist.ts` turns its expiry into the ISO string the JSON
 * holds before encoding (a `Date` left there would serialise, and read back through
 * `SessionCookie.fromStored`, the same).
 */
function fromWritten(written: WrittenRecord): DecodedRecord {
  return { cookie: written.cookie, data: JSON.parse(written.dataJson) as Record<string, unknown>, dataJson: written.dataJson, meta: readMeta(written.meta) };
}

/**
 * A deep copy of a value `JSON.parse` made: objects, arrays, strings, numbers, booleans, null.
 * Own `__proto__` keys stay own data properties, as `JSON.parse` makes them.
 */
export function copyJson(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) {
    const out = new Array<unknown>(value.length);
    for (let i = 0; i < value.length; i++) out[i] = copyJson(value[i]);
    return out;
  }
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    const item = copyJson((value as Record<string, unknown>)[key]);
    if (key === '__proto__') Object.defineProperty(out, key, { value: item, writable: true, enumerable: true, configurable: true });
    else out[key] = item;
  }
  return out;
}
