// run.mjs - the dashboard's browser test: starts bin/paasportd on a free
// loopback port with a fresh database, drives Debian's Chromium through
// playwright-core along a user's path (sign up, profile, API token, timeline,
// sessions, log out, wrong password, log in) and fails on any console error
// or CSP violation. Usage: PAASPORT_BIN=/path/to/bin node tests/browser/run.mjs
// Prints one line per step, then "N passed, M failed"; exit status 1 on failure.

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(HERE, '..', '..');
const BIN_DIR = path.resolve(process.env.PAASPORT_BIN || path.join(REPO, 'bin'));
const WEB_DIR = path.join(REPO, 'web');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const SCREENSHOT = '/tmp/dashboard-profile.png';
// PAASPORT_SCREENSHOTS=1: also /tmp/dashboard-<page>.png of the other pages
const MORE_SHOTS = !!process.env.PAASPORT_SCREENSHOTS;
const STEP_TIMEOUT_MS = 10000;
const TOTAL_TIMEOUT_MS = 55000;

const results = [];
let stopped = false;

function log(line) {
  process.stdout.write(`${line}\n`);
}

async function step(name, fn) {
  if (stopped) {
    results.push({ name, ok: false, skipped: true });
    log(`SKIP ${name}`);
    return;
  }
  const t0 = Date.now();
  try {
    await withTimeout(fn(), STEP_TIMEOUT_MS, name);
    results.push({ name, ok: true });
    log(`ok   ${name} (${Date.now() - t0} ms)`);
  } catch (err) {
    results.push({ name, ok: false });
    log(`FAIL ${name}: ${(err && err.message ? err.message : String(err)).split('\n').slice(0, 6).join('\n     ')}`);
    stopped = true; // the steps build on each other
  }
}

function withTimeout(promise, ms, what) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

function assert(cond, msg) {
  if (!cond) throw new Error(msg);
}

async function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

function startServer(port, dbDir) {
  const bin = path.join(BIN_DIR, 'paasportd');
  if (!existsSync(bin)) throw new Error(`${bin} not found (build it with make all, or set PAASPORT_BIN)`);
  const env = {
    ...process.env,
    PAASPORT_LISTEN: `127.0.0.1:${port}`,
    PAASPORT_DATABASE: path.join(dbDir, 'db'),
    PAASPORT_WEB_DIR: WEB_DIR,
    PAASPORT_PUBLIC_URL: `http://127.0.0.1:${port}`,
    PAASPORT_PWHASH_MEMLIMIT_KIB: '8192',
    PAASPORT_PWHASH_OPSLIMIT: '1',
  };
  const child = spawn(bin, [], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const output = [];
  const keep = (d) => {
    output.push(d.toString());
    if (output.length > 200) output.shift();
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  child.exitInfo = null;
  child.on('exit', (code, signal) => {
    child.exitInfo = { code, signal };
  });
  child.output = output;
  return child;
}

async function waitHealthy(base, child) {
  const deadline = Date.now() + 10000;
  while (Date.now() < deadline) {
    if (child.exitInfo) throw new Error(`paasportd exited (${JSON.stringify(child.exitInfo)}):\n${child.output.join('')}`);
    try {
      const r = await fetch(`${base}/healthz`);
      if (r.ok) return;
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('paasportd did not answer /healthz within 10 s');
}

/** Polls fn() until it returns a truthy value. */
async function until(fn, what, ms = 5000) {
  const deadline = Date.now() + ms;
  let last;
  for (;;) {
    try {
      last = await fn();
      if (last) return last;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`${what} (last: ${last instanceof Error ? last.message : JSON.stringify(last)})`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function h1(page) {
  return (await page.locator('main h1').first().textContent({ timeout: 2000 }))?.trim();
}

async function expectH1(page, text) {
  await until(async () => (await h1(page)) === text, `the page heading should be "${text}"`);
}

async function statusText(page) {
  return (await page.locator('#status').textContent()) || '';
}

async function shot(page, name) {
  if (MORE_SHOTS) await page.screenshot({ path: `/tmp/dashboard-${name}.png`, fullPage: true });
}

async function main() {
  const t0 = Date.now();
  const dbDir = mkdtempSync(path.join(os.tmpdir(), 'paasport-browser-'));
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  let server = null;
  let browser = null;
  const consoleErrors = [];
  const expectedNetworkErrors = [];
  const overall = setTimeout(() => {
    log(`FAIL the whole test took more than ${TOTAL_TIMEOUT_MS / 1000} s`);
    cleanup().finally(() => process.exit(1));
  }, TOTAL_TIMEOUT_MS);

  async function cleanup() {
    if (browser) await browser.close().catch(() => {});
    browser = null;
    if (server && !server.exitInfo) {
      server.kill('SIGTERM');
      await Promise.race([
        new Promise((r) => server.once('exit', r)),
        new Promise((r) => setTimeout(r, 2000)),
      ]);
      if (!server.exitInfo) server.kill('SIGKILL');
    }
    rmSync(dbDir, { recursive: true, force: true });
  }

  const rnd = Math.random().toString(36).slice(2, 8);
  const user = {
    email: `alice-${rnd}@example.com`,
    username: `alice-${rnd}`,
    password: 'correct horse battery staple',
  };
  let secret = null;

  try {
    await step('start paasportd with a fresh database', async () => {
      server = startServer(port, dbDir);
      await waitHealthy(base, server);
    });

    let page;
    await step('launch Chromium', async () => {
      browser = await chromium.launch({
        executablePath: CHROMIUM,
        headless: true,
        args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
          '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      });
      const context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
      await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: base }).catch(() => {});
      page = await context.newPage();
      page.setDefaultTimeout(5000);
      // CSP violations also as console errors, whatever Chromium logs by itself
      await page.addInitScript(() => {
        document.addEventListener('securitypolicyviolation', (e) => {
          console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || 'inline'}`);
        });
      });
      page.on('console', (msg) => {
        if (msg.type() !== 'error') return;
        const text = msg.text();
        const loc = msg.location() || {};
        // Chromium logs every 4xx answer of fetch(); the scenario expects some
        // (401 when not logged in, wrong password, revoked token, 422...)
        if (/^Failed to load resource: the server responded with a status of (401|422)/.test(text)
          && loc.url && new URL(loc.url).pathname.startsWith('/v1/')) {
          expectedNetworkErrors.push(`${text} ${loc.url}`);
          return;
        }
        consoleErrors.push(`${text}${loc.url ? ` (${loc.url}:${loc.lineNumber})` : ''}`);
      });
      page.on('pageerror', (err) => consoleErrors.push(`page error: ${err.message}`));
    });

    await step('the dashboard opens on the login page, assets load under the CSP', async () => {
      const res = await page.goto(`${base}/`);
      assert(res.ok(), `GET / answered ${res.status()}`);
      const csp = res.headers()['content-security-policy'] || '';
      assert(csp.includes("script-src 'self'"), `unexpected CSP: ${csp}`);
      await expectH1(page, 'Log in');
      assert(page.url().endsWith('#/login'), `URL is ${page.url()}`);
      await shot(page, 'login');
    });

    await step('sign-up form checks the password length next to the field', async () => {
      await page.getByRole('link', { name: 'Sign up' }).first().click();
      await expectH1(page, 'Sign up');
      await page.getByLabel('Email').fill(user.email);
      await page.getByLabel('Username').fill(user.username);
      await page.getByLabel('Password').fill('short');
      await page.getByRole('button', { name: 'Create my account' }).click();
      const pw = page.getByLabel('Password');
      await until(async () => (await pw.getAttribute('aria-invalid')) === 'true', 'the password field should be marked invalid');
      const describedBy = await pw.getAttribute('aria-describedby');
      const errText = await page.locator(`[id="${describedBy.split(' ')[0]}"]`).textContent();
      assert(/too short/.test(errText), `password error text: ${errText}`);
      assert(await pw.evaluate((el) => el === document.activeElement), 'focus should be on the password field');
      await shot(page, 'signup-error');
    });

    await step('sign up → logged in automatically, on the profile', async () => {
      await page.getByLabel('Password').fill(user.password);
      await page.getByRole('button', { name: 'Create my account' }).click();
      await expectH1(page, 'Profile');
      assert(page.url().endsWith('#/profile'), `URL is ${page.url()}`);
      const menuLabel = await page.locator('.menu-button').textContent();
      assert(menuLabel.includes(user.username), `menu button says ${menuLabel}`);
      assert((await page.getByLabel('Email', { exact: true }).inputValue()) === user.email, 'email shown in the profile');
    });

    await step('edit the profile (full name, company), saved after a reload', async () => {
      await page.getByLabel('Full name').fill('Alice Liddell');
      await page.getByLabel('Company').fill('Wonderland <Ltd> & Co');
      await page.getByRole('button', { name: 'Save changes' }).click();
      await until(async () => (await statusText(page)).includes('Profile saved'), 'a "Profile saved" status');
      await page.reload();
      await expectH1(page, 'Profile');
      await until(async () => (await page.getByLabel('Full name').inputValue()) === 'Alice Liddell', 'full name kept after reload');
      const company = await page.getByLabel('Company').inputValue();
      assert(company === 'Wonderland <Ltd> & Co', `company after reload: ${company}`);
      await page.screenshot({ path: SCREENSHOT, fullPage: true });
    });

    await step('a 422 from the server shows next to its field, with focus on it', async () => {
      const username = page.getByLabel('Username');
      await username.fill('Not Valid!');
      await page.getByRole('button', { name: 'Save changes' }).click();
      await until(async () => (await username.getAttribute('aria-invalid')) === 'true', 'username marked invalid');
      const ids = (await username.getAttribute('aria-describedby')).split(' ');
      const err = page.locator(`[id="${ids[0]}"]`);
      assert(await err.isVisible(), 'the error is visible');
      assert(/Username may contain only/.test(await err.textContent()), `error: ${await err.textContent()}`);
      assert(await username.evaluate((el) => el === document.activeElement), 'focus on the username field');
      await username.fill(user.username);
    });

    await step('the account menu works with the keyboard', async () => {
      const button = page.locator('.menu-button');
      await button.focus();
      await page.keyboard.press('Enter');
      const list = page.getByRole('menu');
      await list.waitFor({ state: 'visible' });
      assert((await button.getAttribute('aria-expanded')) === 'true', 'aria-expanded=true');
      const labels = (await page.getByRole('menuitem').allTextContents()).map((s) => s.trim());
      assert(JSON.stringify(labels) === JSON.stringify(['Profile', 'API tokens', 'Timeline', 'Sessions', 'Log out']), `menu items: ${labels}`);
      const focused = () => page.evaluate(() => document.activeElement && document.activeElement.textContent.trim());
      assert((await focused()) === 'Profile', `first item focused, got ${await focused()}`);
      await page.keyboard.press('ArrowDown');
      assert((await focused()) === 'API tokens', 'ArrowDown moves to API tokens');
      await shot(page, 'menu');
      await page.keyboard.press('Escape');
      await list.waitFor({ state: 'hidden' });
      assert(await button.evaluate((el) => el === document.activeElement), 'Escape returns focus to the button');
      await page.keyboard.press('ArrowDown');
      await page.keyboard.press('ArrowDown');
      await page.keyboard.press('Enter');
      await expectH1(page, 'API tokens');
    });

    await step('create an API token: its secret is shown once, with a Copy button', async () => {
      await page.getByLabel('Token name').fill('ci deploy');
      await page.getByRole('button', { name: 'Create the token' }).click();
      const code = page.locator('[data-testid="token-secret"]');
      await code.waitFor();
      secret = (await code.textContent()).trim();
      assert(/^tk-us-\S{20,}$/.test(secret), `secret looks wrong: ${secret}`);
      const body = await page.locator('body').innerText();
      assert(body.split(secret).length - 1 === 1, 'the secret appears exactly once');
      assert(/shown only once/.test(body), 'a warning says it is shown once');
      await page.getByRole('button', { name: 'Copy' }).click();
      await until(async () => /copied|Ctrl\+C/.test(await statusText(page)), 'the copy is acknowledged');
      const clip = await page.evaluate(() => navigator.clipboard.readText()).catch(() => null);
      if (clip !== null) assert(clip === secret, 'the clipboard holds the secret');
      const row = page.locator('tbody tr', { hasText: 'ci deploy' });
      await row.waitFor();
      await shot(page, 'token-secret');
    });

    await step('the token authenticates API calls (Bearer from node)', async () => {
      const r = await fetch(`${base}/v1/users/self`, { headers: { Authorization: `Bearer ${secret}` } });
      assert(r.status === 200, `GET /v1/users/self answered ${r.status}`);
      const j = await r.json();
      assert(j.user.username === user.username, `self is ${j.user.username}`);
    });

    await step('after a reload the secret is nowhere on the page', async () => {
      await page.reload();
      await expectH1(page, 'API tokens');
      await page.locator('tbody tr', { hasText: 'ci deploy' }).waitFor();
      const html = await page.content();
      const text = await page.locator('body').innerText();
      assert(!html.includes(secret) && !text.includes(secret), 'the secret is still on the page');
      assert(!html.includes('tk-us-'), 'a token secret is still on the page');
    });

    await step('revoke the token after an inline confirmation; it stops working', async () => {
      await page.getByRole('button', { name: 'Revoke token ci deploy' }).click();
      await shot(page, 'token-confirm');
      await page.getByRole('button', { name: 'Yes, revoke' }).click();
      await until(async () => (await page.locator('main').innerText()).includes('You have no API tokens yet.'), 'the token list is empty');
      const r = await fetch(`${base}/v1/users/self`, { headers: { Authorization: `Bearer ${secret}` } });
      assert(r.status === 401, `the revoked token got ${r.status}`);
    });

    await step('the timeline tells what happened', async () => {
      await page.locator('.menu-button').click();
      await page.getByRole('menuitem', { name: 'Timeline' }).click();
      await expectH1(page, 'Timeline');
      await page.locator('.timeline li').first().waitFor();
      const items = (await page.locator('.timeline li .event-text').allTextContents()).map((s) => s.trim());
      for (const want of ['Signed up', 'Logged in from 127.0.0.1', 'Edited the profile (full name, company)',
        "Created API token 'ci deploy'", "Revoked API token 'ci deploy'"]) {
        assert(items.includes(want), `missing "${want}" in ${JSON.stringify(items)}`);
      }
      const pager = await page.locator('.pager-info').textContent();
      assert(/Page 1 of 1/.test(pager), `pager: ${pager}`);
      assert(await page.getByRole('button', { name: 'Older →' }).isDisabled(), 'no older page');
      await shot(page, 'timeline');
    });

    await step('the sessions page lists this browser', async () => {
      await page.locator('.menu-button').click();
      await page.getByRole('menuitem', { name: 'Sessions' }).click();
      await expectH1(page, 'Sessions');
      const row = page.locator('tbody tr.current');
      await row.waitFor();
      assert((await row.innerText()).includes('127.0.0.1'), 'the current session shows its IP');
      await shot(page, 'sessions');
    });

    await step('log out → the login page; a reload stays logged out', async () => {
      await page.locator('.menu-button').click();
      await page.getByRole('menuitem', { name: 'Log out' }).click();
      await expectH1(page, 'Log in');
      assert((await page.locator('.menu-button').count()) === 0, 'the account menu is gone');
      await page.reload();
      await expectH1(page, 'Log in');
      const status = await page.evaluate(async () => (await fetch('/v1/session')).status);
      assert(status === 401, `GET /v1/session after logout: ${status}`);
    });

    await step('a wrong password shows a visible error', async () => {
      await page.getByLabel('Email or username').fill(user.username);
      await page.getByLabel('Password').fill('not the right password');
      await page.getByRole('button', { name: 'Log in' }).click();
      const err = page.locator('.form-error');
      await err.waitFor({ state: 'visible' });
      const text = await err.textContent();
      assert(/wrong login or password/i.test(text), `error text: ${text}`);
      assert(await err.evaluate((el) => el === document.activeElement), 'focus on the error');
      await shot(page, 'login-error');
      await expectH1(page, 'Log in');
    });

    await step('log in again → the profile, with the saved details', async () => {
      await page.getByLabel('Password').fill(user.password);
      await page.getByRole('button', { name: 'Log in' }).click();
      await expectH1(page, 'Profile');
      await until(async () => (await page.getByLabel('Full name').inputValue()) === 'Alice Liddell', 'full name shown');
    });

    await step('no console error, page error or CSP violation', async () => {
      assert(consoleErrors.length === 0, consoleErrors.join('\n'));
    });
  } catch (err) {
    results.push({ name: 'test harness', ok: false });
    log(`FAIL test harness: ${err && err.stack ? err.stack : err}`);
  } finally {
    clearTimeout(overall);
    const failed = results.filter((r) => !r.ok).length;
    if (failed && server) {
      log('--- paasportd output (last lines) ---');
      log(server.output.join('').split('\n').slice(-30).join('\n'));
    }
    await cleanup();
    const passed = results.filter((r) => r.ok).length;
    log(`(${((Date.now() - t0) / 1000).toFixed(1)} s; ${expectedNetworkErrors.length} expected 4xx API answers logged by Chromium)`);
    log(`${passed} passed, ${failed} failed`);
    process.exitCode = failed ? 1 : 0;
  }
}

main();
