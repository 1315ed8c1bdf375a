import { systemClock, type Clock } from './clock.js';
import { formatSetCookie } from './set-cookie-format.js';

// What a stored cookie may say; anything else is left at the default (see `fromStored`).
const SAME_SITE = new Set(['lax', 'strict', 'none', 'auto']);
const PRIORITY = new Set(['low', 'medium', 'high']);

/** `SameSite` values; `'auto'` means `None` on secure requests and `Lax` otherwise. */
export type SameSite = boolean | 'lax' | 'strict' | 'none' | 'auto' | 'Lax' | 'Strict' | 'None';

/** `Priority` values (Chromium). */
export type CookiePriority = 'low' | 'medium' | 'high' | 'Low' | 'Medium' | 'High';

/** Options of the session cookie, with express-session's names and meanings. */
export interface CookieOptions {
  /** Lifetime in milliseconds; `null`/unset makes a browser-session cookie (no `Expires`). */
  maxAge?: number | null | undefined;
  /** An absolute expiry; prefer `maxAge`. */
  expires?: Date | null | undefined;
  /** Default `true`: scripts cannot read the cookie. */
  httpOnly?: boolean | undefined;
  /** `true`, `false`, or `'auto'` (Secure exactly when the request is secure). */
  secure?: boolean | 'auto' | undefined;
  /** `SameSite` attribute. */
  sameSite?: SameSite | undefined;
  /** `Domain` attribute; unset means host-only. */
  domain?: string | undefined;
  /** `Path` attribute, default `'/'`. */
  path?: string | undefined;
  /** `Partitioned` attribute (CHIPS). */
  partitioned?: boolean | undefined;
  /** `Priority` attribute. */
  priority?: CookiePriority | undefined;
}

/** The cookie as it is stored with the session (express-session's JSON shape). */
export interface StoredCookie {
  originalMaxAge?: number | null;
  expires?: string | Date | null;
  httpOnly?: boolean;
  secure?: boolean | 'auto';
  sameSite?: SameSite;
  domain?: string;
  path?: string;
  partitioned?: boolean;
  priority?: CookiePriority;
}

/**
 * The session cookie of one session: its attributes and its expiry. Behaves like
 * express-session's `req.session.cookie`: `maxAge` is the time left, setting it moves
 * `expires`, and `originalMaxAge` remembers the lifetime so every request can renew it.
 */
export class SessionCookie {
  /** `Path` attribute. */
  path = '/';
  /** `HttpOnly` attribute. */
  httpOnly = true;
  /** `Secure` attribute (`'auto'` is resolved against the request when serialised). */
  secure?: boolean | 'auto';
  /** `SameSite` attribute. */
  sameSite?: SameSite;
  /** `Domain` attribute. */
  domain?: string;
  /** `Partitioned` attribute. */
  partitioned?: boolean;
  /** `Priority` attribute. */
  priority?: CookiePriority;
  /** The lifetime in ms this cookie was given, or `null` for a browser-session cookie. */
  originalMaxAge: number | null = null;
  #expires: Date | null = null;
  #clock: Clock;

  constructor(options?: CookieOptions | StoredCookie, clock: Clock = systemClock) {
    this.#clock = clock;
    if (!options) return;
    // express-session's Cookie: a truthy non-object is a programming error, not "no options".
    if (typeof options !== 'object') throw new TypeError('argument options must be an object');
    if (options.path !== undefined) this.path = options.path;
    if (options.httpOnly !== undefined) this.httpOnly = options.httpOnly;
    if (options.secure !== undefined) this.secure = options.secure;
    if (options.sameSite !== undefined) this.sameSite = options.sameSite;
    if (options.domain !== undefined) this.domain = options.domain;
    if (options.partitioned !== undefined) this.partitioned = options.partitioned;
    if (options.priority !== undefined) this.priority = options.priority;
    if ('maxAge' in options && options.maxAge != null) this.maxAge = options.maxAge;
    // A Date is kept as given (express-session keeps the very object); a stored string is parsed.
    else if (options.expires != null) this.expires = options.expires instanceof Date ? options.expires : new Date(options.expires);
    // A stored cookie keeps its configured lifetime even when its store returned `expires` as a string.
    if ('originalMaxAge' in options && options.originalMaxAge !== undefined) this.originalMaxAge = options.originalMaxAge;
  }

  /**
   * The cookie of a stored session, from whatever the store returned: fields of the wrong type
   * or value are left at their defaults instead of throwing, so a corrupt or hostile record can
   * neither crash a request nor make every later `Set-Cookie` fail to serialise. A stored
   * `expires` (a string, as JSON keeps it) is parsed; an unparseable one is no expiry, and
   * `originalMaxAge`, when it is a number, renews it on the next commit anyway.
   *
   * @example
   * const cookie = SessionCookie.fromStored(JSON.parse(record).cookie, clock);
   */
  static fromStored(stored: unknown, clock: Clock = systemClock): SessionCookie {
    const cookie = new SessionCookie(undefined, clock);
    if (typeof stored !== 'object' || stored === null) return cookie;
    const s = stored as Record<string, unknown>;
    if (typeof s.path === 'string') cookie.path = s.path;
    if (typeof s.httpOnly === 'boolean') cookie.httpOnly = s.httpOnly;
    if (typeof s.secure === 'boolean' || s.secure === 'auto') cookie.secure = s.secure;
    if (typeof s.sameSite === 'boolean' || (typeof s.sameSite === 'string' && SAME_SITE.has(s.sameSite.toLowerCase()))) cookie.sameSite = s.sameSite as SameSite;
    if (typeof s.domain === 'string') cookie.domain = s.domain;
    if (typeof s.partitioned === 'boolean') cookie.partitioned = s.partitioned;
    if (typeof s.priority === 'string' && PRIORITY.has(s.priority.toLowerCase())) cookie.priority = s.priority as CookiePriority;
    const expires = typeof s.expires === 'string' || typeof s.expires === 'number' || s.expires instanceof Date ? new Date(s.expires) : undefined;
    if (expires !== undefined && Number.isFinite(expires.getTime())) cookie.expires = expires;
    // After `expires`, whose setter re-bases it: the configured lifetime is what renewals use.
    if (typeof s.originalMaxAge === 'number' && Number.isFinite(s.originalMaxAge)) cookie.originalMaxAge = s.originalMaxAge;
    else if (s.originalMaxAge === null) cookie.originalMaxAge = null;
    return cookie;
  }

  /** Absolute expiry, or `null` for a browser-session cookie. Setting it re-bases `originalMaxAge`. */
  get expires(): Date | null {
    return this.#expires;
  }

  set expires(date: Date | null) {
    this.#expires = date;
    this.originalMaxAge = date ? date.getTime() - this.#clock() : null;
  }

  /**
   * Milliseconds left, or `null` for a browser-session cookie. Setting it moves `expires`; a
   * `Date` (accepted, as express-session does) sets `expires` to that instant.
   */
  get maxAge(): number | null {
    return this.#expires ? this.#expires.getTime() - this.#clock() : null;
  }

  set maxAge(ms: number | Date | null) {
    if (ms instanceof Date) {
      this.expires = ms;
      return;
    }
    if (ms !== null && ms !== undefined && typeof ms !== 'number') throw new TypeError('maxAge must be a number or Date');
    ms ??= null;
    // One clock read: going through the `expires` setter would read the clock twice and could
    // record 599999 for a 600000 ms lifetime when a millisecond ticks in between.
    this.#expires = ms === null ? null : new Date(this.#clock() + ms);
    this.originalMaxAge = ms;
  }

  /** Renews the expiry from `originalMaxAge`, as of `now`. */
  resetMaxAge(now: number = this.#clock()): void {
    if (typeof this.originalMaxAge === 'number') {
      const original = this.originalMaxAge;
      this.#expires = new Date(now + original);
      this.originalMaxAge = original;
    }
  }

  /** The attributes, as stored with the session (express-session's JSON shape). */
  get data(): StoredCookie {
    const data: StoredCookie = { originalMaxAge: this.originalMaxAge };
    if (this.partitioned !== undefined) data.partitioned = this.partitioned;
    if (this.priority !== undefined) data.priority = this.priority;
    data.expires = this.#expires;
    if (this.secure !== undefined) data.secure = this.secure;
    data.httpOnly = this.httpOnly;
    if (this.domain !== undefined) data.domain = this.domain;
    data.path = this.path;
    if (this.sameSite !== undefined) data.sameSite = this.sameSite;
    return data;
  }

  /** JSON form, used when the session is stored. */
  toJSON(): StoredCookie {
    return this.data;
  }

  /**
   * A `Set-Cookie` header value for `name=value` with this cookie's attributes.
   * `secureRequest` resolves `secure: 'auto'` and `sameSite: 'auto'`.
   * Throws the `cookie` package's error for an attribute it cannot serialise.
   */
  serialize(name: string, value: string, secureRequest = false): string {
    const sameSite = this.sameSite === 'auto' ? (secureRequest ? 'none' : 'lax') : this.sameSite;
    return formatSetCookie(
      name,
      value,
      {
        path: this.path,
        domain: this.domain,
        httpOnly: this.httpOnly,
        secure: this.secure === 'auto' ? secureRequest : this.secure === true,
        sameSite: typeof sameSite === 'string' ? (sameSite.toLowerCase() as 'lax') : sameSite,
        partitioned: this.partitioned === true,
        priority: this.priority?.toLowerCase() as 'high' | undefined,
      },
      this.#expires,
    );
  }
}
