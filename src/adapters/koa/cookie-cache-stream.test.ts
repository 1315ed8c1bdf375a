// tessera/koa with the cookie cache: a streamed body (Koa pipes it after the head) gets no
// cache copy, and a change made while it streams is not hidden from the next request by an
// older copy (the commit passes `streamed`); a plain body gets its copy.
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { setImmediate as tick } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import Koa from 'koa';
import { session } from './index.js';
import { SessionManager } from '../../index.js';
import { generateSecret } from '../../core/secrets.js';
import { listenKoa, type KoaListening } from '../../../test/helpers/koa-apps.js';
import { HttpClient } from '../../../test/helpers/http-client.js';
import { TEST_SECRET } from '../../../test/helpers/session-client.js';

const names = (lines: string[]): string[] => lines.map((line) => line.split('=', 1)[0]!).sort();

describe('tessera/koa with the cookie cache and a streamed body', () => {
  let server: KoaListening;
  let manager: SessionManager;

  before(async () => {
    manager = new SessionManager({ secret: TEST_SECRET, warn: () => {}, encryption: { keys: [{ id: 'k', key: generateSecret() }] }, cookieCache: true });
    const app = new Koa();
    app.silent = true;
    app.use(session(manager));
    app.use((ctx) => {
      if (ctx.path === '/send') {
        ctx.session.koaViews = (ctx.session.koaViews ?? 0) + 1;
        ctx.body = 'ok';
      } else if (ctx.path === '/stream') {
        ctx.session.koaViews = (ctx.session.koaViews ?? 0) + 1;
        ctx.body = Readable.from(['a', 'b']);
      } else if (ctx.path === '/stream-write') {
        const s = ctx.session;
        ctx.body = Readable.from(
          (async function* () {
            yield 'a';
            await tick();
            // After the head has gone out with the session's cookies.
            s.koaNote = 'written while streaming';
            yield 'b';
          })(),
        );
      } else if (ctx.path === '/late') {
        ctx.body = ctx.session.koaNote ?? 'none';
      }
    });
    server = await listenKoa(app);
  });
  after(async () => {
    await server.close();
    await manager.close();
  });

  it('a plain body carries the session cookie and its cache copy', async () => {
    const res = await new HttpClient(server.url).request('/send');
    assert.deepEqual(names(res.setCookies), ['sid', 'sid-cache']);
  });

  it('a streamed body carries no copy of a session that may still change', async () => {
    const res = await new HttpClient(server.url).request('/stream');
    assert.equal(res.body, 'ab');
    assert.deepEqual(names(res.setCookies), ['sid']);
  });

  it('a change made while the body streams reaches the next request (no stale copy)', async () => {
    const client = new HttpClient(server.url);
    await client.request('/send');
    assert.ok(client.jar.has('sid-cache'), 'the client holds a copy');
    const res = await client.request('/stream-write');
    assert.equal(res.body, 'ab');
    assert.ok(res.setCookies.some((line) => /^sid-cache=;/.test(line)), 'the older copy is deleted');
    assert.equal((await client.request('/late')).body, 'written while streaming');
  });
});
