/**
 * The engine's whole read path, for the in-process micro-benchmarks (`keys-micro.ts`,
 * `metrics-micro.ts`): verify the cookie, derive the key, get, open, decode, commit with nothing
 * to write. No HTTP, no Express: what a per-request cost adds, undiluted by the rest of a request.
 *
 * @module
 */
import { SessionManager, type SessionManagerOptions } from '../src/core/manager.js';
import { signId } from '../src/core/signature.js';
import { MemoryStore } from '../src/stores/memory/index.js';

const BENCH_SECRET = 'Qm2Lx9RtB4vN8kW3pZ6yH1cJ5dG0sFaQp7Tz';

/**
 * A manager with `options` (on a MemoryStore) holding 1000 sessions, and a function that reads
 * them `n` times in turn and resolves to the µs per read.
 */
export async function readPath(options: Partial<SessionManagerOptions>): Promise<(n: number) => Promise<number>> {
  const manager = new SessionManager<{ user: string; cart: string[] }>({ secret: BENCH_SECRET, store: new MemoryStore(), name: 'sid', warn: () => {}, ...options });
  const headers: string[] = [];
  for (let i = 0; i < 1000; i++) {
    const { session } = await manager.loadSession({ cookieHeader: undefined, secure: false });
    session.user = `user-${i}`;
    session.cart = ['a', 'b'];
    await manager.commitSession(session, { secure: false, cookieName: 'sid' });
    headers.push(`sid=${encodeURIComponent(signId(session.id, BENCH_SECRET))}`);
  }
  return async (n) => {
    const start = process.hrtime.bigint();
    for (let i = 0; i < n; i++) {
      const { session } = await manager.loadSession({ cookieHeader: headers[i % 1000], secure: false });
      if (session.isNew) throw new Error('bench: a session did not load');
      const result = manager.commitNow(session, { secure: false, cookieName: 'sid' });
      if (result instanceof Promise) await result;
    }
    return Number(process.hrtime.bigint() - start) / 1000 / n;
  };
}
