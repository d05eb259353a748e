// sections.js - the dashboard's sections, as data. One row = one entry of
// the account menu and one route (#/route/params...). To add a section
// (SSH keys, Billing...), write its view module and add a row here; the
// order of the rows is the order of the menu. `render(root, ctx)` may be
// async; see app.js for ctx. `isPublic(params)`, optional: those pages of the
// section open without a session.

import { render as profile } from './view-profile.js';
import { render as tokens } from './view-tokens.js';
import { render as keys } from './view-keys.js';
import { render as timeline } from './view-timeline.js';
import { render as sessions } from './view-sessions.js';
import { render as security } from './view-security.js';
import { render as apps } from './view-apps.js';
import { render as deleteAccount, isPublic as deleteAccountIsPublic } from './view-delete-account.js';
import { renderInvitation } from './view-invitation.js';
import { renderLogin, renderSignup, renderForgot, renderReset, renderConfirmEmail, renderEmailCancel, renderUnlock } from './view-auth.js';

/** Sections of a logged-in user, shown in the menu. */
export const SECTIONS = [
  { route: 'profile', label: 'Profile', title: 'Profile', render: profile },
  { route: 'tokens', label: 'API tokens', title: 'API tokens', render: tokens },
  { route: 'keys', label: 'SSH keys', title: 'SSH keys', render: keys },
  { route: 'apps', label: 'Apps', title: 'Apps', render: apps },
  { route: 'timeline', label: 'Timeline', title: 'Timeline', render: timeline },
  { route: 'security', label: 'Security', title: 'Security', render: security },
  { route: 'sessions', label: 'Sessions', title: 'Sessions', render: sessions },
  // isPublic(params): the mailed confirmation link works logged out too
  { route: 'delete-account', label: 'Delete account', title: 'Delete your account', render: deleteAccount, isPublic: deleteAccountIsPublic },
];

/**
 * Pages that don't need a session. `guestOnly`: a logged-in user is sent to
 * the default section instead (no point in a login form then).
 */
export const PUBLIC_PAGES = [
  { route: 'login', title: 'Log in', render: renderLogin, guestOnly: true },
  { route: 'signup', title: 'Sign up', render: renderSignup, guestOnly: true },
  { route: 'forgot-password', title: 'Forgot your password', render: renderForgot },
  { route: 'reset-password', title: 'New password', render: renderReset },
  { route: 'confirm-email', title: 'Email confirmation', render: renderConfirmEmail },
  { route: 'email-cancel', title: 'Cancel the email change', render: renderEmailCancel },
  { route: 'unlock', title: 'Unlock your account', render: renderUnlock },
  { route: 'invitation', title: 'Invitation', render: renderInvitation },
];

export const DEFAULT_SECTION = 'profile';
