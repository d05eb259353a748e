// view-invitation.js - #/invitation/TOKEN, the mailed link to collaborate on
// an app. Logged out: asks to log in or sign up, then comes back here.
// Logged in: one button accepts it with the current account.

import { api, ApiError } from './api.js';
import { h, heading, announce } from './dom.js';

export function renderInvitation(root, ctx) {
  const token = ctx.params[0] || '';
  const box = h('section', { class: 'card card-narrow' }, heading('Invitation to collaborate'));
  root.append(box);
  if (!token) {
    box.append(h('p', { class: 'notice notice-error', text: 'This invitation link is incomplete: copy the whole link from the mail.' }));
    return;
  }
  const here = `#/invitation/${encodeURIComponent(token)}`;
  if (!ctx.loggedIn()) {
    ctx.setReturnTo(here);
    box.append(
      h('p', { text: 'You were invited to collaborate on an app. Log in with the account you want to use for it, or create one: you come back here to accept the invitation.' }),
      h('p', { class: 'button-row' },
        h('a', { class: 'btn btn-primary', href: '#/login', text: 'Log in to accept' }),
        h('a', { class: 'btn', href: '#/signup', text: 'Sign up' })));
    return;
  }

  const user = ctx.user();
  const result = h('div', { class: 'invitation-result', tabindex: '-1' });
  const accept = h('button', { type: 'button', class: 'btn btn-primary', text: `Accept as ${user.username}` });
  const intro = h('div', {},
    h('p', {}, 'You were invited to collaborate on an app. Accepting adds it to your apps, with the account ',
      h('strong', { text: user.username }), ` (${user.email}).`),
    h('p', { class: 'hint', text: 'Not the account you want? Log out from the menu, then open the link again.' }),
    h('p', {}, accept));
  box.append(intro, result);

  accept.addEventListener('click', async () => {
    accept.disabled = true;
    accept.textContent = 'Accepting…';
    try {
      const data = await api('GET', `/v1/apps/collaboration?token=${encodeURIComponent(token)}`);
      const app = data.app;
      intro.remove();
      result.replaceChildren(
        h('p', { class: 'notice notice-success', text: `You now collaborate on ${app.name}${app.role === 'limited_collaborator' ? ' as a limited collaborator' : ''}.` }),
        h('p', {}, h('a', { class: 'btn btn-primary', href: `#/apps/${encodeURIComponent(app.name)}`, text: `Open ${app.name}` })));
      announce(`Invitation accepted: ${app.name} is in your apps.`, 'success');
      result.focus();
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      let text = err.message;
      if (err.status === 404) text = 'This invitation does not exist any more: it was already used or cancelled. Ask the app owner for a new one.';
      else if (err.status === 422) text = 'This invitation has expired: ask the app owner for a new one.';
      else if (err.status === 409) text = `${err.message} The invitation was not used.`;
      intro.remove();
      result.replaceChildren(
        h('p', { class: 'notice notice-error', text }),
        h('p', {}, h('a', { href: '#/apps', text: 'Go to your apps' })));
      announce(text, 'error');
      result.focus();
    }
  });
}
