// view-tokens.js - API tokens: create (the secret is shown once, with a Copy
// button), list with last use, renew (a new secret, shown once), revoke.

import { api } from './api.js';
import { h, heading, announce, timeEl } from './dom.js';
import { Form } from './forms.js';
import { inlineConfirm } from './confirm.js';

export async function render(root) {
  root.append(
    heading('API tokens'),
    h('p', { class: 'lead', text: 'API tokens let the command-line client and your scripts act on your account. Treat them like passwords.' }),
  );

  // the secret lives only in this panel's DOM, never in storage
  const secretSlot = h('div', { class: 'secret-slot' });

  const form = new Form({
    submitLabel: 'Create the token',
    busyLabel: 'Creating…',
    label: 'New API token',
    className: 'form-inline',
    onSubmit: async (v, f) => {
      const res = await api('POST', '/v1/tokens', { token: { name: v.name.trim() } });
      f.input('name').value = '';
      await load();
      showSecret(res.token, 'created');
    },
  });
  form.add('name', { label: 'Token name', required: true, maxlength: 64, hint: 'What will use it, e.g. “laptop CLI” or “deploy script”.' });
  const createCard = h('section', { class: 'card', 'aria-labelledby': 'tokens-new-h' },
    h('h2', { id: 'tokens-new-h', text: 'New token' }), form.el);

  const listHeading = h('h2', { id: 'tokens-list-h', tabindex: '-1', text: 'Your tokens' });
  const listBody = h('div', {}, h('p', { class: 'loading', text: 'Loading your tokens…' }));
  const listCard = h('section', { class: 'card', 'aria-labelledby': 'tokens-list-h' }, listHeading, listBody);

  root.append(secretSlot, createCard, listCard);

  function showSecret(token, verb) {
    const code = h('code', { class: 'secret', 'data-testid': 'token-secret', text: token.token });
    const copy = h('button', { type: 'button', class: 'btn btn-primary', text: 'Copy' });
    copy.addEventListener('click', async () => {
      try {
        await navigator.clipboard.writeText(token.token);
        announce('The token was copied to the clipboard.', 'success');
        copy.textContent = 'Copied';
      } catch {
        const range = document.createRange();
        range.selectNodeContents(code);
        const sel = window.getSelection();
        sel.removeAllRanges();
        sel.addRange(range);
        announce('Copying was refused by the browser: the token is selected, press Ctrl+C (⌘C) to copy it.', 'error');
      }
    });
    const done = h('button', { type: 'button', class: 'btn', text: 'Done, hide it' });
    const title = h('h2', { id: 'tokens-secret-h', tabindex: '-1', text: `Token “${token.name}” ${verb}` });
    const panel = h('section', { class: 'card secret-panel', 'aria-labelledby': 'tokens-secret-h' },
      title,
      h('p', { class: 'warning', text: 'Copy this token now: it is shown only once and cannot be displayed again. Anyone who has it can use your account.' }),
      h('div', { class: 'secret-row' }, code, copy),
      h('p', {}, done));
    done.addEventListener('click', () => {
      panel.remove();
      listHeading.focus();
    });
    secretSlot.replaceChildren(panel);
    title.focus();
  }

  function row(t) {
    const renewBtn = h('button', { type: 'button', class: 'btn btn-small', text: 'Renew', 'aria-label': `Renew token ${t.name}` });
    const revokeBtn = h('button', { type: 'button', class: 'btn btn-small btn-danger-outline', text: 'Revoke', 'aria-label': `Revoke token ${t.name}` });
    const renew = inlineConfirm(renewBtn, {
      question: `Renew “${t.name}”? Its current secret stops working.`,
      confirmLabel: 'Renew',
      danger: false,
      action: async () => {
        const res = await api('PATCH', `/v1/tokens/${encodeURIComponent(t.id)}/renew`);
        await load();
        showSecret(res.token, 'renewed');
      },
    });
    const revoke = inlineConfirm(revokeBtn, {
      question: `Revoke “${t.name}”?`,
      confirmLabel: 'Yes, revoke',
      action: async () => {
        await api('DELETE', `/v1/tokens/${encodeURIComponent(t.id)}`);
        secretSlot.replaceChildren();
        await load();
        announce(`The token “${t.name}” was revoked.`, 'success');
        listHeading.focus();
      },
    });
    return h('tr', { 'data-token-id': t.id },
      h('th', { scope: 'row', text: t.name }),
      h('td', {}, timeEl(t.created_at)),
      h('td', {}, timeEl(t.last_used_at, 'never')),
      h('td', { class: 'actions' }, h('div', { class: 'actions-inner' }, renew, revoke)));
  }

  async function load() {
    const data = await api('GET', '/v1/tokens');
    const tokens = data.tokens || [];
    if (tokens.length === 0) {
      listBody.replaceChildren(h('p', { class: 'empty', text: 'You have no API tokens yet.' }));
      return;
    }
    listBody.replaceChildren(h('div', { class: 'table-wrap' }, h('table', { class: 'table' },
      h('caption', { class: 'visually-hidden', text: 'API tokens' }),
      h('thead', {}, h('tr', {},
        h('th', { scope: 'col', text: 'Name' }),
        h('th', { scope: 'col', text: 'Created' }),
        h('th', { scope: 'col', text: 'Last used' }),
        h('th', { scope: 'col', text: 'Actions' }))),
      h('tbody', {}, tokens.map(row)))));
  }

  await load();
}
