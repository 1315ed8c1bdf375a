// Cookie tossing: a sibling subdomain (or a longer path) plants a cookie with the session
// cookie's name, and the browser sends both. Every value of the name is verified, in header
// order, and the first with a live session is used: junk, a forged value, or a validly signed
// value of a dead session (the attacker's own, logged out) in front of the real cookie can
// neither hide the real session nor start a fresh one in its place. Over real HTTP, Express 5
// and 4, the native API and the drop-in.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { signId } from '../../src/core/signature.js';
import { expressVersions, listen, type Listening } from '../helpers/express-apps.js';
import { HttpClient } from '../helpers/http-client.js';
import { loginApp } from '../helpers/login-app.js';
import { TEST_SECRET } from '../helpers/session-client.js';

interface Me {
  id: string;
  user: string | null;
}

/** What a planted cookie value can be, put in front of (or behind) the real one. */
const planted: Array<[string, (secret: string) => string]> = [
  ['junk', () => '%%%junk'],
  ['an unsigned ID', () => 'Jx1pW0v3fQ8sY2nK4rT6uV9zA1bC3dE5fG7hI9jK0lM'],
  ['a forged signature', () => encodeURIComponent(`s:attacker.${'A'.repeat(43)}`)],
  ['a validly signed ID of a dead session', (secret) => encodeURIComponent(signId('attackers-logged-out-session', secret))],
];

for (const { name: major, express } of expressVersions) {
  for (const flavour of ['native', 'drop-in'] as const) {
    describe(`cookie tossing, ${flavour} (${major})`, () => {
      const cookieName = flavour === 'native' ? 'sid' : 'connect.sid';
      const secret = TEST_SECRET;
      let server: Listening;

      before(async () => {
        const app = loginApp(express, flavour, secret);
        server = await listen(app);
      });
      after(() => server.close());

      async function loggedIn(user: string): Promise<{ value: string; id: string }> {
        const client = new HttpClient(server.url);
        const { id } = JSON.parse((await client.request(`/login/${user}`)).body) as { id: string };
        return { value: client.jar.get(cookieName) ?? '', id };
      }

      async function me(cookie: string): Promise<Me> {
        const res = await new HttpClient(server.url).request('/me', { headers: { cookie } });
        assert.equal(res.status, 200);
        return JSON.parse(res.body) as Me;
      }

      for (const [label, value] of planted) {
        it(`${label} in front of the real cookie does not hide the real session`, async () => {
          const victim = await loggedIn('victim');
          const body = await me(`${cookieName}=${value(secret)}; other=1; ${cookieName}=${victim.value}`);
          assert.deepEqual(body, { id: victim.id, user: 'victim' });
        });

        it(`${label} behind the real cookie changes nothing`, async () => {
          const victim = await loggedIn('victim');
          const body = await me(`${cookieName}=${victim.value}; ${cookieName}=${value(secret)}`);
          assert.deepEqual(body, { id: victim.id, user: 'victim' });
        });
      }

      it('finds the real cookie behind several planted ones', async () => {
        const victim = await loggedIn('victim');
        const junk = planted.map(([, v]) => `${cookieName}=${v(secret)}`).join('; ');
        assert.deepEqual(await me(`${junk}; ${cookieName}=${victim.value}`), { id: victim.id, user: 'victim' });
      });

      it('with two live sessions, the first in header order wins (the documented limit: __Host- is the defence)', async () => {
        const attacker = await loggedIn('attacker');
        const victim = await loggedIn('victim');
        assert.equal((await me(`${cookieName}=${attacker.value}; ${cookieName}=${victim.value}`)).user, 'attacker');
        assert.equal((await me(`${cookieName}=${victim.value}; ${cookieName}=${attacker.value}`)).user, 'victim');
      });

      it('only planted values: a fresh session, never one under a planted ID', async () => {
        const body = await me(planted.map(([, v]) => `${cookieName}=${v(secret)}`).join('; '));
        assert.equal(body.user, null);
        assert.notEqual(body.id, 'attackers-logged-out-session');
        assert.notEqual(body.id, 'attacker');
      });
    });
  }
}
