// __Host- and __Secure- names: validated at construction (native, and the drop-in when its
// static cookie options say so), matched case-insensitively as RFC 6265bis user agents match
// them, with no lookalike, whitespace or U+00A0 slipping past; and over real HTTP, the native
// default name is the strongest prefix the cookie options allow.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import session, { type ExpressSessionOptions } from '../../src/adapters/express-session/index.js';
import { session as nativeSession } from '../../src/adapters/express/index.js';
import { cookiePrefix } from '../../src/core/cookie-rules.js';
import { SessionManager, type SessionManagerOptions } from '../../src/index.js';
import { expressVersions, listen, type Listening } from '../helpers/express-apps.js';
import { cookieAttributes, HttpClient } from '../helpers/http-client.js';
import { TEST_SECRET } from '../helpers/session-client.js';

const secret = TEST_SECRET;

function native(options: Partial<SessionManagerOptions>): SessionManager {
  return new SessionManager({ secret, warn: () => {}, ...options } as SessionManagerOptions);
}

function throwsType(run: () => unknown, message: RegExp): void {
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof TypeError, `expected a TypeError, got ${String(error)}`);
    assert.match(error.message, message);
    return true;
  });
}

describe('cookie prefixes at construction: native SessionManager', () => {
  it('names the broken __Host- rule: Secure, Domain, Path', () => {
    throwsType(() => native({ name: '__Host-sid', cookie: { secure: false } }), /^name: a __Host- cookie must be Secure/);
    throwsType(() => native({ name: '__Host-sid', cookie: { domain: 'example.com' } }), /^name: a __Host- cookie must not have cookie\.domain/);
    throwsType(() => native({ name: '__Host-sid', cookie: { path: '/app' } }), /^name: a __Host- cookie must have cookie\.path '\/'/);
  });

  it('names the broken __Secure- rule, and allows its Domain and Path', () => {
    throwsType(() => native({ name: '__Secure-sid', cookie: { secure: false } }), /^name: a __Secure- cookie must be Secure/);
    native({ name: '__Secure-sid', cookie: { domain: 'example.com', path: '/app' } });
  });

  it('applies the rules to every case variant, as RFC 6265bis browsers do', () => {
    for (const name of ['__host-sid', '__HOST-sid', '__HoSt-sid']) {
      throwsType(() => native({ name, cookie: { domain: 'example.com' } }), /a __Host- cookie must not have cookie\.domain/);
    }
    for (const name of ['__secure-sid', '__SECURE-sid']) {
      throwsType(() => native({ name, cookie: { secure: false } }), /a __Secure- cookie must be Secure/);
    }
  });

  it('refuses lookalikes, leading whitespace and U+00A0 as names, before any prefix is considered', () => {
    const lookalikes = [
      ' __Host-sid',
      '\t__Host-sid',
      '\u00a0__Host-sid',
      '__Host-sid\u00a0',
      '__\u041dost-sid', // Cyrillic En
      '\uff3f_Host-sid', // fullwidth low line
      '__Host\u2010sid', // Unicode hyphen
      '__Host-sid\u200b', // zero-width space
    ];
    for (const name of lookalikes) {
      throwsType(() => native({ name, cookie: { domain: 'example.com' } }), /^name must be a valid cookie name/);
    }
  });

  it('does not mistake ordinary names for prefixed ones', () => {
    for (const name of ['_Host-sid', '__Hostsid', 'x__Host-sid', '__Securesid', 'sid']) {
      assert.equal(cookiePrefix(name), undefined, name);
      native({ name, cookie: { secure: false, domain: 'example.com', path: '/app' } });
    }
  });
});

describe('cookie prefixes at construction: the drop-in', () => {
  const make = (options: ExpressSessionOptions) => session({ secret: 'keyboard cat', ...options });

  it('refuses a __Host- name with static options that break its rules (express-session would send a cookie every browser drops)', () => {
    throwsType(() => make({ name: '__Host-sid' }), /^name option: a __Host- cookie must be Secure/);
    throwsType(() => make({ name: '__Host-sid', cookie: { secure: true, domain: 'example.com' } }), /must not have cookie\.domain/);
    throwsType(() => make({ name: '__Host-sid', cookie: { secure: 'auto', path: '/app' } }), /must have cookie\.path/);
    throwsType(() => make({ key: '__secure-sid', cookie: { secure: false } }), /a __Secure- cookie must be Secure/);
  });

  it('accepts a __Host- name with Secure (or auto), no Domain and Path=/', () => {
    make({ name: '__Host-sid', cookie: { secure: true } });
    make({ name: '__Host-sid', cookie: { secure: 'auto', path: '/' } });
  });

  it('keeps express-session behaviour for ordinary names: no checks at construction', () => {
    make({ name: 'connect.sid', cookie: { secure: false, domain: 'example.com', path: '/app' } });
    make({ name: 'my sid' });
  });
});

for (const { name: major, express } of expressVersions) {
  describe(`native default cookie name over HTTP (${major})`, () => {
    const servers: Record<string, Listening> = {};
    const managers: Record<string, SessionManager> = {
      plain: native({}),
      domain: native({ cookie: { domain: '127.0.0.1' } }),
      path: native({ cookie: { path: '/app' } }),
      insecure: native({ cookie: { secure: false } }),
    };

    before(async () => {
      for (const [key, manager] of Object.entries(managers)) {
        const app = express();
        app.set('trust proxy', true);
        app.use(nativeSession(manager));
        app.get(['/count', '/app/count'], (req, res) => {
          req.session.expressViews = (req.session.expressViews ?? 0) + 1;
          res.json({ views: req.session.expressViews });
        });
        servers[key] = await listen(app);
      }
    });
    after(async () => {
      for (const server of Object.values(servers)) await server.close();
    });

    const https = { 'x-forwarded-proto': 'https' };
    async function cookieOf(key: string, path: string, headers: Record<string, string>): Promise<string> {
      const client = new HttpClient(servers[key]?.url ?? '', headers);
      const first = await client.request(path);
      assert.equal(first.setCookies.length, 1);
      // The browser sends it back under its name, and the session is found again.
      const again = await client.request(path);
      assert.equal((JSON.parse(again.body) as { views: number }).views, 2);
      return first.setCookies[0] ?? '';
    }

    it('__Host-sid over HTTPS: Secure, Path=/, no Domain', async () => {
      const header = await cookieOf('plain', '/count', https);
      assert.match(header, /^__Host-sid=/);
      const attributes = cookieAttributes(header);
      assert.ok(attributes.has('secure') && attributes.has('path=/'));
      assert.ok(![...attributes].some((a) => a.startsWith('domain=')));
    });

    it('sid over plain HTTP (keeps working for local development)', async () => {
      assert.match(await cookieOf('plain', '/count', {}), /^sid=/);
    });

    it('__Secure-sid over HTTPS when cookie.domain rules out __Host-', async () => {
      const header = await cookieOf('domain', '/count', https);
      assert.match(header, /^__Secure-sid=/);
      assert.ok(cookieAttributes(header).has('secure'));
    });

    it('__Secure-sid over HTTPS when cookie.path is not /', async () => {
      assert.match(await cookieOf('path', '/app/count', https), /^__Secure-sid=.*; Path=\/app/);
    });

    it('sid over HTTPS when cookie.secure is false (no prefix can be honoured)', async () => {
      assert.match(await cookieOf('insecure', '/count', https), /^sid=/);
    });
  });
}
