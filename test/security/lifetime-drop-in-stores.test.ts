// The drop-in's lifetime opt-in on express-session stores (its own session.MemoryStore,
// express-session's MemoryStore, connect-redis), over real HTTP with an injected clock. These
// stores report no expiry of their own through the bridge, so the idle limit is read from the
// record's last write (`seenAt`, touches becoming writes); the absolute limit and renewal work
// as on Tessera's stores.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import dropIn from '../../src/adapters/express-session/index.js';
import type { Store } from '../../src/core/store.js';
import { manualClock } from '../helpers/manual-clock.js';
import { dropInStoreSetups, type OpenDropInStore } from './keys-drop-in-stores.js';
import { lifetimeApps, me, sameBrowser, type LifetimeApp } from './lifetime-apps.js';

const MIN = 60_000;
const dropInApp = lifetimeApps.find((app) => app.name.startsWith('tessera/express-session'));

for (const setup of dropInStoreSetups) {
  describe(`tessera/express-session lifetime opt-in on ${setup.name}`, await setup.skip(), () => {
    const clock = manualClock();
    let opened: OpenDropInStore;
    let app: LifetimeApp;
    before(async () => {
      assert.ok(dropInApp);
      opened = await setup.open();
      app = await dropInApp.serve(opened.store as Store, clock.now, { idle: '30m', absolute: '2h', renew: '15m' });
    });
    after(async () => {
      await app?.close();
      await opened?.close();
    });

    async function signedIn(user: string) {
      const browser = app.browser();
      assert.equal((await browser.request(`/login/${user}`)).status, 200);
      return { browser, id: (await me(browser)).id };
    }

    it('idle: each request keeps it alive; 30 min without one ends it and deletes the record', async () => {
      const { browser } = await signedIn('ivy');
      for (let i = 0; i < 3; i++) {
        clock.advance(10 * MIN);
        assert.equal((await me(browser)).user, 'ivy');
      }
      clock.advance(30 * MIN - 1);
      const { id } = await me(browser);
      assert.equal((await me(browser)).user, 'ivy', 'just short of the limit');
      clock.advance(30 * MIN);
      assert.equal((await me(browser)).user, null);
      assert.equal((await opened.dump()).has(id), false, 'deleted on sight');
    });

    it('absolute: an active session ends 2 h after the login', async () => {
      const { browser } = await signedIn('ada');
      for (let t = 10; t < 120; t += 10) {
        clock.advance(10 * MIN);
        assert.equal((await me(browser)).user, 'ada', `after ${t} min`);
      }
      clock.advance(10 * MIN);
      assert.equal((await me(browser)).user, null);
    });

    it('renewal: the old cookie keeps the login inside the grace window, and is nothing after it', async () => {
      const { browser, id } = await signedIn('ren');
      const tab = sameBrowser(app, browser);
      clock.advance(15 * MIN);
      const renewed = await me(browser);
      assert.notEqual(renewed.id, id);
      assert.equal(renewed.setCookies.length, 1);
      if (opened.store instanceof dropIn.MemoryStore) {
        const listed = await (opened.store as unknown as { all(): Promise<Record<string, unknown>> }).all();
        assert.equal(id in listed, false, 'session.MemoryStore#all does not list the forward as a session');
        assert.equal(renewed.id in listed, true);
      }
      clock.advance(10_000);
      const inFlight = await me(tab);
      assert.equal(inFlight.user, 'ren');
      assert.deepEqual(inFlight.setCookies, []);
      assert.equal((await me(browser)).id, renewed.id, 'no second rotation');
      clock.advance(20_000);
      assert.equal((await me(tab)).user, null);
      assert.equal((await me(browser)).user, 'ren');
    });
  });
}
