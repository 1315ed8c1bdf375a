/**
 * `Vary: Cookie` on every response that carries a session, so a shared cache never serves one
 * visitor's session page to another. Shared by `tessera/node` and Fastify's hooks.
 *
 * @module
 */
import type { ServerResponse } from 'node:http';

/**
 * The `Vary` value a response should carry given its current one: `Cookie` added, or `undefined`
 * when the current value already covers it (`*`, or `Cookie` in any case).
 */
export function varyWithCookie(current: unknown): string | undefined {
  if (current === undefined) return 'Cookie';
  const text = Array.isArray(current) ? current.join(', ') : String(current);
  for (const field of text.split(',')) {
    const name = field.trim().toLowerCase();
    if (name === '*' || name === 'cookie') return undefined;
  }
  return `${text}, Cookie`;
}

/** Adds `Cookie` to the response's `Vary` (once; `Vary: *` already covers it). */
export function varyOnCookie(res: ServerResponse): void {
  const vary = varyWithCookie(res.getHeader('Vary'));
  if (vary !== undefined) res.setHeader('Vary', vary);
}
