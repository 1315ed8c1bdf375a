/**
 * A browser stand-in over real HTTP: `fetch` plus a cookie jar that keeps what `Set-Cookie`
 * sends (deleting expired cookies) and replays it. Redirects are not followed, so tests see
 * them, and every header is left for the test to inspect.
 *
 * @module
 */
import { parseSetCookie } from 'cookie';

/** One response, read to the end. */
export interface HttpResult {
  status: number;
  headers: Headers;
  body: string;
  /** Every `Set-Cookie` header of the response, raw. */
  setCookies: string[];
}

/** A cookie-keeping HTTP client for one server. */
export class HttpClient {
  /** Cookies by name, values as sent (still encoded). */
  readonly jar = new Map<string, string>();
  readonly baseUrl: string;
  readonly #headers: Record<string, string>;

  /** `headers` go with every request (e.g. `X-Forwarded-Proto: https`). */
  constructor(baseUrl: string, headers: Record<string, string> = {}) {
    this.baseUrl = baseUrl;
    this.#headers = headers;
  }

  /** The `Cookie` header the jar would send, or `undefined`. */
  get cookieHeader(): string | undefined {
    if (this.jar.size === 0) return undefined;
    return [...this.jar].map(([name, value]) => `${name}=${value}`).join('; ');
  }

  /** Sends a request with the jar's cookies and keeps the response's cookies. */
  async request(path: string, init: { method?: string; body?: string | URLSearchParams; headers?: Record<string, string> } = {}): Promise<HttpResult> {
    const headers: Record<string, string> = { ...this.#headers, ...init.headers };
    const cookie = this.cookieHeader;
    if (cookie !== undefined && headers.cookie === undefined) headers.cookie = cookie;
    const response = await fetch(new URL(path, this.baseUrl), {
      method: init.method ?? 'GET',
      headers,
      redirect: 'manual',
      ...(init.body !== undefined ? { body: init.body } : {}),
    });
    const setCookies = response.headers.getSetCookie();
    for (const header of setCookies) this.keep(header);
    return { status: response.status, headers: response.headers, body: await response.text(), setCookies };
  }

  /** Stores one `Set-Cookie` header in the jar, as a browser would. */
  keep(header: string): void {
    const parsed = parseSetCookie(header);
    const raw = header.slice(header.indexOf('=') + 1).split(';', 1)[0] ?? '';
    const expired = parsed.expires !== undefined && parsed.expires.getTime() <= Date.now();
    if (expired || parsed.maxAge === 0 || raw === '') this.jar.delete(parsed.name);
    else this.jar.set(parsed.name, raw);
  }
}

/** The attributes of a `Set-Cookie` header after the name=value pair, lower-cased, as a set. */
export function cookieAttributes(header: string): Set<string> {
  return new Set(header.split(';').slice(1).map((a) => a.trim().toLowerCase()));
}
