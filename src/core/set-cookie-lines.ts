/**
 * The `Set-Cookie` values of one commit, as every adapter sends them.
 *
 * @module
 */
import type { CommitResult } from './engine-types.js';

/**
 * Every `Set-Cookie` value a commit asks for, in order: the session cookie first, then any
 * further cookie the core manages. An adapter appends each one (never replaces: the app may
 * set cookies of its own on the same response).
 */
export function setCookieLines(result: CommitResult): string[] {
  const lines: string[] = result.setCookie === undefined ? [] : [result.setCookie];
  if (result.extraSetCookies !== undefined) lines.push(...result.extraSetCookies);
  return lines;
}
