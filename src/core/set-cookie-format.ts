/**
 * `Set-Cookie` values, fast: the `cookie` package formats and validates each distinct set of
 * attributes once; after that a value costs its `encodeURIComponent` and, with an expiry, a
 * date string (kept for the current second). Every session write sends its cookie again (the
 * expiry moved), and `cookie.serialize` with its regular expressions and option copies cost
 * about as much as the rest of a memory-store write together.
 *
 * The output is exactly `cookie.serialize`'s: the template is its own output around a sentinel
 * value and date, so attribute order, spelling and validation (an invalid domain or path throws
 * its `TypeError`) stay the package's.
 *
 * @module
 */
import { serialize, type SerializeOptions } from 'cookie';

/** The attributes of one `Set-Cookie` value, already resolved against the request. */
export interface SetCookieAttributes {
  path: string;
  domain: string | undefined;
  httpOnly: boolean;
  secure: boolean;
  sameSite: boolean | 'lax' | 'strict' | 'none' | undefined;
  partitioned: boolean;
  priority: 'low' | 'medium' | 'high' | undefined;
}

/** What goes around a value: before it is `<name>=`; `middle` precedes the expiry (if any), `tail` follows. */
interface Template {
  head: string;
  middle: string;
  tail: string;
  /** Whether the template was made with an expiry (the date goes between `middle` and `tail`). */
  dated: boolean;
}

// A value and date no real cookie carries, to find where they sit in the package's output.
const SENTINEL_VALUE = 'x';
const SENTINEL_DATE = new Date(0);
const SENTINEL_DATE_TEXT = `; Expires=${SENTINEL_DATE.toUTCString()}`;
// Distinct attribute sets are few (one per configuration and secure/insecure request); the cap
// only guards against an app that builds a new path or domain per request.
const MAX_TEMPLATES = 256;
const templates = new Map<string, Template>();

let lastSecond = Number.NaN;
let lastDateText = '';

/**
 * `cookie.serialize(name, value, { ...attributes, expires })`, from a template made once per
 * distinct `name` and `attributes`. Throws the package's `TypeError` for anything it refuses.
 *
 * @example
 * formatSetCookie('sid', 's:abc.mac', { path: '/', domain: undefined, httpOnly: true, secure: true, sameSite: 'lax', partitioned: false, priority: undefined }, expires);
 */
export function formatSetCookie(name: string, value: string, attributes: SetCookieAttributes, expires: Date | null): string {
  const time = expires === null ? Number.NaN : expires.getTime();
  // An invalid date: the package's own error.
  if (expires !== null && !Number.isFinite(time)) return serialize(name, value, packageOptions(attributes, expires));
  const template = templateFor(name, attributes, expires !== null);
  const encoded = value === '' ? '' : encodeURIComponent(value);
  if (!template.dated) return `${template.head}${encoded}${template.middle}`;
  return `${template.head}${encoded}${template.middle}${dateText(time)}${template.tail}`;
}

function templateFor(name: string, a: SetCookieAttributes, dated: boolean): Template {
  // Length-prefixed, so no name, path or domain (valid or not) can pass for another's.
  const domain = a.domain === undefined ? '-' : `${a.domain.length}:${a.domain}`;
  const key = `${name.length}:${name}${a.path.length}:${a.path}${domain}${a.httpOnly ? 1 : 0}${a.secure ? 1 : 0}${a.partitioned ? 1 : 0}${dated ? 1 : 0}${String(a.sameSite)},${a.priority ?? ''}`;
  let template = templates.get(key);
  if (template === undefined) {
    template = makeTemplate(name, a, dated);
    if (templates.size >= MAX_TEMPLATES) templates.clear();
    templates.set(key, template);
  }
  return template;
}

function makeTemplate(name: string, attributes: SetCookieAttributes, dated: boolean): Template {
  const text = serialize(name, SENTINEL_VALUE, packageOptions(attributes, dated ? SENTINEL_DATE : null));
  const head = `${name}=`;
  const rest = text.slice(head.length + SENTINEL_VALUE.length);
  if (!dated) return { head, middle: rest, tail: '', dated };
  const at = rest.indexOf(SENTINEL_DATE_TEXT);
  return { head, middle: `${rest.slice(0, at)}; Expires=`, tail: rest.slice(at + SENTINEL_DATE_TEXT.length), dated };
}

/** The package's options for `attributes` (an unset attribute left out, as it expects). */
function packageOptions(a: SetCookieAttributes, expires: Date | null): SerializeOptions {
  const options: SerializeOptions = { path: a.path, httpOnly: a.httpOnly, secure: a.secure, partitioned: a.partitioned };
  if (a.domain !== undefined) options.domain = a.domain;
  if (a.sameSite !== undefined) options.sameSite = a.sameSite;
  if (a.priority !== undefined) options.priority = a.priority;
  if (expires !== null) options.expires = expires;
  return options;
}

/** `new Date(time).toUTCString()`, which only changes once a second. */
function dateText(time: number): string {
  const second = Math.floor(time / 1000);
  if (second !== lastSecond) {
    lastDateText = new Date(time).toUTCString();
    lastSecond = second;
  }
  return lastDateText;
}
