// The `genid` option: makes session IDs from the request, for new and regenerated sessions.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { Request } from 'express';
import session from '../../src/adapters/express-session/index.js';
import { eachExpress, idOf, SECRET, setCookieFor, start } from './helpers.js';

eachExpress((express) => {
  it('calls genid(req) for new and regenerated sessions, and uses what it returns', async (t) => {
    let n = 0;
    const genid = (req: Request) => `${req.path.slice(1) || 'root'}-${++n}`;
    const app = await start(t, express, { secret: SECRET, genid }, (a) => {
      a.get('/', (req, res) => res.send(req.sessionID));
      a.get('/regenerate', (req, res, next) => req.session.regenerate((err) => (err ? next(err) : res.send(req.sessionID))));
    });
    const res = await app.client().request('/');
    assert.equal(res.body, 'root-1');
    assert.equal(idOf(setCookieFor(res.setCookies)), 'root-1');
    assert.equal((await app.client().request('/regenerate')).body, 'regenerate-3');
  });

  it('defaults to 256-bit random base64url IDs', async (t) => {
    const app = await start(t, express, { secret: SECRET }, (a) => a.get('/', (req, res) => res.send(req.sessionID)));
    const ids = new Set<string>();
    for (let i = 0; i < 5; i++) ids.add((await app.client().request('/')).body);
    assert.equal(ids.size, 5);
    for (const id of ids) assert.match(id, /^[\w-]{43}$/);
  });

  it('rejects a genid that is not a function at construction', () => {
    assert.throws(() => session({ secret: SECRET, genid: 'x' as never }), { name: 'TypeError', message: 'genid option must be a function' });
  });
});
