// view-sessions.js - the user's browser sessions; revoke any of them
// (revoking the current one logs out).

import { api } from './api.js';
import { h, heading, announce, timeEl } from './dom.js';
import { inlineConfirm } from './confirm.js';

/** "Mozilla/5.0 (X11; Linux x86_64) ... Chrome/131.0 ..." → "Chrome on Linux". */
export function describeAgent(ua) {
  if (!ua) return 'Unknown browser';
  const browser = /Edg\//.test(ua) ? 'Edge'
    : /OPR\//.test(ua) ? 'Opera'
      : /Firefox\//.test(ua) ? 'Firefox'
        : /HeadlessChrome\//.test(ua) ? 'Headless Chrome'
          : /Chrom(e|ium)\//.test(ua) ? 'Chrome'
            : /Safari\//.test(ua) ? 'Safari'
              : /curl\//.test(ua) ? 'curl' : null;
  const os = /Windows/.test(ua) ? 'Windows'
    : /Android/.test(ua) ? 'Android'
      : /iPhone|iPad/.test(ua) ? 'iOS'
        : /Mac OS X/.test(ua) ? 'macOS'
          : /Linux/.test(ua) ? 'Linux' : null;
  if (!browser) return ua.length > 60 ? `${ua.slice(0, 57)}…` : ua;
  return os ? `${browser} on ${os}` : browser;
}

export async function render(root, ctx) {
  root.append(heading('Sessions'),
    h('p', { class: 'lead', text: 'Every browser where you are logged in. Revoke the ones you do not recognize, then change your password.' }));
  const card = sessionsCard(ctx);
  root.append(card.el);
  await card.load();
}

/** The card listing the sessions with their revoke buttons (also on the Security page). */
export function sessionsCard(ctx) {
  const listHeading = h('h2', { id: 'sessions-h', tabindex: '-1', text: 'Where you are logged in' });
  const body = h('div', {}, h('p', { class: 'loading', text: 'Loading your sessions…' }));
  const el = h('section', { class: 'card', 'aria-labelledby': 'sessions-h' }, listHeading, body);

  function row(s) {
    const device = describeAgent(s.user_agent);
    const btn = h('button', {
      type: 'button',
      class: 'btn btn-small btn-danger-outline',
      text: s.current ? 'Log out' : 'Revoke',
      'aria-label': s.current ? 'Log out of this session' : `Revoke the session of ${device} from ${s.remote_ip}`,
    });
    const action = inlineConfirm(btn, {
      question: s.current ? 'This is the session you are using: log out?' : `Revoke this session (${device})?`,
      confirmLabel: s.current ? 'Yes, log out' : 'Yes, revoke',
      action: async () => {
        await api('DELETE', `/v1/sessions/${encodeURIComponent(s.id)}`);
        if (s.current) {
          ctx.clearSession();
          announce('This session was revoked: you are logged out.', 'success');
          ctx.navigate('#/login');
          return;
        }
        await load();
        announce('The session was revoked.', 'success');
        listHeading.focus();
      },
    });
    return h('tr', { class: s.current ? 'current' : undefined },
      h('th', { scope: 'row' },
        h('span', { title: s.user_agent || '', text: device }),
        s.current ? h('span', { class: 'badge', text: 'this browser' }) : null),
      h('td', { text: s.remote_ip || '—' }),
      h('td', {}, timeEl(s.created_at)),
      h('td', {}, timeEl(s.last_seen_at)),
      h('td', {}, timeEl(s.expires_at)),
      h('td', { class: 'actions' }, h('div', { class: 'actions-inner' }, action)));
  }

  async function load() {
    const data = await api('GET', '/v1/sessions');
    const sessions = data.sessions || [];
    if (sessions.length === 0) {
      body.replaceChildren(h('p', { class: 'empty', text: 'No active session.' }));
      return;
    }
    body.replaceChildren(h('div', { class: 'table-wrap' }, h('table', { class: 'table' },
      h('caption', { class: 'visually-hidden', text: 'Browser sessions' }),
      h('thead', {}, h('tr', {},
        ['Browser', 'IP address', 'Logged in', 'Last seen', 'Expires', 'Actions'].map((t) => h('th', { scope: 'col', text: t })))),
      h('tbody', {}, sessions.map(row)))));
  }

  return { el, load };
}
