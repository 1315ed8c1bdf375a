/**
 * The `Clear-Site-Data` header a logout sends (W3C Clear Site Data; OWASP Session Management
 * recommends it at logout): the option's forms, checked at construction, and the header value.
 *
 * @module
 */
import { show } from './cookie-rules.js';

/** The data types `Clear-Site-Data` names (W3C Clear Site Data, plus `"*"` for all of them). */
export type ClearSiteDataType = 'cache' | 'cookies' | 'storage' | 'executionContexts' | 'clientHints' | 'prefetchCache' | 'prerenderCache' | '*';

const TYPES: ReadonlySet<string> = new Set<ClearSiteDataType>(['cache', 'cookies', 'storage', 'executionContexts', 'clientHints', 'prefetchCache', 'prerenderCache', '*']);

/** The native default: `"cookies"` (logs the browser out of this site; caches and storage are the app's call). */
export const DEFAULT_CLEAR_SITE_DATA: readonly ClearSiteDataType[] = ['cookies'];

/**
 * The `Clear-Site-Data` value for the `clearSiteData` option, or `undefined` for `false`.
 * Accepts `false`, a list of types (`['cache', 'cookies']`), or the header's own text
 * (`'"cache", "cookies"'`; bare names are quoted). Anything else, an unknown type or an empty
 * list is a `TypeError` naming the option.
 */
export function clearSiteDataValue(option: unknown): string | undefined {
  if (option === false) return undefined;
  let types: unknown[];
  if (typeof option === 'string') types = option.split(',').map((part) => part.trim().replace(/^"(.*)"$/, '$1'));
  else if (Array.isArray(option)) types = option;
  else throw new TypeError(`clearSiteData must be false, a list such as ['cache', 'cookies', 'storage'], or a header value such as '"cookies"' (got ${show(option)})`);
  if (types.length === 0) throw new TypeError("clearSiteData must name at least one type (or be false to send none), e.g. ['cookies']");
  for (const type of types) {
    if (typeof type !== 'string' || !TYPES.has(type)) {
      throw new TypeError(`clearSiteData: ${show(type)} is not a Clear-Site-Data type; use ${[...TYPES].map((t) => `'${t}'`).join(', ')}`);
    }
  }
  return [...new Set(types as string[])].map((type) => `"${type}"`).join(', ');
}
