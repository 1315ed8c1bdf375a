// The end-of-request rules, alone: express-session's documented behaviour, one row per case.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decideCommit, type CommitFacts } from './commit-policy.js';

const base: CommitFacts = { isNew: false, modified: false, alreadySaved: true, everSaved: true, hasExpiry: false };

describe('decideCommit', () => {
  const rows: Array<[string, { saveUninitialized?: boolean; rolling?: boolean }, Partial<CommitFacts>, { save: boolean; touch: boolean; sendCookie: boolean }]> = [
    ['new, untouched, saveUninitialized off: nothing at all', {}, { isNew: true, alreadySaved: false, everSaved: false }, { save: false, touch: false, sendCookie: false }],
    ['new, untouched, saveUninitialized off, rolling: still nothing', { rolling: true }, { isNew: true, alreadySaved: false, everSaved: false }, { save: false, touch: false, sendCookie: false }],
    ['new, untouched, saveUninitialized on: saved with a cookie', { saveUninitialized: true }, { isNew: true, alreadySaved: false, everSaved: false }, { save: true, touch: false, sendCookie: true }],
    ['new, modified: saved with a cookie', {}, { isNew: true, modified: true, alreadySaved: false, everSaved: false }, { save: true, touch: false, sendCookie: true }],
    ['new, saved explicitly, unchanged since: no second write, cookie sent', {}, { isNew: true, modified: true, alreadySaved: true }, { save: false, touch: false, sendCookie: true }],
    ['loaded, unchanged (resave off): touch, no cookie', {}, {}, { save: false, touch: true, sendCookie: false }],
    ['loaded, unchanged, rolling: touch and cookie', { rolling: true }, {}, { save: false, touch: true, sendCookie: true }],
    ['loaded, unchanged, resave on: saved again', {}, { alreadySaved: false, everSaved: false }, { save: true, touch: false, sendCookie: false }],
    ['loaded, modified, browser-session cookie: saved, cookie not re-sent', {}, { modified: true, alreadySaved: false }, { save: true, touch: false, sendCookie: false }],
    ['loaded, modified, cookie with expiry: saved, cookie re-sent', {}, { modified: true, alreadySaved: false, hasExpiry: true }, { save: true, touch: false, sendCookie: true }],
    ['loaded, unchanged, cookie with expiry: touch only', {}, { hasExpiry: true }, { save: false, touch: true, sendCookie: false }],
  ];
  for (const [name, options, facts, expected] of rows) {
    it(name, () => {
      const decision = decideCommit({ saveUninitialized: false, rolling: false, ...options }, { ...base, ...facts });
      assert.deepEqual(decision, expected);
    });
  }
});
