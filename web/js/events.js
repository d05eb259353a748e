// events.js - timeline events as readable sentences. The sentences are the
// server's: GET /v1/event_types gives each type's template (fetched once,
// then cached); this file only renders them. The template language
// (docs/api.md "Events"): text; {app} the event's app name; {a.b} type_data's
// value at a dotted path; {@name} a computed part (below, named by the
// server's catalogue); {?x} a test that x has a value, printing nothing;
// [one|two] the first alternative whose placeholders all have a value.
//
// The result is a plain string: it is always inserted with textContent, so
// names chosen by users can't become markup.

import { api } from './api.js';

let templates = null; // type → template, once fetched
let pending = null;

/** Fetches the catalogue once; later calls answer the cached one. */
export function loadEventTypes() {
  if (templates) return Promise.resolve(templates);
  if (!pending) {
    pending = api('GET', '/v1/event_types').then((data) => {
      const map = new Map();
      for (const t of (data && data.event_types) || []) {
        if (t && typeof t.name === 'string' && typeof t.template === 'string') map.set(t.name, t.template);
      }
      templates = map;
      return map;
    }).finally(() => { pending = null; });
  }
  return pending;
}

/** The sentence for one event; an unknown type shows its name. */
export function describeEvent(ev) {
  const template = templates && templates.get(ev.type);
  let text;
  try {
    text = template ? renderTemplate(template, ev) : null;
  } catch {
    text = null;
  }
  if (!text) text = String(ev.type || 'event');
  // events about an app name it, unless the sentence already does
  if (ev.app_name && !text.includes(ev.app_name)) text = `${text} (app ${ev.app_name})`;
  return text;
}

/** Renders a template for an event (see the top of this file). */
export function renderTemplate(template, ev) {
  let out = '';
  for (let i = 0; i < template.length;) {
    if (template[i] === '[') {
      const end = template.indexOf(']', i);
      if (end < 0) {
        out += renderText(template.slice(i), ev, false);
        break;
      }
      for (const alt of template.slice(i + 1, end).split('|')) {
        const s = renderText(alt, ev, true);
        if (s !== null) {
          out += s;
          break;
        }
      }
      i = end + 1;
    } else {
      const next = template.indexOf('[', i);
      const end = next < 0 ? template.length : next;
      out += renderText(template.slice(i, end), ev, false);
      i = end;
    }
  }
  return out;
}

/** Text with placeholders; strict: null as soon as one has no value. */
function renderText(text, ev, strict) {
  let out = '';
  for (let i = 0; i < text.length;) {
    const end = text[i] === '{' ? text.indexOf('}', i) : -1;
    if (end < 0) {
      out += text[i++];
      continue;
    }
    let key = text.slice(i + 1, end);
    const test = key.startsWith('?');
    if (test) key = key.slice(1);
    const v = valueOf(key, ev);
    if (v === null && strict) return null;
    if (!test && v !== null) out += v;
    i = end + 1;
  }
  return out;
}

const own = (o, k) => Object.prototype.hasOwnProperty.call(o, k);

function eventData(ev) {
  return ev.type_data && typeof ev.type_data === 'object' ? ev.type_data : {};
}

/** A placeholder's text, or null when it has no value. */
function valueOf(key, ev) {
  if (key === 'app') return typeof ev.app_name === 'string' && ev.app_name ? ev.app_name : null;
  const data = eventData(ev);
  if (key.startsWith('@')) {
    const fn = own(computed, key.slice(1)) ? computed[key.slice(1)] : null;
    const v = fn ? fn(data, ev) : null;
    return v ? String(v) : null;
  }
  let v = data;
  for (const part of key.split('.')) {
    v = v && typeof v === 'object' && !Array.isArray(v) && own(v, part) ? v[part] : undefined;
  }
  return textOf(v);
}

function textOf(v) {
  if (typeof v === 'string') return v === '' ? null : v;
  if (typeof v === 'number') return String(v);
  if (v === true) return 'yes';
  if (Array.isArray(v)) {
    const parts = v.map(textOf).filter((s) => s !== null);
    return parts.length ? parts.join(', ') : null;
  }
  return null;
}

// ---- the computed parts {@name} (the server's catalogue names them) ----

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

/** "full name, company": edit_profile's fields as words. */
export function fieldList(fields) {
  if (!Array.isArray(fields) || fields.length === 0) return '';
  return fields.map((f) => FIELD_NAMES[f] || String(f).replace(/_/g, ' ')).join(', ');
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

// the server writes this in place of the email or username of an erased account
const ERASED = 'user account deleted';

/** An email from type_data, or "a deleted account" once erased. */
function emailOf(c) {
  if (!c || typeof c.email !== 'string' || !c.email) return null;
  return c.email === ERASED ? 'a deleted account' : c.email;
}

/** A person as people know them: the username, else the email. */
function personName(c) {
  if (!c || typeof c !== 'object') return null;
  if (typeof c.username === 'string' && c.username && c.username !== 'n/a' && c.username !== ERASED) return c.username;
  return emailOf(c) || (c.username === ERASED ? 'a deleted account' : null);
}

function collaborator(d) {
  return d.collaborator && typeof d.collaborator === 'object' ? d.collaborator : null;
}

function sameAccount(user, c) {
  if (!user || !c) return false;
  if (user.username && c.username && user.username === c.username) return true;
  return !!(typeof user.email === 'string' && typeof c.email === 'string' && user.email && c.email &&
    user.email.toLowerCase() === c.email.toLowerCase());
}

const computed = {
  fields: (d) => fieldList(d.fields),
  formation: (d) => formationChange(d),
  collaborator: (d) => personName(collaborator(d)),
  collaborator_email: (d) => emailOf(collaborator(d)),
  inviter: (d) => personName(collaborator(d) && collaborator(d).inviter),
  self: (d, ev) => (sameAccount(ev.user, collaborator(d)) ? 'yes' : null),
  pending: (d) => (collaborator(d) && collaborator(d).username === 'n/a' ? 'yes' : null),
};
