// view-profile.js - the profile: details (username, email, name, company,
// location, newsletter; a new email asks for the current password) and the
// password change, as two separate forms.

import { api } from './api.js';
import { h, heading, announce, timeEl } from './dom.js';
import { Form } from './forms.js';

const TEXT_FIELDS = ['username', 'fullname', 'company', 'location'];

export async function render(root, ctx) {
  root.append(heading('Profile'));
  const body = h('div', { class: 'stack' }, h('p', { class: 'loading', text: 'Loading your profile…' }));
  root.append(body);
  const data = await api('GET', '/v1/users/self');
  let user = data.user;
  ctx.updateUser(user);
  body.replaceChildren();

  // ---- summary ----
  const summaryEmail = h('dd', { text: user.email });
  const summary = h('section', { class: 'card', 'aria-labelledby': 'profile-summary-h' },
    h('h2', { id: 'profile-summary-h', text: 'Account' }),
    h('dl', { class: 'facts' },
      h('dt', { text: 'Email' }), summaryEmail,
      h('dt', { text: 'Member since' }), h('dd', {}, timeEl(user.created_at)),
      user.referral_url ? [h('dt', { text: 'Referral link' }), h('dd', {}, h('code', { class: 'break', text: user.referral_url }))] : null));

  // ---- details ----
  const pending = h('div', { class: 'pending-email' });
  const details = new Form({
    submitLabel: 'Save changes',
    busyLabel: 'Saving…',
    label: 'Profile details',
    validate: (v) => (emailChanged() && !v.current_password
      ? { current_password: ['is required to change the email'] } : {}),
    onSubmit: async (v) => {
      const changes = {};
      for (const f of TEXT_FIELDS) {
        const val = v[f].trim();
        if (val !== (user[f] || '')) changes[f] = val;
      }
      const email = v.email.trim();
      if (email.toLowerCase() !== String(user.email).toLowerCase()) {
        changes.email = email;
        changes.current_password = v.current_password;
        if (tfa) changes.otp = v.otp.trim();
      }
      if (v.email_newsletter !== !!user.email_newsletter) changes.email_newsletter = v.email_newsletter;
      if (Object.keys(changes).length === 0) {
        announce('Nothing to save: no field was changed.');
        return;
      }
      const res = await api('PUT', '/v1/users/account', { user: changes });
      setUser(res.user);
      if (changes.email && res.user.unconfirmed_email) {
        announce(`Saved. A confirmation link was sent to ${res.user.unconfirmed_email}; your email changes when you follow it.`, 'success');
      } else {
        announce('Profile saved.', 'success');
      }
    },
  });
  details.add('username', { label: 'Username', autocomplete: 'username', required: true, maxlength: 32, autocapitalize: 'none', spellcheck: 'false', hint: '3 to 32 lowercase letters, digits, “-” or “_”.' });
  details.add('email', { label: 'Email', type: 'email', autocomplete: 'email', required: true, autocapitalize: 'none', spellcheck: 'false' });
  details.add('current_password', { label: 'Current password', type: 'password', autocomplete: 'current-password', hint: 'Needed to change the email.' });
  const currentWrap = details.fields.get('current_password').wrap;
  // with 2FA on, a new email needs a code too
  const tfa = !!user.tfa_enabled;
  if (tfa) {
    details.add('otp', { label: 'Two-factor code', autocomplete: 'one-time-code', maxlength: 32, autocapitalize: 'none', spellcheck: 'false', hint: 'Needed to change the email: a code of your authenticator app.' });
  }
  details.addNode(pending);
  details.add('fullname', { label: 'Full name', autocomplete: 'name', maxlength: 128 });
  details.add('company', { label: 'Company', autocomplete: 'organization', maxlength: 128 });
  details.add('location', { label: 'Location', autocomplete: 'address-level2', maxlength: 128 });
  details.add('email_newsletter', { label: 'Send me the newsletter', type: 'checkbox' });

  // the current password is asked only while the email field holds a new address
  function emailChanged() {
    return details.input('email').value.trim().toLowerCase() !== String(user.email).toLowerCase();
  }
  function showCurrent() {
    currentWrap.hidden = !emailChanged();
    if (currentWrap.hidden) details.input('current_password').value = '';
    if (tfa) {
      details.fields.get('otp').wrap.hidden = currentWrap.hidden;
      if (currentWrap.hidden) details.input('otp').value = '';
    }
  }
  details.input('email').addEventListener('input', showCurrent);

  function fill() {
    for (const f of TEXT_FIELDS) details.input(f).value = user[f] || '';
    details.input('email').value = user.email || '';
    details.input('current_password').value = '';
    showCurrent();
    details.input('email_newsletter').checked = !!user.email_newsletter;
    summaryEmail.textContent = user.email;
    pending.replaceChildren();
    if (user.unconfirmed_email) {
      const cancel = h('button', { type: 'button', class: 'btn btn-small', text: 'Cancel this change' });
      cancel.addEventListener('click', async () => {
        cancel.disabled = true;
        try {
          const res = await api('PUT', '/v1/users/account', { user: { email: user.email } });
          setUser(res.user);
          announce('The email change was cancelled.', 'success');
          details.input('email').focus();
        } catch (err) {
          cancel.disabled = false;
          announce(err.message, 'error');
        }
      });
      pending.append(h('p', { class: 'notice notice-info' },
        `A confirmation link was sent to ${user.unconfirmed_email}; your email changes when you follow it. `,
        cancel));
    }
  }

  function setUser(u) {
    user = u;
    ctx.updateUser(u);
    fill();
  }
  fill();

  const detailsCard = h('section', { class: 'card', 'aria-labelledby': 'profile-details-h' },
    h('h2', { id: 'profile-details-h', text: 'Your details' }), details.el);

  // ---- password ----
  const pw = new Form({
    submitLabel: 'Change the password',
    busyLabel: 'Changing…',
    label: 'Change the password',
    validate: (v) => {
      const e = {};
      if (v.password && [...v.password].length < 12) e.password = ['is too short (minimum is 12 characters)'];
      if (v.password && v.password_confirmation !== v.password) e.password_confirmation = ["doesn't match the password"];
      return e;
    },
    onSubmit: async (v, form) => {
      const res = await api('PUT', '/v1/users/account', {
        user: { current_password: v.current_password, password: v.password, password_confirmation: v.password_confirmation },
      });
      if (res && res.user) ctx.updateUser(res.user);
      for (const f of ['current_password', 'password', 'password_confirmation']) form.input(f).value = '';
      announce('Your password was changed. Your other sessions were signed out.', 'success');
    },
  });
  pw.add('current_password', { label: 'Current password', type: 'password', autocomplete: 'current-password', required: true });
  pw.add('password', { label: 'New password', type: 'password', autocomplete: 'new-password', required: true, hint: 'At least 12 characters. Changing it signs out your other sessions.' });
  pw.add('password_confirmation', { label: 'New password again', type: 'password', autocomplete: 'new-password', required: true });
  const pwCard = h('section', { class: 'card', 'aria-labelledby': 'profile-pw-h' },
    h('h2', { id: 'profile-pw-h', text: 'Password' }), pw.el);

  body.append(summary, detailsCard, pwCard);
}
