/**
 * A browser stand-in for core tests: it keeps the session cookie the way a browser would and
 * drives `SessionManager.loadSession` / `commitSession` as an adapter does, without HTTP.
 *
 * @module
 */
import { parseSetCookie } from 'cookie';
import type { CommitResult } from '../../src/core/engine.js';
import { SessionManager, type SessionManagerOptions, type TypedSession } from '../../src/index.js';
import { MemoryStore } from '../../src/stores/memory/memory-store.js';
import { manualClock, type ManualClock } from './manual-clock.js';

/** What one simulated request saw. */
export interface ClientResult<T extends object> extends CommitResult {
  session: TypedSession<T>;
  cookieName: string;
}

/** Keeps one session cookie and replays it on every request, like a browser. */
export class SessionClient<T extends object> {
  /** The cookie value as the server sent it (still URL-encoded), or `undefined`. */
  value: string | undefined;
  readonly #manager: SessionManager<T>;
  readonly #secure: boolean;

  constructor(manager: SessionManager<T>, options: { secure?: boolean } = {}) {
    this.#manager = manager;
    this.#secure = options.secure ?? false;
  }

  /** Runs one request: load, let `handler` use the session, commit, keep the cookie. */
  async request(handler?: (session: TypedSession<T>) => unknown): Promise<ClientResult<T>> {
    const name = this.#manager.cookieName(this.#secure);
    const cookieHeader = this.value === undefined ? undefined : `${name}=${this.value}`;
    const { session, cookieName } = await this.#manager.loadSession({ cookieHeader, secure: this.#secure });
    await handler?.(session);
    const result = await this.#manager.commitSession(session, { secure: this.#secure, cookieName });
    if (result.setCookie !== undefined) this.#keep(result.setCookie);
    return { ...result, session, cookieName };
  }

  #keep(header: string): void {
    const parsed = parseSetCookie(header);
    const expired = parsed.expires !== undefined && parsed.expires.getTime() <= Date.now();
    // parseSetCookie decodes the value; keep the raw (encoded) form, as a browser does.
    const raw = header.slice(header.indexOf('=') + 1).split(';', 1)[0] ?? '';
    this.value = expired || raw === '' ? undefined : raw;
  }
}

/** What `setupSessions` builds. */
export interface SessionSetup<T extends object> {
  clock: ManualClock;
  store: MemoryStore;
  manager: SessionManager<T>;
  /** A plain-HTTP client. */
  client: SessionClient<T>;
}

/** A manager on a real MemoryStore, both on one manual clock, plus a client. */
export function setupSessions<T extends object = TestData>(options: Partial<SessionManagerOptions> = {}): SessionSetup<T> {
  const clock = manualClock();
  const store = new MemoryStore({ clock: clock.now, sweepInterval: 0 });
  const manager = new SessionManager<T>({ secret: TEST_SECRET, store, clock: clock.now, warn: () => {}, ...options });
  return { clock, store, manager, client: new SessionClient(manager) };
}

/** A secret for tests (never use a constant secret in an application). */
export const TEST_SECRET = 'Tq8vW2mZ-test-only-4nLx7RcJ9bYe1KpD';

/** Session data most core tests use. */
export interface TestData {
  n?: number;
  user?: string;
  cart?: string[];
}
