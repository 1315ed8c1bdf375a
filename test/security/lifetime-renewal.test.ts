// Renewal with a grace window over real HTTP with cookie jars and an injected clock, on every
// store (and an express-session store behind the bridge), native and drop-in opt-in: the
// request that renews gets the new cookie; a parallel request on the old cookie inside the
// window keeps its login, writes the renewed session and gets no cookie; there is no second
// rotation; after the window the old cookie is nothing; logout from the old ID ends both.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { manualClock } from '../helpers/manual-clock.js';
import type { HttpClient } from '../helpers/http-client.js';
import { storeSetups, type OpenStore } from './keys-store-setups.js';
import { lifetimeApps, me, sameBrowser, type LifetimeApp } from './lifetime-apps.js';

const MIN = 60_000;

for (const setup of storeSetups) {
  for (const flavour of lifetimeApps) {
    describe(`renewal on ${setup.name}, ${flavour.name}`, await setup.skip(), () => {
      const clock = manualClock();
      let opened: OpenStore;
      let app: LifetimeApp;
      let sealed: LifetimeApp;
      before(async () => {
        opened = await setup.open(clock.now);
        app = await flavour.serve(opened.store, clock.now, { idle: '30m', absolute: '2h', renew: '15m' });
        sealed = await flavour.serve(opened.store, clock.now, { renew: '15m' }, undefined, { keys: [{ id: 'k1', key: randomBytes(32) }] });
      });
      after(async () => {
        await Promise.all([app?.close(), sealed?.close()]);
        await opened?.close();
      });

      /** A signed-in browser, a second tab holding the same cookie, and the session ID. */
      async function signedIn(user: string): Promise<{ browser: HttpClient; tab: HttpClient; id: string }> {
        const browser = app.browser();
        assert.equal((await browser.request(`/login/${user}`)).status, 200);
        return { browser, tab: sameBrowser(app, browser), id: (await me(browser)).id };
      }

      it('renews the ID with the new cookie; the old cookie keeps the login inside the window, without a cookie or a second rotation', async () => {
        const { browser, tab, id } = await signedIn('rita');
        clock.advance(15 * MIN);
        const renewing = await me(browser);
        assert.equal(renewing.user, 'rita');
        assert.notEqual(renewing.id, id);
        assert.equal(renewing.setCookies.length, 1, 'the response carries the new cookie');
        assert.ok(renewing.setCookies[0]?.includes(encodeURIComponent(renewing.id)));
        const dump = await opened.dump();
        assert.equal(dump.has(app.keyOf(renewing.id)), true, 'the session lives under the new key');
        const forward = dump.get(app.keyOf(id)) ?? '';
        assert.ok(forward !== '' && !forward.includes('rita'), `the old key holds a forward without data: ${forward}`);
        if (app.keyOf(id) !== id) assert.ok(![...dump.values()].some((v) => v.includes(renewing.id)), 'with hashed keys no stored value holds the new ID');

        clock.advance(29_000);
        const inFlight = await me(tab);
        assert.equal(inFlight.user, 'rita', 'a request on the old cookie keeps its login');
        assert.deepEqual(inFlight.setCookies, [], 'and gets no cookie that would undo the rotation');
        const write = await tab.request('/set/rita-2');
        assert.deepEqual(write.setCookies, []);
        const next = await me(browser);
        assert.equal(next.id, renewing.id, 'no second rotation');
        assert.equal(next.user, 'rita-2', 'the old cookie wrote the renewed session');
        assert.deepEqual(next.setCookies, []);

        clock.advance(1000);
        const late = await me(tab);
        assert.equal(late.user, null, 'after the window the old cookie is nothing');
        assert.equal((await me(browser)).user, 'rita-2');
      });

      it('renews again one period after the renewal, not before', async () => {
        const { browser, id } = await signedIn('nora');
        clock.advance(15 * MIN);
        const first = await me(browser);
        assert.notEqual(first.id, id);
        clock.advance(15 * MIN - 1);
        assert.equal((await me(browser)).id, first.id);
        clock.advance(1);
        const second = await me(browser);
        assert.notEqual(second.id, first.id);
        assert.equal(second.user, 'nora');
      });

      it('a logout on the old cookie inside the window ends the renewed session too', async () => {
        const { browser, tab } = await signedIn('lou');
        clock.advance(15 * MIN);
        const renewed = await me(browser);
        assert.equal((await tab.request('/logout')).status, 200);
        assert.equal((await me(browser)).user, null);
        const dump = await opened.dump();
        assert.equal(dump.has(app.keyOf(renewed.id)), false);
      });

      it('with encryption at rest the forward is sealed too, and still leads the old cookie to the session', async () => {
        const browser = sealed.browser();
        await browser.request('/login/sam');
        const tab = sameBrowser(sealed, browser);
        const { id } = await me(browser);
        clock.advance(15 * MIN);
        const renewed = await me(browser);
        assert.notEqual(renewed.id, id);
        const forward = (await opened.dump()).get(sealed.keyOf(id)) ?? '';
        assert.match(forward, /enc1\.k1\./);
        assert.ok(!forward.includes('"forward"'), `nothing readable: ${forward}`);
        assert.equal((await me(tab)).user, 'sam');
        assert.equal((await me(browser)).id, renewed.id);
      });

      it('the absolute limit still counts from the login across renewals', async () => {
        const { browser } = await signedIn('abby');
        for (let t = 15; t < 120; t += 15) {
          clock.advance(15 * MIN);
          assert.equal((await me(browser)).user, 'abby', `after ${t} min`);
        }
        clock.advance(15 * MIN);
        assert.equal((await me(browser)).user, null);
      });
    });
  }
}
