// dom.js - small DOM helpers. Text always goes in through textContent, never
// innerHTML, so user data can't become markup.

let uid = 0;

/** A fresh id for linking labels, errors and hints. */
export function newId(prefix) {
  uid += 1;
  return `${prefix}-${uid}`;
}

/**
 * h('p', {class: 'x', 'aria-live': 'polite'}, 'text', child, ...)
 * Attributes: `class`, `text` (textContent), `on` ({event: handler}),
 * `hidden`/`disabled`/... (booleans), anything else via setAttribute.
 */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') el.className = v;
    else if (k === 'text') el.textContent = v;
    else if (k === 'on') for (const [ev, fn] of Object.entries(v)) el.addEventListener(ev, fn);
    else if (k === 'value') el.value = v;
    else if (k === 'checked') el.checked = !!v;
    else if (v === true) el.setAttribute(k, '');
    else el.setAttribute(k, String(v));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children) {
    if (c === undefined || c === null || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else if (c instanceof Node) el.appendChild(c);
    else el.appendChild(document.createTextNode(String(c)));
  }
}

export function clear(el) {
  while (el.firstChild) el.removeChild(el.firstChild);
}

/** Status messages for screen readers and sighted users (the aria-live region). */
let statusTimer = null;
export function announce(msg, kind = 'info') {
  const s = document.getElementById('status');
  if (!s) return;
  clearTimeout(statusTimer);
  s.textContent = '';
  s.className = `status status-${kind}`;
  // a new text node after clearing makes screen readers read repeated messages
  requestAnimationFrame(() => {
    s.textContent = msg;
    s.classList.add('visible');
  });
  statusTimer = setTimeout(() => {
    s.classList.remove('visible');
  }, 8000);
}

export function clearStatus() {
  const s = document.getElementById('status');
  if (!s) return;
  clearTimeout(statusTimer);
  s.textContent = '';
  s.classList.remove('visible');
}

/** "2026-11-28T09:20:31.123Z" → a <time> element in the reader's locale. */
export function timeEl(iso, empty = '—') {
  if (!iso) return h('span', { class: 'muted', text: empty });
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return h('span', { text: iso });
  return h('time', { datetime: iso, title: iso, text: d.toLocaleString() });
}

/** A page heading that receives focus when the view opens. */
export function heading(text, level = 1) {
  return h(`h${level}`, { tabindex: level === 1 ? '-1' : undefined, text });
}
