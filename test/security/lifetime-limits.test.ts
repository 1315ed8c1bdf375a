// Lifetimes over real HTTP with a cookie jar and an injected clock, on every store, in the
// native API and the drop-in's opt-in: an idle session and one past its absolute limit get a
// fresh session and are gone from the store, whatever cookie (and Expires) the browser keeps;
// times tampered in a plaintext record do not stretch a life.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { manualClock } from '../helpers/manual-clock.js';
import { storeSetups, type OpenStore } from './keys-store-setups.js';
import { lifetimeApps, me, type LifetimeApp } from './lifetime-apps.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
// The bridge reports no expiry of its own (the wrapped store enforces it on its own clock): the
// native stores are the ones whose expiry the core checks.
const setups = storeSetups.filter((setup) => !setup.name.includes('connect'));

for (const setup of setups) {
  for (const flavour of lifetimeApps) {
    describe(`lifetimes on ${setup.name}, ${flavour.name}`, await setup.skip(), () => {
      const clock = manualClock();
      let opened: OpenStore;
      let app: LifetimeApp;
      let longCookie: LifetimeApp;
      before(async () => {
        opened = await setup.open(clock.now);
        app = await flavour.serve(opened.store, clock.now, { idle: '30m', absolute: '2h' });
        longCookie = await flavour.serve(opened.store, clock.now, { idle: '30m', absolute: '2h' }, { maxAge: 1000 * 24 * HOUR });
      });
      after(async () => {
        await Promise.all([app?.close(), longCookie?.close()]);
        await opened?.close();
      });

      /**
       * The record is no more: deleted on sight when the store handed it back (memory, Redis), or
       * hidden by the store and removed by its next prune (SQL), its expiry having been set right.
       */
      async function assertGone(key: string): Promise<void> {
        assert.equal(await opened.store.get(key), undefined);
        await opened.store.prune?.();
        assert.equal((await opened.dump()).has(key), false, 'gone from the store');
      }

      async function login(server: LifetimeApp, user: string) {
        const browser = server.browser();
        assert.equal((await browser.request(`/login/${user}`)).status, 200);
        const { id } = await me(browser);
        return { browser, id, key: server.keyOf(id) };
      }

      it('idle: alive just short of the limit, then a fresh session, and the record is gone', async () => {
        const { browser, id, key } = await login(app, 'ida');
        clock.advance(30 * MIN - 1);
        assert.deepEqual(await me(browser).then((r) => [r.user, r.id]), ['ida', id]);
        clock.advance(30 * MIN);
        const later = await me(browser);
        assert.equal(later.status, 200);
        assert.equal(later.user, null);
        assert.notEqual(later.id, id);
        await assertGone(key);
      });

      it('absolute: an active session ends 2 h after it began, and the record is gone', async () => {
        const { browser, id, key } = await login(app, 'abe');
        for (let t = 20; t < 120; t += 20) {
          clock.advance(20 * MIN);
          assert.equal((await me(browser)).user, 'abe', `alive after ${t} min`);
        }
        clock.advance(20 * MIN);
        const later = await me(browser);
        assert.equal(later.user, null);
        assert.notEqual(later.id, id);
        await assertGone(key);
      });

      it('a browser replaying its old cookie with a far-future Expires gets nothing', async () => {
        const browser = longCookie.browser();
        const res = await browser.request('/login/eve-replay');
        const expires = /Expires=([^;]+)/i.exec(res.setCookies[0] ?? '')?.[1];
        assert.ok(expires !== undefined && Date.parse(expires) > Date.now() + 900 * 24 * HOUR, `a far-future Expires: ${expires}`);
        const kept = browser.cookieHeader;
        clock.advance(2 * HOUR);
        const replay = longCookie.browser();
        const later = await replay.request('/me', { headers: { cookie: kept ?? '' } });
        assert.equal((JSON.parse(later.body) as { user: string | null }).user, null);
      });

      it('a creation time tampered into the future in a plaintext record does not stretch the life', async () => {
        const { browser, key } = await login(app, 'tam');
        const record = await opened.store.get(key);
        assert.ok(record !== undefined);
        const future = record.value.replace(/"createdAt":\d+/, `"createdAt":${clock.now() + 1000 * HOUR}`);
        assert.notEqual(future, record.value);
        await opened.store.set(key, { ...record, value: future, expiresAt: clock.now() + 1000 * HOUR });
        assert.equal((await me(browser)).user, null);
        await assertGone(key);
      });

      it('a store expiry stretched in the store does not stretch the absolute limit', async () => {
        const { browser, key } = await login(app, 'str');
        const record = await opened.store.get(key);
        assert.ok(record !== undefined);
        await opened.store.set(key, { ...record, expiresAt: clock.now() + 1000 * HOUR });
        clock.advance(25 * MIN);
        assert.equal((await me(browser)).user, 'str');
        clock.advance(25 * MIN);
        assert.equal((await me(browser)).user, 'str');
        clock.advance(25 * MIN);
        assert.equal((await me(browser)).user, 'str');
        clock.advance(25 * MIN);
        assert.equal((await me(browser)).user, 'str');
        clock.advance(20 * MIN);
        assert.equal((await me(browser)).user, null, '2 h after login');
        await assertGone(key);
      });
    });
  }
}
