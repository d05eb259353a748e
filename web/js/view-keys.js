// view-keys.js - SSH keys: add one (paste the .pub line, or pick the file),
// list them with their fingerprint and last use, remove one; and how to push
// with git once a key is in.

import { api } from './api.js';
import { h, heading, announce, timeEl } from './dom.js';
import { Form } from './forms.js';
import { inlineConfirm } from './confirm.js';

// the server refuses more; a bigger file is not a public key anyway
const KEY_FILE_MAX = 16 * 1024;

export async function render(root) {
  root.append(
    heading('SSH keys'),
    h('p', { class: 'lead', text: 'Your SSH public keys authenticate your git pushes to your apps. Add the public key (the .pub file), never the private one.' }),
  );

  const form = new Form({
    submitLabel: 'Add the key',
    busyLabel: 'Adding…',
    label: 'New SSH key',
    onSubmit: async (v, f) => {
      const res = await api('POST', '/v1/keys', { key: { name: v.name.trim(), content: v.content } });
      f.input('name').value = '';
      f.input('content').value = '';
      await load();
      announce(`The key “${res.key.name}” was added (${res.key.fingerprint}).`, 'success');
    },
  });
  form.add('name', { label: 'Key name', required: true, maxlength: 64, hint: 'Which machine holds it, e.g. “work laptop”.' });
  const content = form.add('content', {
    label: 'Public key',
    type: 'textarea',
    rows: 4,
    required: true,
    spellcheck: false,
    autocapitalize: 'off',
    hint: 'One line such as “ssh-ed25519 AAAA… you@host”: the content of ~/.ssh/id_ed25519.pub. No key yet? Run ssh-keygen -t ed25519.',
  });
  const fileId = 'key-file';
  const picker = h('input', { id: fileId, type: 'file', accept: '.pub,text/plain' });
  picker.addEventListener('change', async () => {
    const file = picker.files && picker.files[0];
    if (!file) return;
    if (file.size > KEY_FILE_MAX) {
      announce('This file is too big to be a public key: pick the .pub file.', 'error');
      return;
    }
    content.value = await file.text();
    const nameInput = form.input('name');
    if (!nameInput.value.trim()) {
      const comment = content.value.trim().split(/\s+/)[2];
      nameInput.value = (comment || file.name.replace(/\.pub$/, '')).slice(0, 64);
    }
    content.focus();
  });
  form.addNode(h('div', { class: 'field' },
    h('label', { for: fileId, text: 'Or read it from a file' }), picker));

  const addCard = h('section', { class: 'card', 'aria-labelledby': 'keys-new-h' },
    h('h2', { id: 'keys-new-h', text: 'Add a key' }), form.el);

  const listHeading = h('h2', { id: 'keys-list-h', tabindex: '-1', text: 'Your keys' });
  const listBody = h('div', {}, h('p', { class: 'loading', text: 'Loading your keys…' }));
  const listCard = h('section', { class: 'card', 'aria-labelledby': 'keys-list-h' }, listHeading, listBody);

  const gitBody = h('div', {});
  const gitCard = h('section', { class: 'card', 'aria-labelledby': 'keys-git-h' },
    h('h2', { id: 'keys-git-h', text: 'Pushing with git' }), gitBody);

  root.append(addCard, listCard, gitCard);

  function row(k) {
    const removeBtn = h('button', { type: 'button', class: 'btn btn-small btn-danger-outline', text: 'Remove', 'aria-label': `Remove key ${k.name}` });
    const remove = inlineConfirm(removeBtn, {
      question: `Remove “${k.name}”? Pushes with it are refused from then on.`,
      confirmLabel: 'Yes, remove',
      action: async () => {
        await api('DELETE', `/v1/keys/${encodeURIComponent(k.id)}`);
        await load();
        announce(`The key “${k.name}” was removed.`, 'success');
        listHeading.focus();
      },
    });
    return h('tr', { 'data-key-id': k.id },
      h('th', { scope: 'row', text: k.name }),
      h('td', {}, h('code', { class: 'break', 'data-testid': 'key-fingerprint', text: k.fingerprint }),
        h('div', { class: 'hint', text: k.type })),
      h('td', {}, timeEl(k.created_at)),
      h('td', {}, timeEl(k.last_used_at, 'never')),
      h('td', { class: 'actions' }, h('div', { class: 'actions-inner' }, remove)));
  }

  async function load() {
    const data = await api('GET', '/v1/keys');
    const keys = data.keys || [];
    if (keys.length === 0) {
      listBody.replaceChildren(h('p', { class: 'empty', text: 'You have no SSH keys yet: add one to push with git.' }));
      return;
    }
    listBody.replaceChildren(h('div', { class: 'table-wrap' }, h('table', { class: 'table' },
      h('caption', { class: 'visually-hidden', text: 'SSH keys' }),
      h('thead', {}, h('tr', {},
        h('th', { scope: 'col', text: 'Name' }),
        h('th', { scope: 'col', text: 'Fingerprint' }),
        h('th', { scope: 'col', text: 'Added' }),
        h('th', { scope: 'col', text: 'Last used' }),
        h('th', { scope: 'col', text: 'Actions' }))),
      h('tbody', {}, keys.map(row)))));
  }

  async function loadGit() {
    const data = await api('GET', '/v1/apps');
    const apps = data.apps || [];
    const check = h('p', {}, 'Check which account a key opens with ',
      h('code', { text: 'ssh -T' }), ' on the host of a git URL: it greets you by name and names the key.');
    if (apps.length === 0) {
      gitBody.replaceChildren(h('p', { text: 'Create an app: its page shows its git URL. Then, in your project:' }),
        h('pre', {}, h('code', { text: 'git remote add paasport GIT_URL\ngit push paasport main' })), check);
      return;
    }
    gitBody.replaceChildren(
      h('p', { text: 'In your project, add the app as a remote and push:' }),
      h('pre', {}, h('code', { 'data-testid': 'git-remote', text: `git remote add paasport ${apps[0].git_url}\ngit push paasport main` })),
      h('ul', {}, apps.map((a) => h('li', {}, `${a.name}: `, h('code', { class: 'break', text: a.git_url })))),
      check);
  }

  await Promise.all([load(), loadGit()]);
}
