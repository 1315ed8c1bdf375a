import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setCookieLines } from './set-cookie-lines.js';

describe('setCookieLines', () => {
  it('lists nothing when the commit sets no cookie', () => {
    assert.deepEqual(setCookieLines({ setCookie: undefined, stored: 'none' }), []);
  });
  it('puts the session cookie first, then the further cookies in order', () => {
    const lines = setCookieLines({ setCookie: 'sid=a', stored: 'saved', extraSetCookies: ['c1=b', 'c2=c'] });
    assert.deepEqual(lines, ['sid=a', 'c1=b', 'c2=c']);
  });
  it('lists further cookies even without a session cookie', () => {
    assert.deepEqual(setCookieLines({ setCookie: undefined, stored: 'none', extraSetCookies: ['c1=; Max-Age=0'] }), ['c1=; Max-Age=0']);
  });
});
