// run.mjs - the dashboard's browser test: starts bin/paasportd on a free
// loopback port with a fresh database, drives Debian's Chromium through
// playwright-core along a user's path (sign up, profile, API token, timeline,
// sessions, log out, wrong password, log in; then an app: create, scale,
// invite a second account that accepts in its own browser, the app's
// timeline, delete the app, delete the account through the mailed link) and
// fails on any console error or CSP violation. Mails are read from the
// server's stderr (with no SMTP server it logs each one as a JSON line). Usage: PAASPORT_BIN=/path/to/bin node tests/browser/run.mjs
// Prints one line per step, then "N passed, M failed"; exit status 1 on failure.

import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, existsSync, readFileSync } from 'node:fs';
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
const APP_SCREENSHOT = '/tmp/dashboard-app.png';
// PAASPORT_SCREENSHOTS=1: also /tmp/dashboard-<page>.png of the other pages
const MORE_SHOTS = !!process.env.PAASPORT_SCREENSHOTS;
const STEP_TIMEOUT_MS = 10000;
const TOTAL_TIMEOUT_MS = 85000;

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
  // the mails paasportd logs, one JSON line each, when no SMTP server is set
  child.mails = [];
  let partial = '';
  child.stderr.on('data', (d) => {
    partial += d.toString();
    const lines = partial.split('\n');
    partial = lines.pop();
    for (const line of lines) {
      if (!line.startsWith('{')) continue;
      try {
        const j = JSON.parse(line);
        if (typeof j.msg === 'string' && j.msg.startsWith('mail') && j.to && typeof j.body === 'string') child.mails.push(j);
      } catch {
        /* not JSON */
      }
    }
  });
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

/** Waits for a mail to `to` whose body matches `re`; returns the match. */
async function mailMatch(server, to, re, what) {
  return until(() => {
    for (let i = server.mails.length - 1; i >= 0; i--) {
      const m = server.mails[i];
      if (m.to !== to) continue;
      const found = m.body.match(re);
      if (found) return found;
    }
    return null;
  }, what);
}

async function openMenuItem(page, name) {
  await page.locator('.menu-button').click();
  await page.getByRole('menuitem', { name, exact: true }).click();
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
  // the second account, invited to the app; created through the API
  const bob = {
    email: `bob-${rnd}@example.com`,
    username: `bob-${rnd}`,
    password: 'another horse battery staple',
  };
  const appName = `shop-${rnd}`;

  /** A page in a fresh browser context (its own cookies), watched for errors. */
  async function newPage() {
    const context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: base }).catch(() => {});
    const p = await context.newPage();
    p.setDefaultTimeout(5000);
    // CSP violations also as console errors, whatever Chromium logs by itself
    await p.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (e) => {
        console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || 'inline'}`);
      });
    });
    p.on('console', (msg) => {
      if (msg.type() !== 'error') return;
      const text = msg.text();
      const loc = msg.location() || {};
      // Chromium logs every 4xx answer of fetch(); the scenario expects some
      // (401 when not logged in, wrong password, revoked token, 422, 409 when
      // an account that owns apps asks to be deleted...)
      if (/^Failed to load resource: the server responded with a status of (401|409|422)/.test(text)
        && loc.url && new URL(loc.url).pathname.startsWith('/v1/')) {
        expectedNetworkErrors.push(`${text} ${loc.url}`);
        return;
      }
      consoleErrors.push(`${text}${loc.url ? ` (${loc.url}:${loc.lineNumber})` : ''}`);
    });
    p.on('pageerror', (err) => consoleErrors.push(`page error: ${err.message}`));
    return p;
  }

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
      page = await newPage();
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

    await step('unconfirmed: a banner asks to confirm; "send again" answers; the mailed link confirms', async () => {
      const banner = page.locator('.banner-unconfirmed');
      await until(async () => (await banner.innerText()).includes('Confirm your email address'), 'the unconfirmed banner');
      await banner.getByRole('button', { name: 'Send the link again' }).click();
      await until(async () => (await banner.innerText()).includes(`A new link was sent to ${user.email}`), 'the resend answer');
      await shot(page, 'unconfirmed-banner');
      const m = await mailMatch(server, user.email, /\/#\/confirm-email\/([A-Za-z0-9_-]+)/, 'the confirmation mail in the server log');
      await page.goto(`${base}/#/confirm-email/${m[1]}`);
      await expectH1(page, 'Email confirmation');
      await until(async () => (await page.locator('main').innerText()).includes(`Your email address is now ${user.email}`), 'the confirmation is shown');
      assert((await page.locator('.banner-unconfirmed').count()) === 0, 'the banner is gone');
      await page.goto(`${base}/#/profile`);
      await expectH1(page, 'Profile');
      assert((await page.locator('.banner-unconfirmed').count()) === 0, 'no banner on the profile');
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
      assert(JSON.stringify(labels) === JSON.stringify(['Profile', 'API tokens', 'SSH keys', 'Apps', 'Timeline', 'Security', 'Sessions', 'Delete account', 'Log out']), `menu items: ${labels}`);
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

    await step('SSH keys: a private key is refused next to its field; a public key shows its fingerprint; remove', async () => {
      await openMenuItem(page, 'SSH keys');
      await expectH1(page, 'SSH keys');
      const dir = mkdtempSync(path.join(os.tmpdir(), 'pp-browser-key-'));
      try {
        const keyPath = path.join(dir, 'id_ed25519');
        execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'alice@laptop', '-f', keyPath]);
        const fp = execFileSync('ssh-keygen', ['-lf', `${keyPath}.pub`], { encoding: 'utf8' }).split(' ')[1];
        await page.getByLabel('Key name').fill('laptop');
        await page.getByLabel('Public key').fill(readFileSync(keyPath, 'utf8'));
        await page.getByRole('button', { name: 'Add the key' }).click();
        const err = page.locator('.field-error:not([hidden])');
        await err.first().waitFor();
        const text = await err.first().textContent();
        assert(/private key/.test(text) && /\.pub/.test(text), `error text: ${text}`);
        await page.getByLabel('Public key').fill(readFileSync(`${keyPath}.pub`, 'utf8'));
        await page.getByRole('button', { name: 'Add the key' }).click();
        const row = page.locator('tbody tr', { hasText: 'laptop' });
        await row.waitFor();
        const rowText = await row.innerText();
        assert(rowText.includes(fp), `the row shows ${rowText}, not ${fp}`);
        assert(rowText.includes('never'), 'a new key was never used');
        assert((await page.locator('main').innerText()).includes('git remote add paasport'), 'how to add the git remote');
        await shot(page, 'ssh-keys');
        await page.getByRole('button', { name: 'Remove key laptop' }).click();
        await page.getByRole('button', { name: 'Yes, remove' }).click();
        await until(async () => (await page.locator('main').innerText()).includes('You have no SSH keys yet'), 'the key list is empty');
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
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

    await step('Apps: the name is checked next to its field, then the app is created', async () => {
      await openMenuItem(page, 'Apps');
      await expectH1(page, 'Apps');
      await until(async () => (await page.locator('main').innerText()).includes('You have no apps yet'), 'an empty app list');
      const name = page.getByLabel('App name');
      await name.fill('Bad--Name');
      await page.getByRole('button', { name: 'Create the app' }).click();
      await until(async () => (await name.getAttribute('aria-invalid')) === 'true', 'the app name marked invalid');
      const ids = (await name.getAttribute('aria-describedby')).split(' ');
      const err = await page.locator(`[id="${ids[0]}"]`).textContent();
      assert(/App name should contain only/.test(err), `app name error: ${err}`);
      assert(await name.evaluate((el) => el === document.activeElement), 'focus on the app name');
      await name.fill(appName);
      await page.getByRole('button', { name: 'Create the app' }).click();
      await expectH1(page, appName);
      assert(page.url().endsWith(`#/apps/${appName}`), `URL is ${page.url()}`);
      const git = await page.locator('[data-testid="git-url"]').textContent();
      assert(git.endsWith(`:${appName}.git`), `git remote: ${git}`);
      assert((await page.getByLabel('Number of web containers').inputValue()) === '1', 'a new app runs web 1×…');
      assert((await page.getByLabel('Size of web containers').inputValue()) === 'M', '… of size M');
    });

    await step('scale web to 2 × L; the containers table shows it after a reload', async () => {
      const amount = page.getByLabel('Number of web containers');
      // a wrong amount is refused next to its row
      await amount.fill('11');
      await page.getByRole('button', { name: 'Scale', exact: true }).click();
      await until(async () => (await amount.getAttribute('aria-invalid')) === 'true', 'the amount marked invalid');
      const errId = await amount.getAttribute('aria-describedby');
      assert(/from 0 to 10/.test(await page.locator(`[id="${errId}"]`).textContent()), 'amount error text');
      await amount.fill('2');
      await page.getByLabel('Size of web containers').selectOption('L');
      const row = page.locator('.containers-table tr[data-type="web"]');
      assert((await row.innerText()).includes('€0.08/h'), `row cost: ${await row.innerText()}`);
      await page.getByRole('button', { name: 'Scale', exact: true }).click();
      await until(async () => (await statusText(page)).includes(`Scaled ${appName}: web 2×L`), 'a "Scaled" status');
      assert((await amount.getAttribute('aria-invalid')) === null, 'the error is gone');
      await page.reload();
      await expectH1(page, appName);
      await until(async () => (await page.getByLabel('Number of web containers').inputValue()) === '2', 'web amount 2 after reload');
      assert((await page.getByLabel('Size of web containers').inputValue()) === 'L', 'web size L after reload');
      const total = await page.locator('.scale-total').textContent();
      assert(total.includes('€0.08 per hour'), `total: ${total}`);
    });

    let invitation = null;
    await step('invite a second account (created through the API) as a collaborator', async () => {
      const r = await fetch(`${base}/v1/users`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ user: bob }),
      });
      assert(r.status === 201, `POST /v1/users answered ${r.status}`);
      // bob confirms his address (the mailed link) before he can accept
      const cm = await mailMatch(server, bob.email, /\/#\/confirm-email\/([A-Za-z0-9_-]+)/, 'the confirmation mail in the server log');
      const cr = await fetch(`${base}/v1/users/email/confirm`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ token: cm[1] }),
      });
      assert(cr.status === 200, `POST /v1/users/email/confirm answered ${cr.status}`);
      await page.getByLabel('Email', { exact: true }).fill(bob.email);
      await page.getByRole('button', { name: 'Send the invitation' }).click();
      await until(async () => (await statusText(page)).includes(`mailed to ${bob.email}`), 'an "invitation mailed" status');
      const row = page.locator(`tr[data-collaborator="${bob.email}"]`);
      await row.waitFor();
      assert(/Invitation pending/.test(await row.innerText()), `collaborator row: ${await row.innerText()}`);
      const m = await mailMatch(server, bob.email, /\/#\/invitation\/([A-Za-z0-9_-]+)/, 'the invitation mail in the server log');
      invitation = m[1];
      await page.waitForLoadState('networkidle').catch(() => {});
      await page.screenshot({ path: APP_SCREENSHOT, fullPage: true });
    });

    let bobPage;
    await step('the invited account logs in from the invitation link and accepts it', async () => {
      bobPage = await newPage();
      await bobPage.goto(`${base}/#/invitation/${invitation}`);
      await expectH1(bobPage, 'Invitation to collaborate');
      await bobPage.getByRole('link', { name: 'Log in to accept' }).click();
      await expectH1(bobPage, 'Log in');
      await bobPage.getByLabel('Email or username').fill(bob.email);
      await bobPage.getByLabel('Password').fill(bob.password);
      await bobPage.getByRole('button', { name: 'Log in' }).click();
      await expectH1(bobPage, 'Invitation to collaborate');
      await bobPage.getByRole('button', { name: `Accept as ${bob.username}` }).click();
      await until(async () => (await bobPage.locator('main').innerText()).includes(`You now collaborate on ${appName}`), 'the acceptance is shown');
      await bobPage.getByRole('link', { name: `Open ${appName}` }).click();
      await expectH1(bobPage, appName);
      await bobPage.getByRole('button', { name: 'Leave this app' }).waitFor();
      const facts = await bobPage.locator('.facts').innerText();
      assert(/Your role\s+Collaborator/.test(facts) && facts.includes(user.username), `app facts: ${facts}`);
      assert((await bobPage.getByRole('button', { name: 'Send the invitation' }).count()) === 0, 'a collaborator cannot invite');
      assert((await bobPage.locator('.danger-zone').count()) === 0, 'no danger zone for a collaborator');
    });

    await step("the app's timeline tells the story as sentences", async () => {
      await bobPage.locator('.timeline li').first().waitFor();
      const items = (await bobPage.locator('.timeline li .event-text').allTextContents()).map((s) => s.trim());
      for (const want of [`You: Joined ${appName} (invited by ${user.username})`,
        `${user.username}: Invited ${bob.email} to ${appName}`,
        `${user.username}: Scaled ${appName}: web 1×M → 2×L`,
        `${user.username}: Created app ${appName}`]) {
        assert(items.includes(want), `missing "${want}" in ${JSON.stringify(items)}`);
      }
      // the owner sees the collaborator as accepted
      await page.reload();
      await expectH1(page, appName);
      const row = page.locator(`tr[data-collaborator="${bob.email}"]`);
      await row.waitFor();
      await until(async () => /Accepted/.test(await row.innerText()) && (await row.innerText()).includes(bob.username), 'bob accepted');
      await shot(page, 'app');
    });

    await step('made limited by the owner, the collaborator can restart but not scale', async () => {
      await page.getByRole('button', { name: `Make ${bob.username} a limited collaborator` }).click();
      const row = page.locator(`tr[data-collaborator="${bob.email}"]`);
      await until(async () => /Limited/.test(await row.innerText()), 'bob shown as limited');
      await bobPage.reload();
      await expectH1(bobPage, appName);
      await until(async () => (await bobPage.locator('main').innerText()).includes('As a limited collaborator'), 'the read-only containers note');
      assert((await bobPage.getByRole('button', { name: 'Scale', exact: true }).count()) === 0, 'no Scale button for a limited collaborator');
      assert(/web\s+2\s+L/.test(await bobPage.locator('.containers-table tr[data-type="web"]').innerText()), 'web 2 L shown read-only');
      await bobPage.getByRole('button', { name: 'Restart all containers' }).click();
      await bobPage.getByRole('button', { name: 'Yes, restart' }).click();
      await until(async () => (await statusText(bobPage)).includes('restart of all containers'), 'a restart status');
      await until(async () => (await bobPage.locator('.timeline li .event-text').allTextContents())
        .map((t) => t.trim()).includes(`You: Restarted ${appName} (all containers)`), 'the restart in the timeline');
      const items = (await bobPage.locator('.timeline li .event-text').allTextContents()).map((t) => t.trim());
      const want = `${user.username}: Made ${bob.username} a limited collaborator on ${appName}`;
      assert(items.includes(want), `missing "${want}" in ${JSON.stringify(items)}`);
    });

    await step('the owner cannot delete the account while owning the app: it is listed', async () => {
      await openMenuItem(page, 'Delete account');
      await expectH1(page, 'Delete your account');
      await page.getByRole('button', { name: 'Send me the confirmation link' }).click();
      const link = page.locator('.deletion-result').getByRole('link', { name: appName });
      await link.waitFor();
      assert(/You still own this app/.test(await page.locator('.deletion-result').innerText()), 'the refusal explains why');
      await shot(page, 'delete-refused');
      await link.click();
      await expectH1(page, appName);
    });

    await step('delete the app after typing its name', async () => {
      const del = page.getByRole('button', { name: 'Delete this app' });
      assert(await del.isDisabled(), 'Delete is disabled before the name is typed');
      const confirmName = page.getByLabel(`Type ${appName} to confirm`);
      await confirmName.fill(`${appName}x`);
      assert(await del.isDisabled(), 'Delete is disabled while the name differs');
      await confirmName.fill(appName);
      assert(await del.isEnabled(), 'Delete is enabled once the name matches');
      await del.click();
      await expectH1(page, 'Apps');
      await until(async () => (await statusText(page)).includes(`${appName} was deleted`), 'a "deleted" status');
      await until(async () => (await page.locator('main').innerText()).includes('You have no apps yet'), 'the app list is empty');
    });

    await step('delete the account: request, mailed link, confirmation, goodbye', async () => {
      await openMenuItem(page, 'Delete account');
      await expectH1(page, 'Delete your account');
      await page.getByRole('button', { name: 'Send me the confirmation link' }).click();
      await until(async () => (await page.locator('.deletion-result').innerText()).includes(`mailed to ${user.email}`), 'the "link mailed" notice');
      const m = await mailMatch(server, user.email, /\/#\/delete-account\/([^/\s]+)\/([A-Za-z0-9_-]+)/, 'the deletion mail in the server log');
      await page.goto(`${base}/#/delete-account/${m[1]}/${m[2]}`);
      await expectH1(page, 'Delete your account');
      await page.getByLabel('Why are you leaving? (optional)').selectOption({ label: 'I was only trying it' });
      await page.getByLabel('Anything else you want to tell us? (optional)').fill('The browser test says <bye> & thanks');
      await shot(page, 'delete-confirm');
      await page.getByRole('button', { name: 'Delete my account for good' }).click();
      await expectH1(page, 'Goodbye');
      assert((await page.locator('.menu-button').count()) === 0, 'the account menu is gone');
      await shot(page, 'goodbye');
    });

    await step('the account is gone: logging in fails', async () => {
      await page.getByRole('link', { name: 'Log in' }).first().click();
      await expectH1(page, 'Log in');
      await page.getByLabel('Email or username').fill(user.email);
      await page.getByLabel('Password').fill(user.password);
      await page.getByRole('button', { name: 'Log in' }).click();
      const err = page.locator('.form-error');
      await err.waitFor({ state: 'visible' });
      assert(/wrong login or password/i.test(await err.textContent()), `error: ${await err.textContent()}`);
      const r = await fetch(`${base}/v1/session`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ login: user.username, password: user.password }),
      });
      assert(r.status === 401, `POST /v1/session for the deleted account answered ${r.status}`);
    });

    await step("the collaborator's app list no longer has the deleted app", async () => {
      await openMenuItem(bobPage, 'Apps');
      await expectH1(bobPage, 'Apps');
      await until(async () => (await bobPage.locator('main').innerText()).includes('You have no apps yet'), "bob's app list is empty");
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
