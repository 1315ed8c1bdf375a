// `require('tessera/express-session')` from CommonJS returns the middleware factory itself, with
// Store, MemoryStore, Cookie and Session on it, as `require('express-session')` does; it serves
// a real Express 4 app; and it does not load the express-session package. Runs on the build
// (`npm test` builds first), through the package's own exports map.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { it } from 'node:test';

const root = fileURLToPath(new URL('../../', import.meta.url));
const built = existsSync(`${root}dist/cjs/adapters/express-session/index.js`);
const skip = built || process.env.CI === 'true' ? false : 'dist/ is not built (run `npm run build`; `npm test` does it first)';

function node(args: string[]): string {
  return execFileSync(process.execPath, args, { cwd: root, encoding: 'utf8', timeout: 30_000 });
}

const script = `
const session = require('tessera/express-session');
const express = require('express4');
const out = {
  type: typeof session,
  classes: ['Store', 'MemoryStore', 'Cookie', 'Session'].map((k) => typeof session[k]),
  memoryIsStore: new session.MemoryStore() instanceof session.Store,
  expressSessionLoaded: Object.keys(require.cache).some((p) => /node_modules[\\\\/]express-session[\\\\/]/.test(p)),
};
function MyStore() { session.Store.call(this); this.m = new Map(); }
require('node:util').inherits(MyStore, session.Store);
MyStore.prototype.get = function (sid, cb) { cb(null, this.m.has(sid) ? JSON.parse(this.m.get(sid)) : undefined); };
MyStore.prototype.set = function (sid, sess, cb) { this.m.set(sid, JSON.stringify(sess)); cb && cb(); };
MyStore.prototype.destroy = function (sid, cb) { this.m.delete(sid); cb && cb(); };
const app = express();
app.use(session({ secret: 'cjs', store: new MyStore(), resave: false, saveUninitialized: false }));
app.get('/', (req, res) => { req.session.n = (req.session.n || 0) + 1; res.send(String(req.session.n)); });
const server = app.listen(0, '127.0.0.1', async () => {
  const url = 'http://127.0.0.1:' + server.address().port + '/';
  const first = await fetch(url);
  const cookie = first.headers.get('set-cookie').split(';')[0];
  const second = await fetch(url, { headers: { cookie } });
  out.bodies = [await first.text(), await second.text()];
  server.close();
  console.log(JSON.stringify(out));
});
`;

it('require() gives the factory with Store/MemoryStore/Cookie/Session, serving an Express 4 app', { skip }, () => {
  assert.ok(built, 'dist/cjs is built');
  const out = JSON.parse(node(['-e', script])) as Record<string, unknown>;
  assert.deepEqual(out, {
    type: 'function',
    classes: ['function', 'function', 'function', 'function'],
    memoryIsStore: true,
    expressSessionLoaded: false,
    bodies: ['1', '2'],
  });
});

it('import gives the same factory as the default export, with named exports', { skip }, () => {
  const out = node([
    '--input-type=module',
    '-e',
    "import session, { Store, MemoryStore, Cookie, Session } from 'tessera/express-session'; console.log(JSON.stringify([typeof session, session.Store === Store, session.MemoryStore === MemoryStore, session.Cookie === Cookie, session.Session === Session]))",
  ]);
  assert.deepEqual(JSON.parse(out), ['function', true, true, true, true]);
});
