// view-auth.js - the pages seen without a session: log in, sign up, forgot
// password, and the mailed links (reset password, confirm email, cancel an
// email change, unlock).

import { api, ApiError } from './api.js';
import { h, heading, announce } from './dom.js';
import { Form } from './forms.js';

const PW_MIN = 12;

function passwordCheck(field) {
  return (v) => (v[field] && [...v[field]].length < PW_MIN
    ? { [field]: [`is too short (minimum is ${PW_MIN} characters)`] } : null);
}

function card(...children) {
  return h('section', { class: 'card card-narrow' }, ...children);
}

/** The 401 a login gets when the password was right and a 2FA code is needed. */
export function isOtpRequired(err) {
  return err instanceof ApiError && err.status === 401 && err.data && err.data.error === 'OTP Required';
}

const OTP_FIELD = {
  label: 'Authentication code',
  autocomplete: 'one-time-code',
  required: true,
  maxlength: 32,
  autocapitalize: 'none',
  spellcheck: 'false',
  hint: 'The 6-digit code of your authenticator app, or one of your recovery codes.',
};

export function renderLogin(root, ctx) {
  function finish(data) {
    ctx.setSession(data);
    announce(`Logged in as ${data.user.username}.`, 'success');
    ctx.navigate(ctx.takeReturnTo() || '#/profile');
  }

  // the second step, once the server said the password was right: the code
  function otpStep(creds) {
    const otpForm = new Form({
      submitLabel: 'Verify',
      busyLabel: 'Checking…',
      label: 'Two-factor authentication',
      onSubmit: async (v) => {
        let data;
        try {
          data = await api('POST', '/v1/session', { ...creds, otp: v.otp.trim() }, { quiet401: true });
        } catch (err) {
          if (isOtpRequired(err)) err.message = 'That code was not accepted. Enter the current code of your app, or an unused recovery code.';
          throw err;
        }
        finish(data);
      },
    });
    otpForm.add('otp', OTP_FIELD);
    const back = h('a', { href: '#/login', text: 'Start again' });
    back.addEventListener('click', (ev) => {
      ev.preventDefault();
      root.replaceChildren();
      renderLogin(root, ctx);
    });
    const step = h('div', { class: 'otp-step' },
      h('p', { text: 'Your account has two-factor authentication: enter the code your authenticator app shows.' }),
      otpForm.el,
      h('p', { class: 'links' }, back));
    form.el.replaceWith(step);
    otpForm.input('otp').focus();
  }

  const form = new Form({
    submitLabel: 'Log in',
    busyLabel: 'Logging in…',
    label: 'Log in',
    onSubmit: async (v) => {
      const creds = { login: v.login.trim(), password: v.password };
      let data;
      try {
        data = await api('POST', '/v1/session', creds, { quiet401: true });
      } catch (err) {
        if (isOtpRequired(err)) {
          otpStep(creds);
          return;
        }
        if (err instanceof ApiError && err.status === 401) {
          err.message = 'Wrong login or password. Check both and try again.';
        }
        throw err;
      }
      finish(data);
    },
  });
  form.add('login', { label: 'Email or username', autocomplete: 'username', required: true, autocapitalize: 'none', spellcheck: 'false' });
  form.add('password', { label: 'Password', type: 'password', autocomplete: 'current-password', required: true });
  root.append(card(
    heading('Log in'),
    form.el,
    h('p', { class: 'links' },
      h('a', { href: '#/forgot-password', text: 'Forgot your password?' })),
    h('p', { class: 'links' }, 'No account yet? ', h('a', { href: '#/signup', text: 'Sign up' })),
  ));
}

export function renderSignup(root, ctx) {
  // #/signup/CODE: arrived through someone's referral link (/r/CODE)
  const referral = /^[0-9a-f]{1,32}$/.test(ctx.params[0] || '') ? ctx.params[0] : '';
  const form = new Form({
    submitLabel: 'Create my account',
    busyLabel: 'Creating the account…',
    label: 'Sign up',
    validate: passwordCheck('password'),
    onSubmit: async (v) => {
      const user = { email: v.email.trim(), username: v.username.trim(), password: v.password };
      if (referral) user.referral_code = referral;
      await api('POST', '/v1/users', { user });
      // the account exists: log in with the same credentials
      try {
        const data = await api('POST', '/v1/session', { login: user.email, password: user.password }, { quiet401: true });
        ctx.setSession(data);
        announce(`Welcome, ${data.user.username}! A link to confirm your address was sent to ${user.email}: follow it to create API tokens and apps.`, 'success');
        ctx.navigate(ctx.takeReturnTo() || '#/profile');
      } catch (err) {
        if (!(err instanceof ApiError)) throw err;
        announce(`Your account was created and a link to confirm your address was sent to ${user.email}. Please log in.`, 'success');
        ctx.navigate('#/login');
      }
    },
  });
  form.add('email', { label: 'Email', type: 'email', autocomplete: 'email', required: true, autocapitalize: 'none', spellcheck: 'false' });
  form.add('username', {
    label: 'Username',
    autocomplete: 'username',
    required: true,
    autocapitalize: 'none',
    spellcheck: 'false',
    maxlength: 32,
    hint: '3 to 32 lowercase letters, digits, “-” or “_”.',
  });
  form.add('password', {
    label: 'Password',
    type: 'password',
    autocomplete: 'new-password',
    required: true,
    hint: `At least ${PW_MIN} characters.`,
  });
  root.append(card(
    heading('Sign up'),
    form.el,
    h('p', { class: 'links' }, 'Already have an account? ', h('a', { href: '#/login', text: 'Log in' })),
  ));
}

export function renderForgot(root) {
  const box = card(heading('Forgot your password?'));
  const intro = h('p', { text: 'Enter the email address of your account: we will send you a link to choose a new password.' });
  const form = new Form({
    submitLabel: 'Send the link',
    busyLabel: 'Sending…',
    label: 'Ask for a password reset link',
    onSubmit: async (v) => {
      const email = v.email.trim();
      await api('POST', '/v1/users/password/reset', { email });
      intro.remove();
      form.el.replaceWith(h('p', {
        class: 'notice notice-success',
        text: `If an account uses ${email}, a link to choose a new password was sent to it. Check your mailbox.`,
      }));
      announce('Reset link requested.', 'success');
    },
  });
  form.add('email', { label: 'Email', type: 'email', autocomplete: 'email', required: true, autocapitalize: 'none', spellcheck: 'false' });
  box.append(intro, form.el, h('p', { class: 'links' }, h('a', { href: '#/login', text: 'Back to log in' })));
  root.append(box);
}

export function renderReset(root, ctx) {
  const token = ctx.params[0] || '';
  const box = card(heading('Choose a new password'));
  const again = h('p', { class: 'links', hidden: true },
    'This link does not work any more: ', h('a', { href: '#/forgot-password', text: 'ask for a new one' }), '.');
  const form = new Form({
    submitLabel: 'Change the password',
    busyLabel: 'Changing…',
    label: 'Choose a new password',
    validate: (v) => {
      const e = passwordCheck('password')(v) || {};
      if (v.password && v.password_confirmation !== v.password) e.password_confirmation = ["doesn't match the password"];
      return e;
    },
    onSubmit: async (v) => {
      const body = { token, password: v.password };
      if (v.otp !== undefined) body.otp = v.otp.trim();
      try {
        await api('PUT', '/v1/users/password/reset', body, { quiet401: true });
      } catch (err) {
        if (err instanceof ApiError && err.status === 422 && err.fieldErrors.token) again.hidden = false;
        if (isOtpRequired(err)) {
          // the account has 2FA: the link alone does not change the password
          if (v.otp === undefined) {
            form.add('otp', OTP_FIELD);
            err.message = 'Your account has two-factor authentication: enter a code too.';
          } else {
            err.message = 'That code was not accepted. Enter the current code of your app, or an unused recovery code.';
          }
          form.showFormError(err.message);
          form.input('otp').focus();
          return;
        }
        throw err;
      }
      ctx.clearSession(); // a reset signs every session out
      announce('Your password was changed. Log in with the new one.', 'success');
      ctx.navigate('#/login');
    },
  });
  form.add('password', { label: 'New password', type: 'password', autocomplete: 'new-password', required: true, hint: `At least ${PW_MIN} characters.` });
  form.add('password_confirmation', { label: 'New password again', type: 'password', autocomplete: 'new-password', required: true });
  if (!token) {
    box.append(h('p', { class: 'notice notice-error', text: 'This link is incomplete.' }), again);
    again.hidden = false;
  } else {
    box.append(form.el, again);
  }
  root.append(box);
}

export async function renderConfirmEmail(root, ctx) {
  const token = ctx.params[0] || '';
  const status = h('p', { class: 'notice', text: 'Confirming your email address…' });
  const next = h('p', { class: 'links' }, ctx.loggedIn()
    ? h('a', { href: '#/profile', text: 'Go to your profile' })
    : h('a', { href: '#/login', text: 'Log in' }));
  root.append(card(heading('Email confirmation'), status, next));
  if (!token) {
    status.className = 'notice notice-error';
    status.textContent = 'This link is incomplete.';
    return;
  }
  try {
    const data = await api('POST', '/v1/users/email/confirm', { token });
    status.className = 'notice notice-success';
    status.textContent = data && data.user
      ? `Your email address is now ${data.user.email}.`
      : 'Your email address is confirmed.';
    if (data && data.user && ctx.loggedIn()) ctx.updateUser(data.user);
    // a sign-up's link: the "confirm your address" banner goes
    document.querySelectorAll('.banner-unconfirmed').forEach((b) => b.remove());
    announce('Email address confirmed.', 'success');
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    status.className = 'notice notice-error';
    const fe = err.fieldErrors;
    if (fe.token) {
      status.textContent = `This confirmation link ${fe.token.join(', ')}. Change the email again from your profile (or, for a new account, use "Send the link again" once logged in) to get a new link.`;
    } else if (fe.email) {
      status.textContent = `The new address ${fe.email.join(', ')}: it can't become your email.`;
    } else {
      status.textContent = err.message;
    }
  }
}

// The mailed unlock link of an account locked by failed logins (#/unlock/:token).
export async function renderUnlock(root, ctx) {
  const token = ctx.params[0] || '';
  const status = h('p', { class: 'notice', text: 'Unlocking your account…' });
  const next = h('p', { class: 'links' }, h('a', { href: '#/login', text: 'Log in' }));
  root.append(card(heading('Unlock your account'), status, next));
  if (!token) {
    status.className = 'notice notice-error';
    status.textContent = 'This link is incomplete.';
    return;
  }
  try {
    await api('POST', '/v1/users/unlock', { token });
    status.className = 'notice notice-success';
    status.textContent = 'Your account is unlocked: you can log in again.';
    announce('Account unlocked.', 'success');
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    status.className = 'notice notice-error';
    const fe = err.fieldErrors;
    status.textContent = fe.token
      ? `This unlock link ${fe.token.join(', ')}. The lock ends by itself after 15 minutes, or reset your password.`
      : err.message;
  }
}

// The link mailed to the old address that cancels a pending email change
// (#/email-cancel/:token).
export async function renderEmailCancel(root, ctx) {
  const token = ctx.params[0] || '';
  const status = h('p', { class: 'notice', text: 'Cancelling the email change…' });
  const next = h('p', { class: 'links' }, ctx.loggedIn()
    ? h('a', { href: '#/profile', text: 'Go to your profile' })
    : h('a', { href: '#/forgot-password', text: 'Reset your password' }));
  root.append(card(heading('Cancel the email change'), status, next));
  if (!token) {
    status.className = 'notice notice-error';
    status.textContent = 'This link is incomplete.';
    return;
  }
  try {
    await api('POST', '/v1/users/email/cancel', { token });
    status.className = 'notice notice-success';
    status.textContent = 'The email change was cancelled: your email address stays the same. If you did not ask for it, change your password now.';
    announce('Email change cancelled.', 'success');
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    status.className = 'notice notice-error';
    const fe = err.fieldErrors;
    status.textContent = fe.token
      ? `This cancel link ${fe.token.join(', ')}. It stops working once the new address is confirmed or another change replaces it: log in and check your profile.`
      : err.message;
  }
}
