// timeline.js - a paginated list of events as sentences (events.js, from the
// server's catalogue), shared by the account's timeline and each app's.
// Pages are stable: the first page answers meta.pagination.anchor (the newest
// event it saw); later pages pass it back as ?anchor= so new events don't
// shift them; page 1 drops it.

import { api } from './api.js';
import { h, timeEl, announce } from './dom.js';
import { describeEvent, loadEventTypes } from './events.js';

/** Who did it: the username, the email, or "a deleted account". */
export function actorName(user) {
  if (!user || !user.id) return null;
  return user.username || user.email || 'a deleted account';
}

/** The <ol> of events. selfId: the viewer; showSelf: name the viewer "You". */
export function eventList(events, { selfId, showSelf = false } = {}) {
  return h('ol', { class: 'timeline' }, events.map((ev) => {
    let who = null;
    if (ev.user && ev.user.id) {
      if (ev.user.id !== selfId) who = actorName(ev.user);
      else if (showSelf) who = 'You';
    }
    return h('li', { class: 'event', 'data-type': ev.type },
      h('span', { class: 'event-time' }, timeEl(ev.created_at)),
      h('span', { class: 'event-text' },
        who ? h('strong', { class: 'event-actor', text: `${who}: ` }) : null,
        describeEvent(ev)));
  }));
}

/** Keeps only digits: an anchor comes from the URL. */
export function parseAnchor(s) {
  return /^\d{1,18}$/.test(String(s || '')) ? String(s) : null;
}

/**
 * A timeline panel. opts: path ("/v1/events"), perPage, selfId, showSelf,
 * emptyText, label (for the pager), go(page, anchor) to change pages
 * elsewhere (e.g. in the URL; default: in place), focusTarget (focused after
 * an in-place page change). Returns {el, load(page, anchor), reload()}.
 */
export function timelinePanel(opts) {
  const el = h('div', { class: 'timeline-panel' }, h('p', { class: 'loading', text: 'Loading the timeline…' }));
  let current = { page: 1, anchor: null };

  async function load(page = 1, anchor = null, { inPlace = false } = {}) {
    const q = new URLSearchParams({ page: String(page), per_page: String(opts.perPage || 30) });
    if (page > 1 && anchor) q.set('anchor', anchor);
    // the sentences come from the server's catalogue (fetched once); without
    // it, events show their type
    const [data] = await Promise.all([api('GET', `${opts.path}?${q}`), loadEventTypes().catch(() => null)]);
    const events = data.events || [];
    const pg = (data.meta && data.meta.pagination) || {};
    const newAnchor = pg.anchor !== undefined && pg.anchor !== null ? String(pg.anchor) : anchor;
    current = { page: pg.current_page || page, anchor: newAnchor };
    const children = [];
    if (events.length === 0) {
      children.push(h('p', { class: 'empty', text: page > 1 ? 'There are no events on this page.' : opts.emptyText }));
    } else {
      children.push(eventList(events, { selfId: opts.selfId, showSelf: opts.showSelf }));
    }
    const total = pg.total_pages || 1;
    const prev = h('button', { type: 'button', class: 'btn', text: '← Newer', disabled: !pg.prev_page });
    const next = h('button', { type: 'button', class: 'btn', text: 'Older →', disabled: !pg.next_page });
    const go = (p, a) => {
      if (opts.go) {
        opts.go(p, a);
        return;
      }
      load(p, a, { inPlace: true }).catch((err) => announce(err.message, 'error'));
    };
    // back to page 1: a fresh anchor, so the newest events show
    prev.addEventListener('click', () => go(pg.prev_page, pg.prev_page > 1 ? newAnchor : null));
    next.addEventListener('click', () => go(pg.next_page, newAnchor));
    const count = pg.total_count !== undefined ? ` · ${pg.total_count} event${pg.total_count === 1 ? '' : 's'}` : '';
    children.push(h('nav', { class: 'pager', 'aria-label': opts.label || 'Timeline pages' },
      prev,
      h('span', { class: 'pager-info', text: `Page ${current.page} of ${total}${count}` }),
      next));
    el.replaceChildren(...children);
    if (inPlace) {
      if (opts.focusTarget) opts.focusTarget.focus();
      announce(`Page ${current.page} of ${total}.`);
    }
  }

  return {
    el,
    load,
    /** Page 1 again, e.g. after an action that added an event. */
    reload: () => load(1, null),
  };
}
