/**
 * `Vary: Cookie` on every reply that carries a session, so shared caches never serve one
 * user's page to another (as the Express adapter does).
 *
 * @module
 */

/**
 * The `Vary` value a reply should carry given its current one: `Cookie` added, or `undefined`
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
