// The one deliberate difference from express-session: the store write finishes before the
// status line goes out, so a failed save is an error response (not the app's 200) and a
// redirect never outruns its session. And everything about ending a response still works:
// pieces, Content-Length, end(null), writeHead with cookies, end twice, other patches, pipes.
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { it } from 'node:test';
import type { Express, NextFunction, Request, Response } from 'express';
import session from '../../src/adapters/express-session/index.js';
import { CountingStore, data, eachExpress, idOf, SECRET, setCookieFor, start } from './helpers.js';

/** A store whose writes take `ms` to land. */
class SlowStore extends CountingStore {
  override set(sid: string, sess: Parameters<CountingStore['set']>[1], callback?: (err?: any) => void): void {
    setTimeout(() => super.set(sid, sess, callback), 50);
  }
}

eachExpress((express) => {
  const write = (req: Request) => {
    data(req).n = (data(req).n ?? 0) + 1;
  };

  it("answers a failed save with Express's error response, not the app's 200", async (t) => {
    const store = new CountingStore();
    store.failing.add('set');
    const app = await start(t, express, { secret: SECRET, store }, (a) => a.get('/', (req, res) => {
      write(req);
      res.status(200).send('logged in');
    }), { errors: 'express' });
    const res = await app.client().request('/');
    assert.equal(res.status, 500);
    assert.doesNotMatch(res.body, /logged in/);
    assert.equal(setCookieFor(res.setCookies), undefined);
  });

  it('stores the session before a redirect reaches the client', async (t) => {
    const store = new SlowStore();
    const app = await start(t, express, { secret: SECRET, store }, (a) => a.post('/login', (req, res) => {
      data(req).user = 'ada';
      res.redirect('/home');
    }));
    const res = await app.client().request('/login', { method: 'POST' });
    assert.equal(res.status, 302);
    const id = idOf(setCookieFor(res.setCookies));
    assert.equal(store.stored(id)?.user, 'ada', 'the record is there when the redirect arrives');
  });

  const ending: Array<[string, (req: Request, res: Response) => void, string]> = [
    ['a body written in pieces', (_req, res) => {
      res.write('a');
      res.write(Buffer.from('b'));
      res.end('c');
    }, 'abc'],
    ['a Content-Length', (_req, res) => {
      res.setHeader('Content-Length', '5');
      res.end('hello');
    }, 'hello'],
    ['end(null)', (_req, res) => {
      res.end(null);
    }, ''],
    ['writeHead then end', (_req, res) => {
      res.writeHead(201, { 'Content-Type': 'text/plain' });
      res.end('made');
    }, 'made'],
    ['a piped stream', (_req, res) => {
      Readable.from(['x', 'y', 'z']).pipe(res);
    }, 'xyz'],
    ['flushHeaders then end', (_req, res) => {
      res.flushHeaders();
      res.end('late');
    }, 'late'],
  ];
  for (const [name, handler, body] of ending) {
    it(`saves the session and sends the cookie with ${name}`, async (t) => {
      const store = new CountingStore();
      const app = await start(t, express, { secret: SECRET, store }, (a) => a.get('/', (req, res) => {
        write(req);
        handler(req, res);
      }));
      const res = await app.client().request('/');
      assert.equal(res.body, body);
      const id = idOf(setCookieFor(res.setCookies));
      assert.equal(store.stored(id)?.n, 1);
    });
  }

  it('keeps Set-Cookie headers set before, or passed to writeHead, beside the session cookie', async (t) => {
    const app = await start(t, express, { secret: SECRET }, (a) => a.get('/', (req, res) => {
      write(req);
      res.setHeader('Set-Cookie', 'before=1');
      res.writeHead(200, { 'Set-Cookie': ['head=2'] });
      res.end('ok');
    }));
    const res = await app.client().request('/');
    const names = res.setCookies.map((c) => c.split('=')[0]).sort();
    assert.deepEqual(names, ['before', 'connect.sid', 'head']);
  });

  it("raises Node's own error when res.end is called twice", async (t) => {
    const errors: string[] = [];
    const app = await start(t, express, { secret: SECRET }, (a) => a.get('/', (req, res) => {
      write(req);
      res.on('error', (err: NodeJS.ErrnoException) => errors.push(err.code ?? err.message));
      res.end('first');
      res.end('second');
    }));
    const res = await app.client().request('/');
    assert.equal(res.body, 'first');
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(errors, ['ERR_STREAM_WRITE_AFTER_END']);
  });

  it('cooperates with code that wraps res.write/res.end before and after it', async (t) => {
    const store = new CountingStore();
    const before = (_req: Request, res: Response, next: NextFunction) => {
      const end = res.end;
      res.end = function (this: Response, ...args: unknown[]) {
        res.setHeader('X-Before', 'yes');
        return (end as (...a: unknown[]) => Response).apply(this, args);
      } as Response['end'];
      next();
    };
    const after = (_req: Request, res: Response, next: NextFunction) => {
      const end = res.end;
      res.end = function (this: Response, chunk?: unknown, ...rest: unknown[]) {
        const upper = typeof chunk === 'string' ? chunk.toUpperCase() : chunk;
        return (end as (...a: unknown[]) => Response).call(this, upper, ...rest);
      } as Response['end'];
      next();
    };
    const app = await start(t, express, undefined, (a: Express) => {
      a.use(after);
      a.get('/', (req, res) => {
        write(req);
        res.end('quiet');
      });
    }, { mount: (a) => a.use(before, session({ secret: SECRET, store })) });
    const res = await app.client().request('/');
    assert.equal(res.body, 'QUIET');
    assert.equal(res.headers.get('x-before'), 'yes');
    assert.equal(store.stored(idOf(setCookieFor(res.setCookies)))?.n, 1);
  });
});

eachExpress((express) => {
  it('saves changes made after the first write of a streamed response, as express-session does', async (t) => {
    const store = new CountingStore();
    const app = await start(t, express, { secret: SECRET, store, resave: false, saveUninitialized: false }, (a) => {
      a.get('/stream', (req, res) => {
        data(req).n = 1;
        res.write('a');
        data(req).n = 2; // after the head went out
        setTimeout(() => res.end('b'), 5);
      });
    });
    const res = await app.client().request('/stream');
    assert.equal(res.body, 'ab');
    const id = idOf(setCookieFor(res.setCookies));
    assert.equal(store.stored(id)?.n, 2);
  });
});
