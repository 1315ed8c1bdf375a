// Whether a request came over HTTPS decides the cookie's name (`__Host-sid` and Secure over
// HTTPS, `sid` over HTTP). tessera/web reads it from the request URL; `X-Forwarded-Proto` counts
// only with `trustForwardedProto`, since any client can send the header.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { webSessions, type WebSessionsOptions } from './index.js';
import { SessionManager } from '../../index.js';
import { MemoryStore } from '../../stores/memory/memory-store.js';
import { TEST_SECRET } from '../../../test/helpers/session-client.js';

/** The session cookie a first write sends for `url` with `headers`. */
async function cookieFor(url: string, headers: Record<string, string> = {}, options?: WebSessionsOptions): Promise<string> {
  const sessions = webSessions(new SessionManager<{ webSeen: boolean }>({ secret: TEST_SECRET, store: new MemoryStore({ sweepInterval: 0 }), warn: () => {} }), options);
  const session = await sessions.load(new Request(url, { headers }));
  session.webSeen = true;
  const response = await sessions.commit(session, new Response('ok'));
  return response.headers.getSetCookie()[0] ?? '';
}

describe('tessera/web HTTPS detection', () => {
  it('an https: URL gets __Host-sid, Secure', async () => {
    const cookie = await cookieFor('https://app.test/');
    assert.match(cookie, /^__Host-sid=/);
    assert.match(cookie, /; Secure/);
  });

  it('an http: URL gets sid, not Secure', async () => {
    const cookie = await cookieFor('http://app.test/');
    assert.match(cookie, /^sid=/);
    assert.doesNotMatch(cookie, /Secure/);
  });

  it('ignores X-Forwarded-Proto by default, both ways', async () => {
    assert.match(await cookieFor('http://app.test/', { 'x-forwarded-proto': 'https' }), /^sid=/);
    assert.match(await cookieFor('https://app.test/', { 'x-forwarded-proto': 'http' }), /^__Host-sid=/);
  });

  it('with trustForwardedProto, the leftmost X-Forwarded-Proto value decides', async () => {
    const trust = { trustForwardedProto: true };
    assert.match(await cookieFor('http://app.test/', { 'x-forwarded-proto': 'https' }, trust), /^__Host-sid=.*; Secure/);
    assert.match(await cookieFor('http://app.test/', { 'x-forwarded-proto': 'HTTPS , http' }, trust), /^__Host-sid=/);
    assert.match(await cookieFor('https://app.test/', { 'x-forwarded-proto': 'http' }, trust), /^sid=/);
    assert.match(await cookieFor('https://app.test/', {}, trust), /^__Host-sid=/, 'without the header, the URL decides');
  });

  it('refuses a non-boolean trustForwardedProto and a manager that is not one', () => {
    const manager = new SessionManager({ secret: TEST_SECRET, warn: () => {} });
    assert.throws(() => webSessions(manager, { trustForwardedProto: 'yes' as unknown as boolean }), TypeError);
    assert.throws(() => webSessions({} as unknown as SessionManager), /must be a SessionManager/);
  });
});
