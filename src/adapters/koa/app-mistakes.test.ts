// The app's own mistakes behave as under Koa + koa-session: the same routes run side by side on
// a Koa app with tessera/koa and one with koa-session (external store), and each mistake gives
// the same status, the same body and the same saved session in both. Like koa-session, a
// change made before a throw is saved (the commit runs whatever the chain did).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import Koa from 'koa';
import createSession from 'koa-session';
import { session } from './index.js';
import { SessionManager } from '../../index.js';
import { MemoryStore } from '../../stores/memory/memory-store.js';
import { listenKoa, type KoaListening } from '../../../test/helpers/koa-apps.js';
import { HttpClient } from '../../../test/helpers/http-client.js';
import { TEST_SECRET } from '../../../test/helpers/session-client.js';

type Kind = 'tessera/koa' | 'koa-session';

/** One running app, with what the tests need to follow a request to its end on the server. */
interface Running extends KoaListening {
  /** Resolves when the server has finished the next request to `path` (session committed). */
  finished(path: string): Promise<void>;
  /** Resolves when the next request to `/abort` is waiting in its route. */
  entered(): Promise<void>;
}

async function start(kind: Kind): Promise<Running> {
  const waiting = new Map<string, () => void>();
  let enter: (() => void) | undefined;
  const app = new Koa();
  app.silent = true;
  app.keys = [TEST_SECRET];
  app.use(async (ctx, next) => {
    try {
      if (ctx.path !== '/caught') return await next();
      try {
        await next();
      } catch {
        ctx.status = 418;
        ctx.body = 'caught';
      }
    } finally {
      waiting.get(ctx.path)?.();
    }
  });
  if (kind === 'tessera/koa') {
    app.use(session(new SessionManager({ secret: TEST_SECRET, store: new MemoryStore({ sweepInterval: 0 }), warn: () => {} })));
  } else {
    const records = new Map<string, unknown>();
    app.use(
      createSession(
        {
          store: {
            get: async (key: string) => records.get(key),
            set: async (key: string, value: unknown) => void records.set(key, value),
            destroy: async (key: string) => void records.delete(key),
          },
        },
        app,
      ),
    );
  }
  app.use(async (ctx) => {
    const bump = (): void => {
      ctx.session.koaViews = (ctx.session.koaViews ?? 0) + 1;
    };
    switch (ctx.path) {
      case '/peek':
        ctx.body = { views: ctx.session.koaViews ?? null };
        return;
      case '/incr':
        bump();
        ctx.body = 'ok';
        return;
      case '/throw-after-body':
        bump();
        ctx.body = 'partial';
        throw new Error('boom');
      case '/throw-http':
        bump();
        ctx.throw(403, 'not yours');
        return;
      case '/caught':
        bump();
        throw new Error('to be caught');
      case '/res-end':
        bump();
        ctx.status = 200;
        ctx.res.end('by hand');
        return;
      case '/res-end-then-body':
        bump();
        ctx.status = 200;
        ctx.res.end('first');
        ctx.body = 'second';
        return;
      case '/res-end-then-throw':
        bump();
        ctx.status = 200;
        ctx.res.end('sent');
        throw new Error('after the response');
      case '/abort':
        enter?.();
        await new Promise((resolve) => ctx.res.once('close', resolve));
        bump();
        ctx.body = 'nobody reads this';
        return;
      default:
        ctx.status = 404;
    }
  });
  const server = await listenKoa(app);
  return {
    ...server,
    finished: (path) => new Promise((resolve) => waiting.set(path, resolve)),
    entered: () => new Promise<void>((resolve) => (enter = resolve)),
  };
}

/** Status, body and the session read back afterwards. */
interface Outcome {
  status: number;
  body: string;
  viewsAfter: number | null;
}

/** A visitor with a stored session (views = 1) runs into `path`. */
async function mistake(server: Running, path: string): Promise<Outcome> {
  const client = new HttpClient(server.url);
  await client.request('/incr');
  const done = server.finished(path);
  const res = await client.request(path);
  await done;
  const peek = JSON.parse((await client.request('/peek')).body) as { views: number | null };
  return { status: res.status, body: res.body, viewsAfter: peek.views };
}

describe('tessera/koa: app mistakes behave as under Koa + koa-session', () => {
  const servers = new Map<Kind, Running>();

  before(async () => {
    for (const kind of ['tessera/koa', 'koa-session'] as const) servers.set(kind, await start(kind));
  });
  after(async () => {
    for (const server of servers.values()) await server.close();
  });

  const both = async (run: (server: Running) => Promise<Outcome>): Promise<Outcome> => {
    const ours = await run(servers.get('tessera/koa')!);
    const theirs = await run(servers.get('koa-session')!);
    assert.deepEqual(ours, theirs, 'tessera/koa and koa-session differ');
    return ours;
  };

  const cases: Array<[string, string, Outcome]> = [
    ['a throw after the body was set: Koa’s 500, the change saved', '/throw-after-body', { status: 500, body: 'Internal Server Error', viewsAfter: 2 }],
    ['ctx.throw(403): Koa’s 403 with the message, the change saved', '/throw-http', { status: 403, body: 'not yours', viewsAfter: 2 }],
    ['a throw an upstream middleware catches: its answer, the change saved', '/caught', { status: 418, body: 'caught', viewsAfter: 2 }],
    ['ctx.res.end by hand: that response, the change saved', '/res-end', { status: 200, body: 'by hand', viewsAfter: 2 }],
    ['ctx.res.end, then ctx.body: the first response only', '/res-end-then-body', { status: 200, body: 'first', viewsAfter: 2 }],
    ['ctx.res.end, then a throw: the response as sent, the change saved', '/res-end-then-throw', { status: 200, body: 'sent', viewsAfter: 2 }],
  ];

  for (const [label, path, expected] of cases) {
    it(label, async () => {
      assert.deepEqual(await both((server) => mistake(server, path)), expected);
    });
  }

  it('a new visitor whose request throws into a catching middleware gets the session cookie with its answer', async () => {
    for (const [kind, server] of servers) {
      const client = new HttpClient(server.url);
      const done = server.finished('/caught');
      const res = await client.request('/caught');
      await done;
      assert.equal(res.status, 418, kind);
      assert.equal(client.jar.size > 0, true, `${kind}: a session cookie came with the caught error's answer`);
      assert.equal((JSON.parse((await client.request('/peek')).body) as { views: number }).views, 1, kind);
    }
  });

  it('a client that aborts: the server finishes the request, saves the change, and keeps serving', async () => {
    await both(async (server) => {
      const client = new HttpClient(server.url);
      await client.request('/incr');
      const controller = new AbortController();
      const entered = server.entered();
      const done = server.finished('/abort');
      const request = fetch(new URL('/abort', server.url), { headers: { cookie: client.cookieHeader ?? '' }, signal: controller.signal });
      await entered;
      controller.abort();
      await assert.rejects(request, /abort/i);
      await done;
      const peek = await client.request('/peek');
      return { status: peek.status, body: '', viewsAfter: (JSON.parse(peek.body) as { views: number }).views };
    }).then((outcome) => assert.deepEqual(outcome, { status: 200, body: '', viewsAfter: 2 }));
  });
});
