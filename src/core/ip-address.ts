/**
 * IP address syntax checks, written out so the core imports no `node:net`: the core also runs
 * under `tessera/web` in runtimes built on the Fetch API, where only `node:crypto` (and
 * `node:events`) can be counted on. They accept what Node's `isIPv4` / `isIPv6` accept (a
 * property test compares them).
 *
 * @module
 */

/** One decimal octet, 0-255, without leading zeros (as `net.isIPv4`). */
const OCTET = '(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]\\d|\\d)';
const IPV4 = new RegExp(`^${OCTET}(?:\\.${OCTET}){3}$`);
const GROUP = /^[0-9a-f]{1,4}$/i;
/** An IPv6 zone index (`fe80::1%eth0`), the characters `net.isIPv6` allows after `%`. */
const ZONE = /^[0-9a-z\-.:]+$/i;

/** True for a dotted-quad IPv4 address (`203.0.113.7`). */
export function isIPv4(value: string): boolean {
  return value.length <= 15 && IPV4.test(value);
}

/** True for an IPv6 address in any RFC 4291 text form, with an optional trailing IPv4 part and zone index. */
export function isIPv6(value: string): boolean {
  if (value.length > 128) return false;
  let address = value;
  const percent = value.indexOf('%');
  if (percent !== -1) {
    if (!ZONE.test(value.slice(percent + 1))) return false;
    address = value.slice(0, percent);
  }
  const halves = address.split('::');
  if (halves.length > 2) return false;
  const groups: string[] = [];
  for (const half of halves) if (half !== '') groups.push(...half.split(':'));
  // An embedded IPv4 address (`::ffff:192.0.2.1`) stands for the last two groups.
  // Only the text after the last colon may be one; anywhere else a dot fails the group check.
  let count = groups.length;
  if (address.slice(address.lastIndexOf(':') + 1).includes('.')) {
    if (!isIPv4(groups.pop() ?? '')) return false;
    count += 1;
  }
  if (!groups.every((g) => GROUP.test(g))) return false;
  return halves.length === 2 ? count <= 7 : count === 8;
}
