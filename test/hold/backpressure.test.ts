// While a response is held, `write` applies backpressure as Node does: it returns false once
// the queued bytes pass the response's high-water mark, and 'drain' follows the release. So
// `pipeline(bigSource, res)` during a slow store write reads a few chunks, not the whole source.
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, it, type TestContext } from 'node:test';
import { build, matrix, touchSession } from './apps.js';
import { FaultStore } from './fault-store.js';

const TOTAL = 64 * 1024 * 1024;
const CHUNK = 64 * 1024;

for (const { label, express, middleware } of matrix) {
  describe(`backpressure while held (${label})`, () => {
    it('pipeline(64 MiB source, res) during a 300 ms store write reads at most a few MiB until the release', async (t: TestContext) => {
      const store = new FaultStore();
      store.latency = 300;
      let produced = 0;
      let producedAtRelease = -1;
      store.onSet = () => {
        if (producedAtRelease < 0) producedAtRelease = produced;
      };
      const returns: boolean[] = [];
      const built = await build(express, middleware, store, (app) => {
        app.get('/big', (req, res, next) => {
          touchSession(req);
          res.setHeader('Content-Type', 'application/octet-stream');
          const write = res.write;
          res.write = function (this: typeof res, ...args: unknown[]) {
            const ok = (write as (...a: unknown[]) => boolean).apply(this, args);
            if (returns.length < 64) returns.push(ok);
            return ok;
          } as typeof res.write;
          const source = new Readable({
            read() {
              if (produced >= TOTAL) return void this.push(null);
              produced += CHUNK;
              this.push(Buffer.alloc(CHUNK, 97));
            },
          });
          pipeline(source, res).catch(next);
        });
      });
      t.after(() => built.server.close());
      const response = await fetch(new URL('/big', built.server.url));
      let received = 0;
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) received += chunk.byteLength;
      assert.equal(response.status, 200);
      assert.equal(received, TOTAL, 'the whole body arrives after the release');
      assert.ok(producedAtRelease >= 0 && producedAtRelease <= 4 * 1024 * 1024, `read ${producedAtRelease} bytes of the source while held`);
      assert.ok(returns.includes(false), 'write returned false while held');
    });
  });
}
