// Forged, malformed, oversized, unknown and expired session cookies: always a fresh session
// with a new ID, never an error.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import session from '../../src/adapters/express-session/index.js';
import { manualClock } from '../helpers/manual-clock.js';
import { data, eachExpress, idOf, SECRET, setCookieFor, signed, start } from './helpers.js';

const mac = signed('x').split('.').pop() ?? '';
const cookies: Array<[string, string]> = [
  ['garbage', 'connect.sid=%%%garbage%%%'],
  ['bad percent-encoding', 'connect.sid=s%3Aabc.%E0%A4%A'],
  ['only the prefix', 'connect.sid=s%3A'],
  ['no signature', 'connect.sid=s%3Aabc'],
  ['an empty signature', 'connect.sid=s%3Aabc.'],
  ['an empty id', `connect.sid=${signed('')}`],
  ['another id with a valid signature', `connect.sid=s%3Ay.${mac}`],
  ['an unsigned id', 'connect.sid=abc'],
  ['a forged signature', `connect.sid=${signed('victim', 'attacker secret')}`],
  ['an unknown id, validly signed', `connect.sid=${signed('never-issued')}`],
  ['an oversized value', `connect.sid=${signed('a'.repeat(6000))}`],
  ['a quoted value', 'connect.sid="s%3Aabc.def"'],
  ['unicode', 'connect.sid=s%3A%F0%9F%8D%AA.%F0%9F%8D%AA'],
  ['duplicate names', `connect.sid=bad; connect.sid=${signed('never-issued')}`],
  ['a header of separators', ';;;=;=='],
];

eachExpress((express) => {
  const routes = (app: import('express').Express) =>
    app.get('/', (req, res) => {
      data(req).n = (data(req).n ?? 0) + 1;
      res.json({ id: req.sessionID, n: data(req).n });
    });

  for (const [name, header] of cookies) {
    it(`gives a fresh session for ${name}`, async (t) => {
      const app = await start(t, express, { secret: SECRET }, routes);
      const res = await app.client().request('/', { headers: { cookie: header } });
      assert.equal(res.status, 200);
      const body = JSON.parse(res.body) as { id: string; n: number };
      assert.equal(body.n, 1);
      assert.match(body.id, /^[\w-]{43}$/, 'a newly generated ID, not the one sent');
      assert.equal(idOf(setCookieFor(res.setCookies)), body.id);
    });
  }

  it('gives a fresh session with a different ID for an expired one', async (t) => {
    const clock = manualClock(Date.now());
    const store = new session.MemoryStore({ clock: clock.now });
    const app = await start(t, express, { secret: SECRET, store, cookie: { maxAge: 60_000 } }, routes);
    const browser = app.client();
    const first = JSON.parse((await browser.request('/')).body) as { id: string };
    clock.advance(65_000); // past the expiry the engine set (on the real clock, a little after `clock` started)
    const second = JSON.parse((await browser.request('/')).body) as { id: string; n: number };
    assert.notEqual(second.id, first.id);
    assert.equal(second.n, 1);
  });
});
