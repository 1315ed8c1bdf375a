// The demo app (`npm start`) in a real browser: Debian's Chromium driven by playwright-core
// (which downloads no browser of its own). Sign-in with a wrong and a right password, the visit
// counter across reloads, the session cookie as the browser stores it (HttpOnly, so page
// scripts cannot read it), a second "device" with its own session, and sign-out making the
// old cookie worthless.
//
// Without /usr/bin/chromium the suite is skipped on a developer machine and fails under CI=true
// (.ci/run installs it). TESSERA_DEMO_SCREENSHOT=<file.png> saves a screenshot of the
// signed-in page, for a person to look at.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser, type BrowserContext, type Cookie, type Page } from 'playwright-core';
import { createApp, type DemoApp } from '../../demo/app.js';
import { listen, type Listening } from '../helpers/express-apps.js';

const CHROMIUM = '/usr/bin/chromium';
const SECRET = 'demo browser test secret, at least thirty-two characters';
// Long enough for a slow CI machine, short enough that a broken page fails fast.
const ACTION_TIMEOUT_MS = 15_000;

/** `{}` when Chromium is installed; otherwise a skip, or under CI=true a failure. */
function chromiumSkip(): { skip?: string } {
  if (existsSync(CHROMIUM)) return {};
  const reason = `${CHROMIUM} does not exist (apt-get install chromium)`;
  if (process.env.CI === 'true') throw new Error(`${reason}, and CI=true makes that a failure`);
  return { skip: `${reason}; set CI=true to fail instead of skipping` };
}

describe('demo app in a real browser', chromiumSkip(), () => {
  let dir: string;
  let demo: DemoApp;
  let server: Listening;
  let browser: Browser;
  const errors: unknown[] = [];
  const contexts: BrowserContext[] = [];

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tessera-demo-browser-'));
    demo = await createApp({ dbPath: join(dir, 'sessions.db'), secret: SECRET, warn: () => {}, logError: (e) => errors.push(e) });
    server = await listen(demo.app);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      // Playwright gives every launch a fresh temporary profile; these flags keep Chromium
      // off the network (only our 127.0.0.1 server) and able to run as root in a container.
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      timeout: 60_000,
    });
  });
  after(async () => {
    await browser?.close();
    await server?.close();
    await demo?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** A new browser context: a separate "device" with its own cookie jar. */
  async function device(): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext();
    context.setDefaultTimeout(ACTION_TIMEOUT_MS);
    contexts.push(context);
    return { context, page: await context.newPage() };
  }

  /** Fills in and submits the sign-in form; returns the status of the POST. */
  async function submitLogin(page: Page, username: string, password: string): Promise<number> {
    await page.getByLabel('Username').fill(username);
    await page.getByLabel('Password').fill(password);
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.url() === `${server.url}/login` && r.request().method() === 'POST'),
      page.getByRole('button', { name: 'Sign in' }).click(),
    ]);
    await page.waitForLoadState();
    return response.status();
  }

  /** Opens the sign-in page and signs in; leaves the page on the home page. */
  async function signIn(page: Page, username: string, password: string): Promise<void> {
    await page.goto(`${server.url}/login`);
    assert.equal(await submitLogin(page, username, password), 303);
    await page.waitForURL(`${server.url}/`);
  }

  async function visits(page: Page): Promise<number> {
    return Number(await page.locator('#visits').textContent());
  }

  async function sidCookie(context: BrowserContext): Promise<Cookie | undefined> {
    return (await context.cookies(server.url)).find((c) => c.name === 'sid');
  }

  it('shows an error for a wrong password and keeps the visitor signed out', async () => {
    const { context, page } = await device();
    await page.goto(`${server.url}/`);
    assert.equal(page.url(), `${server.url}/login`, 'no session: sent to the sign-in page');
    assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Sign in');

    assert.equal(await submitLogin(page, 'alice', 'builder'), 401);
    assert.equal(await page.getByRole('alert').textContent(), 'Wrong username or password.');
    assert.equal(await page.getByLabel('Username').inputValue(), 'alice', 'the username is kept');
    assert.equal(await sidCookie(context), undefined, 'a failed sign-in starts no session');
  });

  it('signs in, shows the name and a counter that goes up on reload, and can sign out for good', async () => {
    const { context, page } = await device();
    await signIn(page, 'alice', 'wonderland');
    assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Hello, Alice');
    assert.equal(await page.locator('#username').textContent(), 'alice');
    assert.equal(await visits(page), 1);
    await page.reload();
    assert.equal(await visits(page), 2);
    await page.reload();
    assert.equal(await visits(page), 3);

    const screenshot = await page.screenshot({ fullPage: true, ...(process.env.TESSERA_DEMO_SCREENSHOT ? { path: process.env.TESSERA_DEMO_SCREENSHOT } : {}) });
    assert.deepEqual([...screenshot.subarray(1, 4)], [...Buffer.from('PNG')], 'the page rendered to an image');

    const sid = await sidCookie(context);
    assert.ok(sid, 'the browser stored the session cookie');
    assert.match(sid.value, /^s%3A/, 'a signed session ID');
    assert.equal(sid.httpOnly, true);
    assert.equal(sid.sameSite, 'Lax');
    assert.equal(sid.path, '/');
    assert.equal(sid.domain, '127.0.0.1', 'host-only');
    assert.equal(sid.secure, false, 'plain HTTP here; the demo uses __Host-sid + Secure behind TLS');

    // A script-readable cookie next to it shows document.cookie works at all, so its silence
    // about `sid` is HttpOnly doing its job.
    await context.addCookies([{ name: 'probe', value: 'visible', url: server.url }]);
    // A string expression: it runs in the page, and the test program has no DOM types.
    const scriptView = await page.evaluate<string>('document.cookie');
    assert.match(scriptView, /(^|; )probe=visible($|;)/);
    assert.doesNotMatch(scriptView, /(^|; )sid=/);
    assert.ok(!scriptView.includes(sid.value));

    await Promise.all([page.waitForURL(`${server.url}/login`), page.getByRole('button', { name: 'Sign out' }).click()]);
    assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Sign in');
    assert.equal(await sidCookie(context), undefined, 'sign-out cleared the cookie');
    await page.goto(`${server.url}/`);
    assert.equal(page.url(), `${server.url}/login`);

    // Replaying the old cookie value (a copied or stolen cookie) no longer gets in.
    await context.addCookies([{ name: 'sid', value: sid.value, url: server.url, httpOnly: true, sameSite: 'Lax' }]);
    assert.equal((await sidCookie(context))?.value, sid.value, 'the old cookie is back in the jar');
    await page.reload();
    assert.equal(page.url(), `${server.url}/login`, 'the old session was destroyed on the server');
    assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Sign in');
  });

  it('gives a second device its own session', async () => {
    const laptop = await device();
    const phone = await device();
    await signIn(laptop.page, 'alice', 'wonderland');
    await laptop.page.reload();
    assert.equal(await visits(laptop.page), 2);

    const stranger = await device();
    await stranger.page.goto(`${server.url}/`);
    assert.equal(stranger.page.url(), `${server.url}/login`, 'a new device is not signed in by the first');

    await signIn(phone.page, 'bob', 'builder');
    assert.equal(await phone.page.locator('#username').textContent(), 'bob');
    assert.equal(await visits(phone.page), 1, 'a counter of its own');
    const [laptopSid, phoneSid] = [await sidCookie(laptop.context), await sidCookie(phone.context)];
    assert.ok(laptopSid && phoneSid);
    assert.notEqual(laptopSid.value, phoneSid.value);

    await laptop.page.reload();
    assert.equal(await laptop.page.locator('#username').textContent(), 'alice', 'unchanged by the other sign-in');
    assert.equal(await visits(laptop.page), 3);

    await Promise.all([phone.page.waitForURL(`${server.url}/login`), phone.page.getByRole('button', { name: 'Sign out' }).click()]);
    await laptop.page.reload();
    assert.equal(await laptop.page.locator('#username').textContent(), 'alice', 'signing out one device leaves the other signed in');
    assert.equal(await visits(laptop.page), 4);
  });

  it('logged no server errors', async () => {
    await Promise.all(contexts.map((c) => c.close()));
    assert.deepEqual(errors, []);
  });
});
