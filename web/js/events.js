// events.js - timeline events as readable sentences. One renderer per event
// type; later features (apps, SSH keys, billing) call registerEventTypes()
// with their own types, or add them to the table below.
//
// A renderer gets (type_data, event) and returns a plain string: it is always
// inserted with textContent, so names chosen by users can't become markup.

const renderers = new Map();

/** Adds or replaces renderers: {type: (data, event) => "sentence"}. */
export function registerEventTypes(table) {
  for (const [type, fn] of Object.entries(table)) renderers.set(type, fn);
}

/** The sentence for one event; an unknown type shows its name. */
export function describeEvent(ev) {
  const fn = renderers.get(ev.type);
  const data = ev.type_data && typeof ev.type_data === 'object' ? ev.type_data : {};
  let text;
  try {
    text = fn ? fn(data, ev) : null;
  } catch {
    text = null;
  }
  if (!text) text = String(ev.type || 'event');
  // events about an app name it, unless the sentence already does
  if (ev.app_name && !text.includes(ev.app_name)) text = `${text} (app ${ev.app_name})`;
  return text;
}

export function hasRenderer(type) {
  return renderers.has(type);
}

// ---- helpers for renderers ----

const FIELD_NAMES = {
  fullname: 'full name',
  unconfirmed_email: 'new email awaiting confirmation',
  email: 'email',
  email_newsletter: 'newsletter',
  username: 'username',
  company: 'company',
  location: 'location',
  password: 'password',
};

export function fieldList(fields) {
  if (!Array.isArray(fields) || fields.length === 0) return '';
  return fields.map((f) => FIELD_NAMES[f] || String(f).replace(/_/g, ' ')).join(', ');
}

export function quoted(s) {
  return s === undefined || s === null || s === '' ? '' : `'${s}'`;
}

export function fromIp(data) {
  return data.remote_ip ? ` from ${data.remote_ip}` : '';
}

function tokenName(data) {
  return quoted(data.token_name || data.name) || '(unnamed)';
}

// ---- account events ----

registerEventTypes({
  new_user: () => 'Signed up',
  edit_profile: (d) => {
    const f = fieldList(d.fields);
    return f ? `Edited the profile (${f})` : 'Edited the profile';
  },
  new_token: (d) => `Created API token ${tokenName(d)}`,
  regenerate_token: (d) => `Renewed API token ${tokenName(d)}`,
  delete_token: (d) => `Revoked API token ${tokenName(d)}`,
  login_success: (d) => `Logged in${fromIp(d)}`,
  login_failure: (d) => `Failed login attempt${fromIp(d)}`,
  login_lock: (d) => `Account locked after too many failed logins${fromIp(d)}`,
  password_reset_query: (d) => `Asked for a password reset link${fromIp(d)}`,
  password_reset_success: (d) => `Reset the password with a mailed link${fromIp(d)}`,
});

// ---- app events (type_data as the server stores them) ----

function appName(ev) {
  return ev.app_name || 'an app';
}

/** "web 1×M → 2×L, worker 0 → 1×S": only the types that changed. */
export function formationChange(d) {
  const prev = d.previous_containers || {};
  const next = d.containers || {};
  const prevSizes = d.previous_sizes || {};
  const sizes = d.sizes || {};
  const one = (amount, size) => (!amount ? '0' : `${amount}×${size || '?'}`);
  const parts = [];
  for (const type of Object.keys(next)) {
    const a0 = prev[type] || 0;
    const a1 = next[type] || 0;
    const s0 = prevSizes[type];
    const s1 = sizes[type];
    if (a0 === a1 && (s0 === s1 || (!a0 && !a1))) continue;
    parts.push(`${type} ${one(a0, s0)} → ${one(a1, s1)}`);
  }
  return parts.join(', ');
}

// the server writes this in place of the email of an erased account
const ERASED = 'user account deleted';

/** An email from type_data, or "a deleted account" once erased. */
function emailOf(c) {
  if (!c || !c.email) return 'someone';
  return c.email === ERASED ? 'a deleted account' : c.email;
}

/** A collaborator as people know them: the username, else the email. */
function collabName(c) {
  if (!c) return 'a collaborator';
  if (c.username && c.username !== 'n/a' && c.username !== ERASED) return c.username;
  return c.email ? emailOf(c) : 'a collaborator';
}

function sameAccount(user, c) {
  if (!user || !c) return false;
  if (user.username && c.username && user.username === c.username) return true;
  return !!(user.email && c.email && user.email.toLowerCase() === c.email.toLowerCase());
}

registerEventTypes({
  new_app: (d, ev) => `Created app ${appName(ev)}`,
  delete_app: (d, ev) => `Deleted app ${appName(ev)}`,
  scale: (d, ev) => {
    const change = formationChange(d);
    return change ? `Scaled ${appName(ev)}: ${change}` : `Scaled ${appName(ev)}`;
  },
  restart: (d, ev) => {
    const scope = Array.isArray(d.scope) && d.scope.length ? d.scope.join(', ') : 'all containers';
    return `Restarted ${appName(ev)} (${scope})`;
  },
  new_collaborator: (d, ev) => {
    const c = d.collaborator || {};
    return `Invited ${emailOf(c)} to ${appName(ev)}${c.is_limited ? ' as a limited collaborator' : ''}`;
  },
  accept_collaborator: (d, ev) => {
    const c = d.collaborator || {};
    const inviter = c.inviter && (c.inviter.username || (c.inviter.email && emailOf(c.inviter)));
    return `Joined ${appName(ev)}${c.is_limited ? ' as a limited collaborator' : ''}${inviter ? ` (invited by ${inviter})` : ''}`;
  },
  delete_collaborator: (d, ev) => {
    const c = d.collaborator || {};
    if (sameAccount(ev.user, c)) return `Left ${appName(ev)}`;
    if (c.username === 'n/a') return `Cancelled the invitation of ${emailOf(c)} to ${appName(ev)}`;
    return `Removed ${collabName(c)} from ${appName(ev)}`;
  },
  change_collaborator_role: (d, ev) => {
    const c = d.collaborator || {};
    return c.is_limited
      ? `Made ${collabName(c)} a limited collaborator on ${appName(ev)}`
      : `Gave ${collabName(c)} full collaborator access to ${appName(ev)}`;
  },
});
