// view-timeline.js - the account's timeline, 30 events a page, each event
// as a sentence (events.js), with previous/next page buttons.
// Route: #/timeline, or #/timeline/N/ANCHOR (page N of the snapshot whose
// newest event is ANCHOR, so pages don't shift while events arrive).

import { h, heading } from './dom.js';
import { timelinePanel, parseAnchor } from './timeline.js';

const PER_PAGE = 30;

export async function render(root, ctx) {
  const page = Math.max(1, parseInt(ctx.params[0], 10) || 1);
  const anchor = parseAnchor(ctx.params[1]);
  root.append(heading('Timeline'),
    h('p', { class: 'lead', text: 'What happened on your account, most recent first.' }));
  const panel = timelinePanel({
    path: '/v1/events',
    perPage: PER_PAGE,
    selfId: (ctx.user() || {}).id,
    emptyText: 'Nothing happened on your account yet.',
    label: 'Timeline pages',
    go: (p, a) => ctx.navigate(p > 1 && a ? `#/timeline/${p}/${a}` : p > 1 ? `#/timeline/${p}` : '#/timeline'),
  });
  root.append(h('section', { class: 'card', 'aria-label': 'Events' }, panel.el));
  await panel.load(page, anchor);
}
