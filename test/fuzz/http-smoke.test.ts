// Fuzz smoke over real HTTP: a few hundred generated Cookie headers (sent as raw bytes, the way
// a browser's non-ASCII reaches Node: UTF-8 read as latin1) against real Express apps, native
// and drop-in. No response is a 5xx (an oversized header is Node's own 431), and a session is either one the test issued (with its own
// data) or a fresh one under an ID nobody sent.
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, describe, it } from 'node:test';
import express from 'express';
import fc from 'fast-check';
import { listen, type Listening } from '../helpers/express-apps.js';
import { HttpClient } from '../helpers/http-client.js';
import { loginApp } from '../helpers/login-app.js';
import { cookieHeaders, RUNS, SECRETS, type World } from './arbitraries.js';

/** GET `path` with a raw Cookie header; resolves with status and body. */
function get(url: string, cookie: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}/me`, { headers: { cookie } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** The bytes a browser would send, as the latin1 string Node's client takes (no CR, LF, NUL or other CTLs but tab). */
function asRawHeader(header: string): string {
  return Buffer.from(header, 'utf8').toString('latin1').replace(/[\u0000-\u0008\u000a-\u001f\u007f]/g, '');
}

for (const flavour of ['native', 'drop-in'] as const) {
  describe(`fuzz smoke over HTTP, ${flavour}`, () => {
    const name = flavour === 'native' ? 'sid' : 'connect.sid';
    const live = new Map<string, string>();
    const world: World = { name, live, dead: ['never-issued-id', 'other'] };
    let server: Listening;

    before(async () => {
      const app = loginApp(express, flavour, [SECRETS.current, SECRETS.previous]);
      server = await listen(app);
      for (const user of ['ann', 'bob', 'cy']) {
        const { id } = JSON.parse((await new HttpClient(server.url).request(`/login/${user}`)).body) as { id: string };
        live.set(id, user);
      }
    });
    after(() => server.close());

    it(`answers every generated header without a 5xx, with an issued or a fresh session (${RUNS.httpSmoke / 2} cases)`, async () => {
      const issued = new Set([...live.keys(), ...world.dead]);
      await fc.assert(
        fc.asyncProperty(cookieHeaders(world), async ({ header }) => {
          const res = await get(server.url, asRawHeader(header));
          assert.ok(res.status < 500, `status ${res.status}`);
          // Node itself refuses a header block over 16 KiB (431) before any middleware runs.
          if (res.status === 431) return;
          assert.equal(res.status, 200);
          const body = JSON.parse(res.body) as { id: string; user: string | null };
          if (body.user !== null) assert.equal(live.get(body.id), body.user, 'a loaded session is an issued one, with its own data');
          else assert.ok(!issued.has(body.id), 'a fresh session never takes an ID the client sent');
        }),
        { numRuns: RUNS.httpSmoke / 2 },
      );
    });
  });
}
