// The `resave` option: an unmodified session is written back on every request (default true),
// or only touched (false).
import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { Express } from 'express';
import { CountingStore, data, eachExpress, SECRET, start } from './helpers.js';

const routes = (app: Express) => {
  app.get('/noop', (_req, res) => res.send('ok'));
  app.get('/write', (req, res) => {
    data(req).n = (data(req).n ?? 0) + 1;
    res.send('ok');
  });
};

eachExpress((express) => {
  for (const [resave, expected] of [
    [undefined, { set: 1, touch: 0 }],
    [true, { set: 1, touch: 0 }],
    [false, { set: 0, touch: 1 }],
  ] as const) {
    it(`resave: ${String(resave)} -> an unmodified session is ${expected.set ? 'saved' : 'touched'}`, async (t) => {
      const store = new CountingStore();
      const app = await start(t, express, { secret: SECRET, store, ...(resave === undefined ? {} : { resave }) }, routes);
      const browser = app.client();
      await browser.request('/write');
      store.reset();
      await browser.request('/noop');
      assert.deepEqual({ set: store.calls.set, touch: store.calls.touch }, expected);
      store.reset();
      await browser.request('/write');
      assert.deepEqual({ set: store.calls.set, touch: store.calls.touch }, { set: 1, touch: 0 }, 'a modified session is always saved');
    });
  }

  it('resave: false with a store without touch writes nothing for an unmodified session', async (t) => {
    const store = new CountingStore();
    (store as { touch?: unknown }).touch = undefined;
    const app = await start(t, express, { secret: SECRET, store, resave: false }, routes);
    const browser = app.client();
    await browser.request('/write');
    store.reset();
    const res = await browser.request('/noop');
    assert.equal(res.status, 200);
    assert.deepEqual(store.calls, { get: 1, set: 0, touch: 0, destroy: 0 });
  });
});
