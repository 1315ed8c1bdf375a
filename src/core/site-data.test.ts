// The clearSiteData and noStore options: each accepted form and the header it gives, and a
// TypeError naming the option for anything else.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SessionManager } from '../index.js';
import { clearSiteDataValue } from './site-data.js';
import { TEST_SECRET } from '../../test/helpers/session-client.js';

describe('clearSiteData option', () => {
  it('turns lists, header text and bare names into a quoted Clear-Site-Data value', () => {
    assert.equal(clearSiteDataValue(['cookies']), '"cookies"');
    assert.equal(clearSiteDataValue(['cache', 'cookies', 'storage', 'cookies']), '"cache", "cookies", "storage"');
    assert.equal(clearSiteDataValue('"cache", "cookies"'), '"cache", "cookies"');
    assert.equal(clearSiteDataValue('storage'), '"storage"');
    assert.equal(clearSiteDataValue('*'), '"*"');
    assert.equal(clearSiteDataValue(false), undefined);
  });

  it('refuses unknown types, empty lists and other values with a TypeError naming the option', () => {
    for (const bad of [true, 'session', ['cookies', 'sessions'], [], '', 0, null, { cookies: true }, ['Cookies']]) {
      assert.throws(() => clearSiteDataValue(bad), (error: unknown) => error instanceof TypeError && /^clearSiteData/.test(error.message), String(bad));
    }
  });

  it('is checked at construction, as is noStore', () => {
    assert.throws(() => new SessionManager({ secret: TEST_SECRET, clearSiteData: ['everything' as 'cache'] }), /clearSiteData: "everything" is not a Clear-Site-Data type/);
    assert.throws(() => new SessionManager({ secret: TEST_SECRET, noStore: 'false' as unknown as boolean }), /noStore must be true or false/);
    new SessionManager({ secret: TEST_SECRET, clearSiteData: false, noStore: false });
  });
});
