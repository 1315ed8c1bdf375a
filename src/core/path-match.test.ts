import assert from 'node:assert/strict';
import { it } from 'node:test';
import { pathMatches } from './path-match.js';

// Rows of RFC 6265 §5.1.4: [request path, cookie path, matches].
const table: Array<[string, string, boolean]> = [
  ['/', '/', true],
  ['/anything', '/', true],
  ['/admin', '/admin', true],
  ['/admin/', '/admin', true],
  ['/admin/x', '/admin', true],
  ['/admin/x/y', '/admin/', true],
  ['/administrator', '/admin', false],
  ['/admin', '/admin/', false],
  ['/adm', '/admin', false],
  ['/Admin', '/admin', false],
  ['/other', '/admin', false],
];

for (const [request, cookie, expected] of table) {
  it(`${request} ${expected ? 'matches' : 'does not match'} Path=${cookie}`, () => {
    assert.equal(pathMatches(request, cookie), expected);
  });
}
