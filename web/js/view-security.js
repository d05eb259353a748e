// view-security.js - the Security page: two-factor authentication (turn it on
// with a QR code or the key typed by hand and a first code; recovery codes shown
// once, with copy and download; new recovery codes; turn it off) and the list of
// browser sessions (view-sessions.js).

import { api } from './api.js';
import { h, heading, announce } from './dom.js';
import { Form } from './forms.js';
import { sessionsCard } from './view-sessions.js';

const CODE_FIELD = {
  label: 'Code from your authenticator app',
  autocomplete: 'one-time-code',
  inputmode: 'numeric',
  required: true,
  maxlength: 16,
  autocapitalize: 'none',
  spellcheck: 'false',
};

/** The recovery codes, shown once: a list with copy and download. */
function codesBox(codes, onDone) {
  const text = `${codes.join('\n')}\n`;
  const copy = h('button', { type: 'button', class: 'btn', text: 'Copy the codes' });
  copy.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(text);
      announce('The recovery codes were copied.', 'success');
    } catch {
      announce('The codes could not be copied: select them and copy them by hand.', 'error');
    }
  });
  const download = h('a', {
    class: 'btn',
    href: `data:text/plain;charset=utf-8,${encodeURIComponent(text)}`,
    download: 'paasport-recovery-codes.txt',
    text: 'Download the codes',
  });
  const done = h('button', { type: 'button', class: 'btn btn-primary', text: 'I have saved them' });
  done.addEventListener('click', onDone);
  const h3 = h('h3', { tabindex: '-1', text: 'Your recovery codes' });
  const box = h('div', { class: 'tfa-codes' },
    h3,
    h('p', { text: 'Each code logs you in once if you lose your authenticator. Keep them somewhere safe: they will not be shown again.' }),
    h('ul', { class: 'tfa-code-list', 'aria-label': 'Recovery codes' }, codes.map((c) => h('li', {}, h('code', { text: c })))),
    h('p', { class: 'form-actions' }, copy, ' ', download, ' ', done));
  setTimeout(() => h3.focus(), 0);
  return box;
}

export async function render(root, ctx) {
  const tfaHeading = h('h2', { id: 'tfa-h', tabindex: '-1', text: 'Two-factor authentication' });
  const tfaBody = h('div', {}, h('p', { class: 'loading', text: 'Loading…' }));
  const sessions = sessionsCard(ctx);
  root.append(heading('Security'),
    h('p', { class: 'lead', text: 'Protect your account with a second factor, and see where you are logged in.' }),
    h('section', { class: 'card', id: 'tfa', 'aria-labelledby': 'tfa-h' }, tfaHeading, tfaBody),
    sessions.el);

  function showCodes(codes) {
    tfaBody.replaceChildren(codesBox(codes, () => load().then(() => tfaHeading.focus())));
  }

  function offView() {
    const start = h('button', { type: 'button', class: 'btn btn-primary', text: 'Turn on two-factor authentication' });
    start.addEventListener('click', async () => {
      start.disabled = true;
      try {
        const data = await api('POST', '/v1/client/tfa', { tfa: { provider: 'totp' } });
        enrolView(data.tfa);
      } catch (err) {
        announce(err.message, 'error');
        start.disabled = false;
      }
    });
    tfaBody.replaceChildren(
      h('p', { class: 'tfa-status', text: 'Two-factor authentication is off: a password alone logs in to your account.' }),
      h('p', {}, start));
  }

  function enrolView(t) {
    const qr = h('img', {
      class: 'tfa-qr',
      src: `data:image/svg+xml;charset=utf-8,${encodeURIComponent(t.qr_svg)}`,
      alt: 'QR code to scan with your authenticator app',
      width: 200,
      height: 200,
    });
    const form = new Form({
      submitLabel: 'Turn on',
      busyLabel: 'Checking…',
      label: 'Confirm with a first code',
      onSubmit: async (v) => {
        const data = await api('POST', '/v1/client/tfa/validate', { tfa: { attempt: v.attempt.trim() } });
        ctx.updateUser({ ...ctx.user(), tfa_enabled: true });
        announce('Two-factor authentication is on.', 'success');
        showCodes(data.tfa.codes);
      },
    });
    form.add('attempt', CODE_FIELD);
    tfaBody.replaceChildren(
      h('ol', { class: 'tfa-steps' },
        h('li', {}, 'Scan this QR code with an authenticator app (FreeOTP, Aegis, Google Authenticator…):', h('div', {}, qr)),
        h('li', {}, 'Or type this key in the app by hand: ', h('code', { class: 'tfa-secret', id: 'tfa-secret', text: t.secret })),
        h('li', {}, 'Enter the 6-digit code the app shows:')),
      form.el);
    form.input('attempt').focus();
  }

  function onView(t) {
    const regen = new Form({
      submitLabel: 'Make new recovery codes',
      busyLabel: 'Checking…',
      label: 'New recovery codes',
      onSubmit: async (v) => {
        const data = await api('POST', '/v1/client/tfa/recovery_codes', { tfa: { attempt: v.attempt.trim() } });
        announce('New recovery codes were made; the old ones no longer work.', 'success');
        showCodes(data.tfa.codes);
      },
    });
    regen.add('attempt', CODE_FIELD);
    const off = new Form({
      submitLabel: 'Turn off two-factor authentication',
      busyLabel: 'Turning off…',
      label: 'Turn off two-factor authentication',
      onSubmit: async (v) => {
        await api('DELETE', '/v1/client/tfa', { tfa: { attempt: v.attempt.trim(), password: v.password } });
        ctx.updateUser({ ...ctx.user(), tfa_enabled: false });
        announce('Two-factor authentication is off.', 'success');
        await load();
        tfaHeading.focus();
      },
    });
    off.add('attempt', { ...CODE_FIELD, label: 'Code from your app, or a recovery code', inputmode: undefined });
    off.add('password', { label: 'Your password', type: 'password', autocomplete: 'current-password', required: true });
    off.submit.classList.add('btn-danger');
    tfaBody.replaceChildren(
      h('p', { class: 'tfa-status', text: `Two-factor authentication is on. ${t.recovery_codes_left} recovery code${t.recovery_codes_left === 1 ? '' : 's'} left.` }),
      h('h3', { text: 'Recovery codes' }),
      h('p', { text: 'New codes replace the old ones. It takes a current code from your app.' }),
      regen.el,
      h('h3', { text: 'Turn it off' }),
      off.el);
  }

  async function load() {
    const data = await api('GET', '/v1/client/tfa');
    if (data.tfa.enabled) onView(data.tfa);
    else offView();
  }

  await Promise.all([load(), sessions.load()]);
}
