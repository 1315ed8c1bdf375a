import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { serialize, type SerializeOptions } from 'cookie';
import fc from 'fast-check';
import { formatSetCookie, type SetCookieAttributes } from './set-cookie-format.js';

/** What the `cookie` package itself gives, or the message of the error it throws. */
function packageOutput(name: string, value: string, a: SetCookieAttributes, expires: Date | null): string {
  const options: SerializeOptions = { path: a.path, httpOnly: a.httpOnly, secure: a.secure, partitioned: a.partitioned };
  if (a.domain !== undefined) options.domain = a.domain;
  if (a.sameSite !== undefined) options.sameSite = a.sameSite;
  if (a.priority !== undefined) options.priority = a.priority;
  if (expires !== null) options.expires = expires;
  try {
    return serialize(name, value, options);
  } catch (error) {
    return `throws ${(error as Error).message}`;
  }
}

function ours(name: string, value: string, a: SetCookieAttributes, expires: Date | null): string {
  try {
    return formatSetCookie(name, value, a, expires);
  } catch (error) {
    return `throws ${(error as Error).message}`;
  }
}

const attributes: fc.Arbitrary<SetCookieAttributes> = fc.record({
  path: fc.constantFrom('/', '/app', '/a b', '/x;y', ''),
  domain: fc.constantFrom(undefined, 'example.com', '.example.com', 'bad domain', ''),
  httpOnly: fc.boolean(),
  secure: fc.boolean(),
  sameSite: fc.constantFrom(undefined, true, false, 'lax' as const, 'strict' as const, 'none' as const),
  partitioned: fc.boolean(),
  priority: fc.constantFrom(undefined, 'low' as const, 'medium' as const, 'high' as const),
});
const names = fc.constantFrom('sid', '__Host-sid', 'connect.sid', 'bad name', 'a;b', '');
const values = fc.oneof(fc.constantFrom('', 's:abc.def+/=', 'x'), fc.string({ unit: 'binary', maxLength: 40 }));
const expiries = fc.oneof(fc.constant(null), fc.constant(new Date(Number.NaN)), fc.integer({ min: -8.64e15, max: 8.64e15 }).map((ms) => new Date(ms)));

describe('formatSetCookie', () => {
  it("gives exactly the cookie package's output, or its error, for any name, value, attributes and expiry", () => {
    fc.assert(
      fc.property(names, values, attributes, expiries, (name, value, a, expires) => {
        assert.equal(ours(name, value, a, expires), packageOutput(name, value, a, expires));
      }),
      { numRuns: 3000 },
    );
  });

  it('keeps each expiry second apart, also when dates go back and forth between calls', () => {
    const a: SetCookieAttributes = { path: '/', domain: undefined, httpOnly: true, secure: true, sameSite: 'lax', partitioned: false, priority: undefined };
    for (const ms of [1_000, 1_999, 2_000, 1_500, 999, 86_400_000, 1_000]) {
      assert.equal(formatSetCookie('sid', 'v', a, new Date(ms)), packageOutput('sid', 'v', a, new Date(ms)));
    }
  });

  it('encodes the value as the package does (express-session cookies: s%3A...)', () => {
    const a: SetCookieAttributes = { path: '/', domain: undefined, httpOnly: true, secure: false, sameSite: undefined, partitioned: false, priority: undefined };
    assert.equal(formatSetCookie('connect.sid', 's:id.mac+/x', a, null), 'connect.sid=s%3Aid.mac%2B%2Fx; Path=/; HttpOnly');
  });
});
