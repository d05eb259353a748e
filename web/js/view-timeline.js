// view-timeline.js - the account's timeline, 30 events a page, each event
// as a sentence (events.js), with previous/next page buttons.
// Route: #/timeline or #/timeline/N (page N).

import { api } from './api.js';
import { h, heading, timeEl } from './dom.js';
import { describeEvent } from './events.js';

const PER_PAGE = 30;

export async function render(root, ctx) {
  const page = Math.max(1, parseInt(ctx.params[0], 10) || 1);
  root.append(heading('Timeline'),
    h('p', { class: 'lead', text: 'What happened on your account, most recent first.' }));
  const card = h('section', { class: 'card', 'aria-label': 'Events' },
    h('p', { class: 'loading', text: 'Loading the timeline…' }));
  root.append(card);

  const data = await api('GET', `/v1/events?page=${page}&per_page=${PER_PAGE}`);
  const events = data.events || [];
  const pg = (data.meta && data.meta.pagination) || {};
  card.replaceChildren();
  if (events.length === 0) {
    card.append(h('p', { class: 'empty', text: page > 1 ? 'There are no events on this page.' : 'Nothing happened on your account yet.' }));
  } else {
    const self = ctx.user() || {};
    card.append(h('ol', { class: 'timeline' }, events.map((ev) => {
      const who = ev.user && ev.user.id && ev.user.id !== self.id ? (ev.user.username || ev.user.email) : null;
      return h('li', { class: 'event', 'data-type': ev.type },
        h('span', { class: 'event-time' }, timeEl(ev.created_at)),
        h('span', { class: 'event-text' },
          who ? h('strong', { class: 'event-actor', text: `${who}: ` }) : null,
          describeEvent(ev)));
    })));
  }

  const total = pg.total_pages || 1;
  const current = pg.current_page || page;
  const prev = h('button', { type: 'button', class: 'btn', text: '← Newer', disabled: !pg.prev_page });
  const next = h('button', { type: 'button', class: 'btn', text: 'Older →', disabled: !pg.next_page });
  prev.addEventListener('click', () => ctx.navigate(pg.prev_page > 1 ? `#/timeline/${pg.prev_page}` : '#/timeline'));
  next.addEventListener('click', () => ctx.navigate(`#/timeline/${pg.next_page}`));
  card.append(h('nav', { class: 'pager', 'aria-label': 'Timeline pages' },
    prev,
    h('span', { class: 'pager-info', text: `Page ${current} of ${total}${pg.total_count !== undefined ? ` · ${pg.total_count} event${pg.total_count === 1 ? '' : 's'}` : ''}` }),
    next));
}
