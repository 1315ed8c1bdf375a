// The core's own IP syntax checks accept exactly what Node's `net.isIPv4` / `net.isIPv6` accept
// (the core imports no node:net, see ip-address.ts): a table of edge cases, then random
// addresses and near-addresses compared one by one.
import assert from 'node:assert/strict';
import net from 'node:net';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { isIPv4, isIPv6 } from './ip-address.js';

const CASES = [
  '', '0.0.0.0', '255.255.255.255', '256.1.1.1', '01.2.3.4', '1.2.3', '1.2.3.4.5', '1.2.3.4 ', ' 1.2.3.4', '1..2.3',
  '::', '::1', '1::', ':1::', '1:::2', '::1::', '1:2:3:4:5:6:7:8', '1:2:3:4:5:6:7:8:9', '1:2:3:4:5:6:7::', '::2:3:4:5:6:7:8',
  '1:2:3:4:5:6:7:8::', '::ffff:192.0.2.1', '::ffff:192.0.2.256', '1:2:3:4:5:6:1.2.3.4', '1:2:3:4:5:6:7:1.2.3.4', '1.2.3.4::',
  '1.2.3.4::1', 'fe80::1%eth0', 'fe80::1%', '%eth0', 'fe80::1%eth 0', 'FE80::ABCD', '12345::', 'g::1', '2001:db8::1.2.3.4',
  '::1.2.3', '1:2:3:4:5:6:7:8%1', '::ffff:1.2.3.4%x', ':', ':::', '1:2', 'x.y.z.w',
];

describe('IP syntax without node:net', () => {
  it('agrees with net.isIPv4 / net.isIPv6 on edge cases', () => {
    for (const value of CASES) {
      assert.equal(isIPv4(value), net.isIPv4(value), `isIPv4(${JSON.stringify(value)})`);
      assert.equal(isIPv6(value), net.isIPv6(value), `isIPv6(${JSON.stringify(value)})`);
    }
  });

  it('agrees on random addresses and near-addresses', () => {
    const near = fc.string({ unit: fc.constantFrom(...'0123456789abcdefABCDEF:.%x'), maxLength: 45 });
    const value = fc.oneof(fc.ipV4(), fc.ipV4Extended(), fc.ipV6(), near, fc.ipV6().map((ip) => `${ip}%eth0`));
    fc.assert(
      fc.property(value, (v) => isIPv4(v) === net.isIPv4(v) && isIPv6(v) === net.isIPv6(v)),
      { numRuns: 5000 },
    );
  });
});
