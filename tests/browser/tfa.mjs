// tfa.mjs - the dashboard's two-factor authentication in Chromium: sign up (API),
// log in, turn 2FA on from the Security page by reading the key shown on the page
// and computing the codes here (RFC 6238), see the recovery codes (copy, download),
// log out, log in with a code (the login form's second step, a wrong code first),
// log out, log in with a recovery code; then the reset link asks for a code too
// (mails are read from the server's stderr, where it logs them without SMTP). Fails on any console error or CSP
// violation. The server runs with PAASPORT_TEST_CLOCK=1: each code is computed for
// a fresh 30-second step (POST /v1/_test/clock), as a code is accepted once.
// Usage: PAASPORT_BIN=/path/to/bin node tests/browser/tfa.mjs

import { spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
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
const STEP_TIMEOUT_MS = 10000;
const TOTAL_TIMEOUT_MS = 60000;

const results = [];
let stopped = false;
const log = (line) => process.stdout.write(`${line}\n`);

async function step(name, fn) {
  if (stopped) {
    results.push({ name, ok: false });
    log(`SKIP ${name}`);
    return;
  }
  const t0 = Date.now();
  let timer;
  try {
    await Promise.race([fn(), new Promise((_, rej) => {
      timer = setTimeout(() => rej(new Error(`timed out after ${STEP_TIMEOUT_MS} ms`)), STEP_TIMEOUT_MS);
    })]);
    results.push({ name, ok: true });
    log(`ok   ${name} (${Date.now() - t0} ms)`);
  } catch (err) {
    results.push({ name, ok: false });
    log(`FAIL ${name}: ${(err && err.message ? err.message : String(err)).split('\n').slice(0, 6).join('\n     ')}`);
    stopped = true;
  } finally {
    clearTimeout(timer);
  }
}

function assert(cond, msg) {
  if (!cond) throw new Error(msg);
}

/** RFC 4648 base32 → bytes. */
function base32Decode(s) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0;
  let value = 0;
  const out = [];
  for (const c of s.replace(/=+$/, '').toUpperCase()) {
    const i = alphabet.indexOf(c);
    if (i < 0) throw new Error(`not base32: ${s}`);
    value = (value << 5) | i;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

/** RFC 6238: HMAC-SHA-1, 6 digits, 30-second steps, at tSeconds. */
export function totp(secretB32, tSeconds) {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(tSeconds / 30)));
  const mac = createHmac('sha1', base32Decode(secretB32)).update(counter).digest();
  const off = mac[mac.length - 1] & 0x0f;
  const n = (mac.readUInt32BE(off) & 0x7fffffff) % 1000000;
  return String(n).padStart(6, '0');
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

async function main() {
  // RFC 6238 appendix B (SHA-1, last 6 of the 8 digits): the helper is right
  assert(totp('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ', 59) === '287082', 'totp() vs RFC 6238');

  const dbDir = mkdtempSync(path.join(os.tmpdir(), 'paasport-browser-tfa-'));
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  let server = null;
  let browser = null;
  const consoleErrors = [];
  const overall = setTimeout(() => {
    log(`FAIL the whole test took more than ${TOTAL_TIMEOUT_MS / 1000} s`);
    cleanup().finally(() => process.exit(1));
  }, TOTAL_TIMEOUT_MS);

  async function cleanup() {
    if (browser) await browser.close().catch(() => {});
    browser = null;
    if (server && server.exitCode === null) {
      server.kill('SIGTERM');
      await Promise.race([new Promise((r) => server.once('exit', r)), new Promise((r) => setTimeout(r, 2000))]);
    }
    rmSync(dbDir, { recursive: true, force: true });
  }

  /** A code for a step no earlier code used: the server's clock moves one step on. */
  async function freshCode(secret) {
    const r = await fetch(`${base}/v1/_test/clock`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ advance_ms: 31000 }),
    });
    assert(r.ok, `POST /v1/_test/clock: ${r.status}`);
    return totp(secret, (await r.json()).now_ms / 1000);
  }

  const rnd = Math.random().toString(36).slice(2, 8);
  const user = { email: `tfa-${rnd}@example.com`, username: `tfa-${rnd}`, password: 'correct horse battery staple' };
  const mails = [];
  let page;
  let secret;
  let codes;

  const h1 = async () => (await page.locator('main h1').first().textContent({ timeout: 2000 }))?.trim();
  const expectH1 = (text) => until(async () => (await h1()) === text, `the page heading should be "${text}"`);
  async function menu(name) {
    await page.locator('.menu-button').click();
    await page.getByRole('menuitem', { name, exact: true }).click();
  }
  async function logout() {
    await menu('Log out');
    await expectH1('Log in');
  }
  async function passwordStep() {
    await page.getByLabel('Email or username').fill(user.username);
    await page.getByLabel('Password').fill(user.password);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByLabel('Authentication code').waitFor();
  }

  try {
    await step('start paasportd (test clock) and Chromium; sign up through the API', async () => {
      const bin = path.join(BIN_DIR, 'paasportd');
      assert(existsSync(bin), `${bin} not found`);
      server = spawn(bin, [], {
        env: {
          ...process.env,
          PAASPORT_LISTEN: `127.0.0.1:${port}`,
          PAASPORT_DATABASE: path.join(dbDir, 'db'),
          PAASPORT_WEB_DIR: WEB_DIR,
          PAASPORT_PUBLIC_URL: base,
          PAASPORT_PWHASH_MEMLIMIT_KIB: '8192',
          PAASPORT_PWHASH_OPSLIMIT: '1',
          PAASPORT_TEST_CLOCK: '1',
        },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let partial = '';
      server.stderr.on('data', (d) => {
        partial += d.toString();
        const lines = partial.split('\n');
        partial = lines.pop();
        for (const line of lines) {
          try {
            const j = JSON.parse(line);
            if (typeof j.msg === 'string' && j.msg.startsWith('mail') && typeof j.body === 'string') mails.push(j);
          } catch {
            /* not JSON */
          }
        }
      });
      await until(async () => (await fetch(`${base}/healthz`)).ok, 'paasportd answers /healthz', 10000);
      const r = await fetch(`${base}/v1/users`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ user }),
      });
      assert(r.status === 201, `sign-up: ${r.status}`);
      browser = await chromium.launch({
        executablePath: CHROMIUM,
        headless: true,
        args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
          '--disable-component-update', '--disable-sync'],
      });
      const context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
      await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: base }).catch(() => {});
      page = await context.newPage();
      page.setDefaultTimeout(5000);
      await page.addInitScript(() => {
        document.addEventListener('securitypolicyviolation', (e) => {
          console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || 'inline'}`);
        });
      });
      page.on('console', (msg) => {
        if (msg.type() !== 'error') return;
        const text = msg.text();
        // fetch() answers the scenario expects: 401 OTP Required, 422 wrong code
        if (/^Failed to load resource: the server responded with a status of (401|422)/.test(text)) return;
        consoleErrors.push(text);
      });
      page.on('pageerror', (err) => consoleErrors.push(`page error: ${err.message}`));
    });

    await step('log in with the password alone (2FA is off)', async () => {
      await page.goto(`${base}/#/login`);
      await expectH1('Log in');
      await page.getByLabel('Email or username').fill(user.username);
      await page.getByLabel('Password').fill(user.password);
      await page.getByRole('button', { name: 'Log in' }).click();
      await expectH1('Profile');
    });

    await step('Security page: turn on 2FA, the QR code and the key are shown', async () => {
      await menu('Security');
      await expectH1('Security');
      await page.getByRole('button', { name: 'Turn on two-factor authentication' }).click();
      const qr = page.locator('img.tfa-qr');
      await qr.waitFor();
      assert(await qr.evaluate((img) => img.complete && img.naturalWidth > 0), 'the QR code image is drawn');
      secret = (await page.locator('#tfa-secret').textContent()).trim();
      assert(/^[A-Z2-7]{32}$/.test(secret), `the key on the page: ${secret}`);
      // the sessions list is on the page too
      await page.locator('tbody tr.current').waitFor();
    });

    await step('a wrong code is refused next to its field; the right one turns 2FA on', async () => {
      const code = await freshCode(secret);
      const wrong = String((Number(code) + 1) % 1000000).padStart(6, '0');
      const field = page.getByLabel('Code from your authenticator app');
      await field.fill(wrong);
      await page.getByRole('button', { name: 'Turn on' }).click();
      await until(async () => (await field.getAttribute('aria-invalid')) === 'true', 'the code field is marked invalid');
      await field.fill(code);
      await page.getByRole('button', { name: 'Turn on' }).click();
      const items = page.locator('.tfa-code-list li');
      await until(async () => (await items.count()) === 10, 'ten recovery codes are shown');
      codes = (await items.allTextContents()).map((s) => s.trim());
      assert(codes.every((c) => /^[0-9a-z]{4}-[0-9a-z]{4}$/.test(c)), `codes: ${codes}`);
      assert(await page.getByRole('button', { name: 'Copy the codes' }).isVisible(), 'a Copy button');
      const dl = page.getByRole('link', { name: 'Download the codes' });
      assert((await dl.getAttribute('download')) === 'paasport-recovery-codes.txt', 'a download link');
      assert(decodeURIComponent(await dl.getAttribute('href')).includes(codes[9]), 'the download holds the codes');
      await page.getByRole('button', { name: 'Copy the codes' }).click();
      await page.getByRole('button', { name: 'I have saved them' }).click();
      await until(async () => /is on\. 10 recovery codes left/.test(await page.locator('.tfa-status').textContent()), 'the status says on');
    });

    await step('log out; the password alone now asks for a code (the second step)', async () => {
      await logout();
      await passwordStep();
      const status = await page.evaluate(async () => (await fetch('/v1/session')).status);
      assert(status === 401, `no session before the code: ${status}`);
    });

    await step('a wrong code is refused with a visible error; a fresh code logs in', async () => {
      const code = await freshCode(secret);
      await page.getByLabel('Authentication code').fill(String((Number(code) + 7) % 1000000).padStart(6, '0'));
      await page.getByRole('button', { name: 'Verify' }).click();
      const err = page.locator('.form-error');
      await err.waitFor({ state: 'visible' });
      assert(/not accepted/.test(await err.textContent()), `error: ${await err.textContent()}`);
      await page.getByLabel('Authentication code').fill(code);
      await page.getByRole('button', { name: 'Verify' }).click();
      await expectH1('Profile');
    });

    await step('log out, log in with a recovery code; it is then used up', async () => {
      await logout();
      await passwordStep();
      await page.getByLabel('Authentication code').fill(codes[0]);
      await page.getByRole('button', { name: 'Verify' }).click();
      await expectH1('Profile');
      await menu('Security');
      await until(async () => /9 recovery codes left/.test(await page.locator('.tfa-status').textContent()), '9 codes left');
    });

    await step('the reset link asks for a code before changing the password', async () => {
      await logout();
      const r = await fetch(`${base}/v1/users/password/reset`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ email: user.email }),
      });
      assert(r.status === 202, `reset request: ${r.status}`);
      const token = await until(() => {
        const m = mails.filter((x) => x.to === user.email).map((x) => x.body.match(/#\/reset-password\/(\S+)/)).find(Boolean);
        return m && m[1];
      }, 'the reset mail');
      await page.goto(`${base}/#/reset-password/${token}`);
      await expectH1('Choose a new password');
      user.password = 'a brand new horse battery';
      await page.getByLabel('New password', { exact: true }).fill(user.password);
      await page.getByLabel('New password again').fill(user.password);
      await page.getByRole('button', { name: 'Change the password' }).click();
      await page.getByLabel('Authentication code').waitFor();
      assert(/two-factor/.test(await page.locator('.form-error').textContent()), 'the page says why');
      await page.getByLabel('Authentication code').fill(await freshCode(secret));
      await page.getByRole('button', { name: 'Change the password' }).click();
      await expectH1('Log in');
      await passwordStep();
      await page.getByLabel('Authentication code').fill(await freshCode(secret));
      await page.getByRole('button', { name: 'Verify' }).click();
      await expectH1('Profile');
    });

    await step('no console error, page error or CSP violation', async () => {
      assert(consoleErrors.length === 0, consoleErrors.join('\n'));
    });
  } finally {
    clearTimeout(overall);
    await cleanup();
    const failed = results.filter((r) => !r.ok).length;
    log(`${results.length - failed} passed, ${failed} failed`);
    process.exitCode = failed ? 1 : 0;
  }
}

main();
