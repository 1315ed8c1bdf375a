/**
 * Generators of bad input for the fuzz suite (fast-check), one per input path: the `Cookie`
 * header, signed values, stored records, option values. Each generator also says what the
 * input *should* resolve to (an oracle computed without Tessera's own parsing or signing), so
 * the properties can check "no input yields a session that was not issued".
 *
 * `recordMutations` is the list the stored-record properties draw from (plaintext records, and
 * the same mutations sealed with the right key in encrypted-record.test.ts, which adds its own
 * envelope tampering); `RUNS` is where each property's share of the 100,000 cases is set.
 *
 * @module
 */
import { createHmac } from 'node:crypto';
import fc from 'fast-check';

/** Cases per property. The sum is at least 100,000 (checked by suite-size.test.ts). */
export const RUNS = {
  cookieHeader: 25_000,
  cookieValuesParity: 30_000,
  signature: 30_000,
  storedRecord: 8_000,
  encryptedEnvelope: 6_000,
  encryptedPlaintext: 4_000,
  options: 10_000,
  httpSmoke: 300,
} as const;

/** Secrets of the fuzzed managers: the first signs, both verify; `retired` is no longer configured. */
export const SECRETS = {
  current: 'fz-cur-7Qm2Lx9RtB4vN8kW3pZ6yH1cJ5dG0sFa',
  previous: 'fz-prv-Kd4Wn8Qs1Xb6Ry3Vm9Tj2Lp7Hc5Gz0Fe',
  retired: 'fz-ret-Ua3Nh7Yk2Eq9Bw5Mx1Sv8Cr4Jt6Pg0Ld',
} as const;

/**
 * The signed cookie value of `id`, computed here rather than with Tessera's `signId`
 * (express-session's format: `s:` + id + `.` + base64 HMAC-SHA256 without padding).
 */
export function sign(id: string, secret: string): string {
  return `s:${id}.${createHmac('sha256', secret).update(id).digest('base64').replace(/=+$/, '')}`;
}

/** Characters that make cookie parsing interesting, weighted into random strings. */
const TRICKY = [';', '=', ' ', '\t', '%', '"', ',', '\\', 's', ':', '.', 'sid', '__Host-', '\u00a0', '\u0000', '\u00e9', '\u{1F36A}', '%3A', '%2', '%%', '+', '/'];

/** Random text biased towards cookie syntax: separators, escapes, non-ASCII. */
export const trickyText = (maxLength = 40): fc.Arbitrary<string> =>
  fc
    .array(fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...TRICKY) }, { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 4 }) }), { maxLength })
    .map((parts) => parts.join(''));

/** What the issued sessions of one fuzz world look like. */
export interface World {
  /** The cookie name the manager reads. */
  name: string;
  /** IDs with a live session, and the data stored with each. */
  live: ReadonlyMap<string, string>;
  /** IDs without a live session whose signatures still verify (destroyed, or never stored). */
  dead: readonly string[];
}

/** One `name=value` pair of a generated header, with what it is. */
export interface Pair {
  name: string;
  value: string;
  /** The ID this value verifies to under the configured secrets, computed by the oracle. */
  verifiesTo: string | undefined;
}

/** One segment of a generated `Cookie` header. */
export type Segment = { kind: 'pair'; pair: Pair } | { kind: 'raw'; text: string };

const pad = fc.constantFrom('', ' ', '\t', '  ');

/** Encodings a browser or a proxy may give the same signed value; all decode to it. */
function encodings(signed: string): fc.Arbitrary<string> {
  return fc.constantFrom(
    signed,
    encodeURIComponent(signed),
    signed.replace(':', '%3A'),
    [...signed].map((c) => `%${c.charCodeAt(0).toString(16).padStart(2, '0')}`).join(''),
  );
}

/** Ways to break a signed value: each result must not verify (the oracle still checks). */
function mutations(signed: string, other: string): fc.Arbitrary<string> {
  return fc.oneof(
    fc.nat({ max: signed.length - 1 }).map((n) => signed.slice(0, n)), // truncated
    fc.nat({ max: signed.length - 1 }).map((n) => signed.slice(n)), // front cut
    fc.constant(`${signed.slice(0, signed.lastIndexOf('.'))}${other.slice(other.lastIndexOf('.'))}`), // MAC swapped
    fc.tuple(fc.nat({ max: signed.length - 1 }), fc.string({ unit: "binary", minLength: 1, maxLength: 1 })).map(([i, c]) => signed.slice(0, i) + c + signed.slice(i + 1)), // one character changed
    fc.string({ unit: 'binary', maxLength: 3 }).map((s) => signed + s), // appended
    fc.constant(signed.toUpperCase()),
    fc.constant(`"${signed}"`), // quoted (the cookie package keeps the quotes)
    fc.constant(encodeURIComponent(encodeURIComponent(signed))), // double-encoded
    fc.constant(signed.replace('s:', 's%3')), // a broken escape
    fc.constant(signed.slice(2)), // unsigned
  );
}

/** A cookie name: ours, a case variant or lookalike of it, or another. */
function names(name: string): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 6, arbitrary: fc.constant(name) },
    {
      weight: 3,
      arbitrary: fc.constantFrom(
        name.toUpperCase(),
        name.toLowerCase(),
        `\u00a0${name}`,
        `${name}\u00a0`,
        name.replace('H', '\u041d'), // Cyrillic En in __Host-
        name.replace('-', '\u2010'),
        `${name}\u200b`,
        `_${name}`,
        `${name}x`,
        name.slice(1),
        '__Secure-sid',
        'sid',
        '__Host-sid',
        'connect.sid',
      ),
    },
    { weight: 1, arbitrary: trickyText(12).filter((n) => !n.includes(';') && !n.includes('=')) },
  );
}

/** The oracle: what a value verifies to, by decoding it as the cookie package does and looking it up. */
function oracle(raw: string, genuine: ReadonlyMap<string, string>): string | undefined {
  // The header grammar trims spaces and tabs around a value (a junk suffix of blanks falls away).
  const value = trimBlanks(raw);
  let decoded = value;
  if (value.includes('%')) {
    try {
      decoded = decodeURIComponent(value);
    } catch {
      decoded = value;
    }
  }
  return genuine.get(decoded);
}

/** Every signed value that verifies under the configured secrets, to the ID it carries. */
export function genuineValues(world: World): Map<string, string> {
  const genuine = new Map<string, string>();
  for (const id of [...world.live.keys(), ...world.dead]) {
    genuine.set(sign(id, SECRETS.current), id);
    genuine.set(sign(id, SECRETS.previous), id);
  }
  return genuine;
}

/** A value for one pair: genuine (in some encoding), broken, foreign-signed, or junk. */
function values(world: World, genuine: ReadonlyMap<string, string>): fc.Arbitrary<string> {
  const ids = [...world.live.keys(), ...world.dead];
  return fc.oneof(
    { weight: 4, arbitrary: fc.tuple(fc.constantFrom(...ids), fc.constantFrom(SECRETS.current, SECRETS.previous)).chain(([id, s]) => encodings(sign(id, s))) },
    {
      weight: 4,
      arbitrary: fc.tuple(fc.constantFrom(...ids), fc.constantFrom(...ids)).chain(([a, b]) => mutations(sign(a, SECRETS.current), sign(b, SECRETS.current))),
    },
    { weight: 1, arbitrary: fc.constantFrom(...ids).map((id) => encodeURIComponent(sign(id, SECRETS.retired))) },
    { weight: 2, arbitrary: trickyText(60).map((t) => t.replaceAll(';', '')) },
    { weight: 1, arbitrary: fc.nat({ max: 20_000 }).map((n) => 's%3A' + 'a'.repeat(n) + '.' + 'b'.repeat(43)) }, // oversized
    { weight: 1, arbitrary: fc.constant([...genuine.keys()][0] ?? '') },
  );
}

/** A generated `Cookie` header and the oracle's reading of each pair. */
export interface GeneratedHeader {
  header: string;
  segments: Segment[];
}

/** Headers over `world`: pairs of ours and others, raw junk, odd separators. */
export function cookieHeaders(world: World): fc.Arbitrary<GeneratedHeader> {
  const genuine = genuineValues(world);
  const pair = fc.tuple(names(world.name), values(world, genuine), pad, pad).map(
    ([name, value, before, after]): Segment => ({ kind: 'pair', pair: { name: `${before}${name}`, value: `${value}${after}`, verifiesTo: oracle(value, genuine) } }),
  );
  const raw = trickyText(30).map((text): Segment => ({ kind: 'raw', text }));
  const separator = fc.constantFrom('; ', ';', ';;', ' ; ', ';\t');
  return fc
    .tuple(fc.array(fc.oneof({ weight: 5, arbitrary: pair }, { weight: 1, arbitrary: raw }), { maxLength: 14 }), fc.array(separator, { minLength: 14, maxLength: 14 }))
    .map(([segments, seps]) => ({
      segments,
      header: segments.map((s, i) => (s.kind === 'pair' ? `${s.pair.name}=${s.pair.value}` : s.text) + (i < segments.length - 1 ? seps[i] : '')).join(''),
    }));
}

/**
 * The session a header must load: among the values sent under exactly `name` (names trimmed of
 * spaces and tabs, as parsed), the distinct verified IDs in order, at most the first four
 * (the engine's bound on store reads per request), and of those the first with a live session.
 * `undefined`: a fresh session. Raw junk segments can add values under the name, but never
 * verified ones, so only pairs are read here.
 */
export function expectedSession(generated: GeneratedHeader, world: World): string | undefined {
  if (generated.header.length > 16 * 1024) return undefined;
  const verified: string[] = [];
  for (const segment of generated.segments) {
    if (segment.kind !== 'pair' || trimBlanks(segment.pair.name) !== world.name) continue;
    const id = segment.pair.verifiesTo;
    if (id !== undefined && !verified.includes(id)) verified.push(id);
  }
  return verified.slice(0, 4).find((id) => world.live.has(id));
}

/** Trims spaces and tabs only, as the `Cookie` header grammar does (not U+00A0, which `trim` removes). */
function trimBlanks(text: string): string {
  return text.replace(/^[ \t]+|[ \t]+$/g, '');
}

/** A change to a valid stored value (and its store key) that the record property feeds the engine. */
export interface RecordMutation {
  /** What it did, for the counterexample fast-check prints. */
  label: string;
  apply(value: string, key: string): string;
}

const mutation = (label: string, apply: RecordMutation['apply']): RecordMutation => ({ label, apply });
const replaceCookie = (v: string, json: string) => v.replace(/"cookie":\{[^}]*\}/, `"cookie":${json}`);

/** Ways the JSON of a stored record can be broken (encrypted-record.test.ts seals them too). */
export const recordMutations: Array<fc.Arbitrary<RecordMutation>> = [
  fc.nat().map((n) => mutation(`truncated at ${n}`, (v) => v.slice(0, n % (v.length + 1)))),
  fc.integer({ min: -5, max: 1_000 }).map((version) => mutation(`version ${version}`, (v) => v.replace(/"v":\d+/, `"v":${version}`))),
  fc.anything().map((meta) => mutation(`__tessera ${safeJson(meta)}`, (v) => v.replace(/"__tessera":\{[^}]*\}/, `"__tessera":${safeJson(meta)}`))),
  fc.anything().map((cookie) => mutation(`cookie ${safeJson(cookie)}`, (v) => replaceCookie(v, safeJson(cookie)))),
  fc
    .record({ originalMaxAge: fc.anything(), expires: fc.anything(), maxAge: fc.anything(), path: fc.anything(), sameSite: fc.anything(), secure: fc.anything(), httpOnly: fc.anything(), domain: fc.anything(), priority: fc.anything(), partitioned: fc.anything() }, { requiredKeys: [] })
    .map((cookie) => mutation(`cookie fields ${safeJson(cookie)}`, (v) => replaceCookie(v, safeJson(cookie)))),
  fc.jsonValue().map((json) => mutation(`JSON ${safeJson(json)}`, () => safeJson(json))),
  trickyText(80).map((text) => mutation(`garbage ${JSON.stringify(text)}`, () => text)),
  fc
    .constantFrom('{"__proto__":{"polluted":1},"cookie":{}}', '{"constructor":{"prototype":{"polluted":1}},"cookie":{}}', '{"cookie":{"__proto__":{"polluted":1}}}')
    .map((text) => mutation(text, () => text)),
  fc
    .tuple(fc.nat(), fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }))
    .map(([i, c]) => mutation(`character ${i} -> ${JSON.stringify(c)}`, (v) => v.slice(0, i % (v.length + 1)) + c + v.slice((i % (v.length + 1)) + 1))),
];

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? 'null';
  } catch {
    return 'null';
  }
}

/** Values an option may be given by mistake: every JS type, edge numbers, duration-like strings. */
export const optionValues: fc.Arbitrary<unknown> = fc.oneof(
  fc.anything(),
  fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -0, -1, 0, 1, 2 ** 53, Number.MAX_VALUE, '15m', '12h', '30d', '', ' ', 'false', null, undefined, true),
  fc.double(),
  fc.bigInt(),
  fc.constant(Symbol('option')),
  fc.constant(() => 'x'),
  trickyText(20),
);
