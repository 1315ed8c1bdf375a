/**
 * A hold let go unused (`releaseUnusedHold`, after Fastify's or Koa's own commit) keeps nothing
 * of its request alive. V8 may allocate a hot hold in the old generation; one that still
 * pointed at its request's callbacks then kept the whole request through every young-generation
 * collection until the next full one, and promoted it: about 20 % more server CPU per Koa
 * request, measured with `bench/pair-cpu.ts`.
 *
 * @module
 */
import assert from 'node:assert/strict';
import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import { describe, it } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { commitBeforeHead, releaseUnusedHold } from '../../src/adapters/node/commit-before-head.js';
import { Hold, type NodeMethods } from '../../src/adapters/node/hold.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function response(): ServerResponse {
  return new ServerResponse(new IncomingMessage(new Socket()));
}

const node = ServerResponse.prototype as unknown as NodeMethods;

/** A hold whose callbacks close over a request-sized object; a weak reference to that object. */
function holdWithRequest(): { hold: Hold; request: WeakRef<object> } {
  const request = { payload: new Array(1000).fill('request data') };
  const hold = new Hold(response(), node, node, () => (request.payload.length > 0 ? undefined : undefined), () => void request, async () => void request);
  return { hold, request: new WeakRef(request) };
}

async function collect(): Promise<void> {
  // Twice, with a turn between: WeakRef targets are kept until the current job ends.
  for (let i = 0; i < 2; i++) {
    await new Promise((resolve) => setImmediate(resolve));
    gc();
  }
}

describe('a released hold', () => {
  it('keeps its callbacks (and the request they close over) while it holds', async () => {
    const { hold, request } = holdWithRequest();
    await collect();
    assert.ok(request.deref() !== undefined, 'the control: an unreleased hold keeps its request');
    assert.equal(hold.state, 'open');
  });

  it('lets go of them once forgotten, even while the hold itself is still referenced', async () => {
    const { hold, request } = holdWithRequest();
    hold.forget();
    await collect();
    assert.equal(request.deref(), undefined);
    assert.equal(hold.state, 'open');
  });

  it('releaseUnusedHold forgets the hold and sends the response straight to Node, without committing', async () => {
    const res = response();
    let commits = 0;
    let errors = 0;
    commitBeforeHead(
      res,
      () => {
        commits++;
        return 'sid=x';
      },
      () => errors++,
    );
    releaseUnusedHold(res);
    res.setHeader('X-After', '1');
    res.writeHead(204);
    assert.equal(res.headersSent, true);
    assert.equal(res.getHeader('set-cookie'), undefined);
    assert.equal(commits, 0);
    assert.equal(errors, 0);
  });

  it('releaseUnusedHold leaves a hold that already took a call in place', () => {
    const res = response();
    let commits = 0;
    commitBeforeHead(res, () => {
      commits++;
      return 'sid=x';
    }, () => {});
    res.writeHead(200);
    releaseUnusedHold(res);
    res.end('body');
    assert.equal(commits, 1);
    assert.equal(res.getHeader('set-cookie'), 'sid=x');
  });
});
