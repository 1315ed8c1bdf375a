// Cookie size and attribute values (RFC 6265bis §5.6): a name that cannot fit with a signed
// value, or an attribute value over 1024 octets or with ';' / control characters, is a
// TypeError at construction naming the option; a name + value over 4096 octets that is only
// known per session is refused at commit with ERR_COOKIE_TOO_LARGE (through next(err), no
// Set-Cookie), never sent for the browser to drop. A cookie of exactly 4096 octets is sent.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { NextFunction, Request, Response } from 'express';
import session from '../../src/adapters/express-session/index.js';
import { session as nativeSession } from '../../src/adapters/express/index.js';
import { nameValueOctets } from '../../src/core/cookie-rules.js';
import { isTesseraError } from '../../src/core/errors.js';
import { SessionManager, type SessionManagerOptions } from '../../src/index.js';
import { signId } from '../../src/core/signature.js';
import { expressVersions, listen } from '../helpers/express-apps.js';
import { HttpClient } from '../helpers/http-client.js';
import { TEST_SECRET } from '../helpers/session-client.js';

const secret = TEST_SECRET;

function native(options: Partial<SessionManagerOptions>): SessionManager {
  return new SessionManager({ secret, warn: () => {}, ...options } as SessionManagerOptions);
}

function throwsNaming(run: () => unknown, option: string, detail: RegExp): void {
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof TypeError, `expected a TypeError, got ${String(error)}`);
    assert.ok(error.message.startsWith(option), `"${error.message}" does not start with ${option}`);
    assert.match(error.message, detail);
    return true;
  });
}

describe('cookie names and attribute values at construction (native)', () => {
  it('refuses a name that leaves no room for the signed value within 4096 octets', () => {
    throwsNaming(() => native({ name: 'n'.repeat(4096 - 90) }), 'name', /too long.*4096 octets/);
    native({ name: 'n'.repeat(4096 - 91) }); // the shortest default value (91 octets) still fits
  });

  it('refuses names that are not RFC 6265bis tokens', () => {
    for (const name of ['', 'a b', 'a;b', 'a=b', 'a,b', 'a"b', 'a\u0000b', 'a\u007fb', 'caf\u00e9', '(sid)', 'a/b']) {
      throwsNaming(() => native({ name }), 'name', /valid cookie name/);
    }
  });

  it("refuses path and domain values with ';' or control characters", () => {
    throwsNaming(() => native({ cookie: { path: '/app; Domain=evil.example' } }), 'cookie.path', /';' or control/);
    throwsNaming(() => native({ cookie: { path: '/app\r\nSet-Cookie: x=1' } }), 'cookie.path', /';' or control/);
    throwsNaming(() => native({ cookie: { path: '/\u0000' } }), 'cookie.path', /';' or control/);
    throwsNaming(() => native({ cookie: { domain: 'example.com;Secure' } }), 'cookie.domain', /';' or control/);
    throwsNaming(() => native({ cookie: { domain: 'exa\u007fmple.com' } }), 'cookie.domain', /';' or control/);
  });

  it('refuses attribute values over 1024 octets, counted in UTF-8', () => {
    throwsNaming(() => native({ cookie: { path: `/${'a'.repeat(1024)}` } }), 'cookie.path', /1025 octets.*1024/);
    throwsNaming(() => native({ cookie: { domain: `${'a.'.repeat(512)}com` } }), 'cookie.domain', /1027 octets.*1024/);
    // Non-ASCII is refused in a path (the Set-Cookie could not carry it), whatever its length.
    throwsNaming(() => native({ cookie: { path: '/caf\u00e9' } }), 'cookie.path', /printable ASCII/);
    native({ cookie: { path: `/${'a'.repeat(1023)}` } });
  });

  it('refuses a domain that is not a host name', () => {
    for (const domain of ['exa mple.com', 'ex\u00e4mple.com', '-example.com', 'example..com', 'example.com.']) {
      throwsNaming(() => native({ cookie: { domain } }), 'cookie.domain', /host name/);
    }
    native({ cookie: { domain: '.example.com' } });
  });
});

for (const { name: major, express } of expressVersions) {
  describe(`cookie size at commit, over HTTP (${major})`, () => {
    /** An app whose sessions get IDs of `idLength` characters; errors answered with their code. */
    async function app(flavour: 'native' | 'drop-in', idLength: number | string, name: string) {
      const genid = () => (typeof idLength === 'string' ? idLength : 'i'.repeat(idLength));
      const server = express();
      if (flavour === 'native') server.use(nativeSession(native({ genid, name })));
      else server.use(session({ secret, genid, name, saveUninitialized: false }));
      server.get('/write', (req, res) => {
        (req.session as unknown as { expressViews: number }).expressViews = 1;
        res.send('written');
      });
      server.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
        res.status(500).send(isTesseraError(err) ? err.code : `other: ${String(err)}`);
      });
      return listen(server);
    }

    // `name=s%3A<id>.<MAC>`: the MAC's encoded length depends on its '+' and '/' (3 octets each
    // once URL-encoded); IDs and secret are fixed, so the sizes below are deterministic.
    for (const flavour of ['native', 'drop-in'] as const) {
      it(`${flavour}: refuses a cookie over 4096 octets with ERR_COOKIE_TOO_LARGE and sends no Set-Cookie`, async () => {
        const server = await app(flavour, 4100, 'sid');
        try {
          const res = await new HttpClient(server.url).request('/write');
          assert.equal(res.status, 500);
          assert.equal(res.body, 'ERR_COOKIE_TOO_LARGE');
          assert.deepEqual(res.setCookies, []);
        } finally {
          await server.close();
        }
      });

      it(`${flavour}: sends a cookie of exactly 4096 octets, and one more is refused`, async () => {
        // The MAC's encoded length depends on the ID (its '+' and '/' take 3 octets each once
        // URL-encoded), so find an ID length whose signed cookie is exactly 4096 octets.
        const octetsFor = (id: string): number => nameValueOctets(`sid=${encodeURIComponent(signId(id, secret))}`);
        // IDs of one length differing in their last characters give MACs of every encoded length.
        const candidates = (n: number): string[] => Array.from({ length: 1000 }, (_, i) => `${'i'.repeat(n - 3)}${i.toString().padStart(3, '0')}`);
        const base = 4096 - (octetsFor('i'.repeat(100)) - 100);
        let exact: string | undefined;
        for (let n = base - 40; n <= base && exact === undefined; n++) exact = candidates(n).find((id) => octetsFor(id) === 4096);
        assert.ok(exact !== undefined, 'an ID that makes a 4096-octet cookie');
        const over = candidates(exact.length + 1).find((id) => octetsFor(id) === 4097);
        assert.ok(over !== undefined, 'an ID that makes a 4097-octet cookie');
        const fits = await app(flavour, exact, 'sid');
        try {
          const res = await new HttpClient(fits.url).request('/write');
          assert.equal(res.status, 200);
          assert.equal(nameValueOctets(res.setCookies[0] ?? ''), 4096);
        } finally {
          await fits.close();
        }
        const tooLarge = await app(flavour, over, 'sid');
        try {
          const res = await new HttpClient(tooLarge.url).request('/write');
          assert.equal(res.body, 'ERR_COOKIE_TOO_LARGE');
        } finally {
          await tooLarge.close();
        }
      });
    }
  });
}
