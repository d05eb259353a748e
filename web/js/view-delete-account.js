// view-delete-account.js - deleting the account in two steps: #/delete-account
// asks for a confirmation mail (refused while the user owns apps: they are
// listed); the mailed link #/delete-account/ID/TOKEN confirms, with an
// optional reason, and ends on a goodbye page. The link works logged out.

import { api, ApiError } from './api.js';
import { h, heading, announce } from './dom.js';
import { Form } from './forms.js';

const REASONS = [
  { value: '', label: 'Rather not say' },
  { value: 'too_expensive', label: 'It costs too much' },
  { value: 'missing_feature', label: 'A feature I need is missing' },
  { value: 'moved', label: 'I moved to another platform' },
  { value: 'just_trying', label: 'I was only trying it' },
  { value: 'other', label: 'Another reason' },
];

export function render(root, ctx) {
  if (ctx.params.length) return renderConfirm(root, ctx, ctx.params[0], ctx.params[1] || '');
  return renderRequest(root, ctx);
}

/** Pages of this section a logged-out visitor may open: the mailed link. */
export function isPublic(params) {
  return params.length > 0;
}

function appLinks(names) {
  return h('ul', { class: 'app-links' }, (names || []).map((n) =>
    h('li', {}, h('a', { href: `#/apps/${encodeURIComponent(n)}`, text: n }))));
}

function rules() {
  return h('ul', { class: 'rules' },
    h('li', { text: 'You can delete your account only when you own no app: delete your apps first. Apps you collaborate on stay with their owners.' }),
    h('li', { text: 'Your personal data is erased: email, username, name, SSH keys, API tokens and sessions.' }),
    h('li', { text: 'Your invoices are kept, as the law requires.' }),
    h('li', { text: 'It cannot be undone.' }));
}

function renderRequest(root, ctx) {
  const user = ctx.user() || {};
  const result = h('div', { class: 'deletion-result', tabindex: '-1' });
  const ask = h('button', { type: 'button', class: 'btn btn-danger', text: 'Send me the confirmation link' });
  root.append(heading('Delete your account'),
    h('p', { class: 'lead', text: 'Leaving paasport? Here is how deleting your account works.' }),
    h('section', { class: 'card', 'aria-labelledby': 'delete-rules-h' },
      h('h2', { id: 'delete-rules-h', text: 'Before you go' }),
      rules(),
      h('p', { text: `To make sure it is you, we mail a confirmation link to ${user.email || 'your email address'}. Your account is deleted only when you follow it and confirm.` }),
      result,
      h('p', {}, ask)));

  ask.addEventListener('click', async () => {
    ask.disabled = true;
    ask.textContent = 'Sending…';
    try {
      await api('POST', '/v1/users/delete');
      result.replaceChildren(h('p', { class: 'notice notice-success', text: `A confirmation link was mailed to ${user.email || 'your email address'}. Follow it within 24 hours to delete your account.` }));
      announce('Confirmation link sent.', 'success');
      ask.textContent = 'Send the link again';
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      ask.textContent = 'Send me the confirmation link';
      if (err.status === 409 && Array.isArray(err.data.apps)) {
        result.replaceChildren(h('div', { class: 'notice notice-error' },
          h('p', { text: `You still own ${err.data.apps.length === 1 ? 'this app' : 'these apps'}: delete ${err.data.apps.length === 1 ? 'it' : 'them'} first, then come back.` }),
          appLinks(err.data.apps)));
        announce('Your account still owns apps.', 'error');
      } else {
        result.replaceChildren(h('p', { class: 'notice notice-error', text: err.message }));
        announce(err.message, 'error');
      }
    } finally {
      ask.disabled = false;
    }
    result.focus();
  });
}

function renderConfirm(root, ctx, id, token) {
  const box = h('section', { class: 'card card-narrow' }, heading('Delete your account'));
  root.append(box);
  const again = h('p', { class: 'links', hidden: true },
    'This link does not work any more: ', h('a', { href: '#/delete-account', text: 'ask for a new one' }), '.');
  const blocking = h('div', {});
  if (!id || !token) {
    box.append(h('p', { class: 'notice notice-error', text: 'This link is incomplete: copy the whole link from the mail.' }), again);
    again.hidden = false;
    return;
  }
  const form = new Form({
    submitLabel: 'Delete my account for good',
    busyLabel: 'Deleting…',
    label: 'Confirm the deletion of your account',
    onSubmit: async (v) => {
      const deletion = { token };
      const reason = REASONS.find((r) => r.value === v.reason && r.value);
      if (reason) deletion.reason = reason.label;
      if (v.details.trim()) deletion.details = v.details.trim();
      blocking.replaceChildren();
      try {
        await api('POST', `/v1/users/delete/${encodeURIComponent(id)}/confirm`, { deletion }, { quiet401: true });
      } catch (err) {
        if (err instanceof ApiError && err.status === 422 && err.fieldErrors.token) again.hidden = false;
        if (err instanceof ApiError && err.status === 409 && Array.isArray(err.data.apps)) {
          blocking.replaceChildren(h('div', { class: 'notice notice-error' },
            h('p', { text: 'Apps were created since you asked: delete them first, then follow the same link again.' }),
            appLinks(err.data.apps)));
        }
        throw err;
      }
      goodbye(root, ctx);
    },
  });
  form.submit.className = 'btn btn-danger';
  form.add('reason', { label: 'Why are you leaving? (optional)', type: 'select', options: REASONS });
  form.add('details', { label: 'Anything else you want to tell us? (optional)', type: 'textarea', rows: 3, maxlength: 2000, hint: 'It helps us improve. Please leave out personal data.' });
  box.append(
    h('p', { class: 'warning', text: 'This is the last step: your account is deleted as soon as you confirm.' }),
    rules(),
    blocking,
    form.el,
    again);
}

function goodbye(root, ctx) {
  if (ctx.loggedIn()) ctx.clearSession(); // the server erased the session with the account
  const title = heading('Goodbye');
  root.replaceChildren(h('section', { class: 'card card-narrow' },
    title,
    h('p', { class: 'notice notice-success', text: 'Your account was deleted. Your personal data was erased; your invoices are kept as the law requires.' }),
    h('p', { text: 'Thank you for having used paasport.' }),
    h('p', { class: 'links' }, h('a', { href: '#/signup', text: 'Create a new account' }))));
  document.title = 'Account deleted · paasport';
  announce('Your account was deleted.', 'success');
  title.focus();
}
