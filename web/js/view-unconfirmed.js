// view-unconfirmed.js - the banner a signed-in user whose email address is not
// confirmed yet sees above every page: what to do, and a button that mails the
// confirmation link again (POST /v1/users/confirmation, the server's throttles
// and mail limits apply; its answer is the same whatever happened).

import { api, ApiError } from './api.js';
import { h } from './dom.js';

/** The banner for `user`, or null when its address is confirmed. */
export function unconfirmedBanner(user) {
  if (!user || user.email_confirmed !== false) return null;
  const answer = h('span', { class: 'banner-answer', role: 'status' });
  const button = h('button', { type: 'button', class: 'btn', text: 'Send the link again' });
  button.addEventListener('click', async () => {
    button.disabled = true;
    answer.textContent = 'Sending…';
    try {
      await api('POST', '/v1/users/confirmation', { email: user.email });
      answer.textContent = ` A new link was sent to ${user.email} (at most a few a day). Check your mailbox.`;
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      answer.textContent = ` The link could not be sent: ${err.message}`;
      button.disabled = false;
    }
  });
  return h('div', { class: 'notice notice-info banner-unconfirmed' },
    h('p', {},
      h('strong', { text: 'Confirm your email address. ' }),
      `We sent a link to ${user.email}: follow it to create API tokens and apps and to accept invitations. `
        + 'An account left unconfirmed is deleted after 7 days.'),
    h('p', {}, button, answer));
}
