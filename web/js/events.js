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
