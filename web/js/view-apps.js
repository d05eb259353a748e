// view-apps.js - apps: the list (owned and collaborated) with a create form
// (#/apps), and one app's page (#/apps/NAME): git remote, containers with a
// scale form and Restart, collaborators, the app's timeline and, for the
// owner, a danger zone to delete it.

import { api, ApiError } from './api.js';
import { h, heading, announce, timeEl, newId } from './dom.js';
import { Form } from './forms.js';
import { inlineConfirm } from './confirm.js';
import { timelinePanel } from './timeline.js';

const ROLES = {
  owner: 'Owner',
  collaborator: 'Collaborator',
  limited_collaborator: 'Limited collaborator',
};
const AMOUNT_MAX = 10;
const TYPE_RE = /^[a-z0-9][a-z0-9_-]{0,31}$/;

export function roleLabel(role) {
  return ROLES[role] || String(role || '—');
}

/** Euro cents → "€0.08". */
export function euro(cents) {
  return `€${(Number(cents || 0) / 100).toFixed(2)}`;
}

/** Bytes → "512 MB" / "2 GB". */
export function memory(bytes) {
  const mb = Number(bytes || 0) / (1024 * 1024);
  return mb >= 1024 ? `${mb / 1024} GB` : `${Math.round(mb)} MB`;
}

function appPath(name, rest = '') {
  return `/v1/apps/${encodeURIComponent(name)}${rest}`;
}

let sizesCache = null;
/** The container sizes catalogue, fetched once. */
function containerSizes() {
  if (!sizesCache) {
    sizesCache = api('GET', '/v1/features/container_sizes')
      .then((d) => (d.container_sizes || []).slice().sort((a, b) => a.ordinal - b.ordinal))
      .catch((err) => {
        sizesCache = null;
        throw err;
      });
  }
  return sizesCache;
}

export function render(root, ctx) {
  if (ctx.params[0]) return renderApp(root, ctx, ctx.params[0]);
  return renderList(root, ctx);
}

// ---- the list ----

async function renderList(root, ctx) {
  root.append(heading('Apps'),
    h('p', { class: 'lead', text: 'The apps you own and the ones you collaborate on.' }));
  const listBody = h('div', {}, h('p', { class: 'loading', text: 'Loading your apps…' }));
  const listCard = h('section', { class: 'card', 'aria-labelledby': 'apps-list-h' },
    h('h2', { id: 'apps-list-h', text: 'Your apps' }), listBody);

  const form = new Form({
    submitLabel: 'Create the app',
    busyLabel: 'Creating…',
    label: 'New app',
    className: 'form-inline',
    onSubmit: async (v) => {
      const res = await api('POST', '/v1/apps', { app: { name: v.name.trim() } });
      announce(`The app ${res.app.name} was created.`, 'success');
      ctx.navigate(`#/apps/${encodeURIComponent(res.app.name)}`);
    },
  });
  form.add('name', {
    label: 'App name',
    required: true,
    maxlength: 48,
    autocapitalize: 'none',
    spellcheck: 'false',
    autocomplete: 'off',
    hint: '6 to 48 lowercase letters, digits and hyphens; no hyphen at either end or twice in a row. It names the git remote too.',
  });
  const createCard = h('section', { class: 'card', 'aria-labelledby': 'apps-new-h' },
    h('h2', { id: 'apps-new-h', text: 'New app' }), form.el);
  root.append(listCard, createCard);

  const data = await api('GET', '/v1/apps');
  const apps = (data.apps || []).slice().sort((a, b) => a.name.localeCompare(b.name));
  if (apps.length === 0) {
    listBody.replaceChildren(h('p', { class: 'empty', text: 'You have no apps yet: create one below.' }));
    return;
  }
  listBody.replaceChildren(h('div', { class: 'table-wrap' }, h('table', { class: 'table' },
    h('caption', { class: 'visually-hidden', text: 'Apps' }),
    h('thead', {}, h('tr', {}, ['Name', 'Your role', 'Status', 'Owner'].map((t) => h('th', { scope: 'col', text: t })))),
    h('tbody', {}, apps.map((a) => h('tr', { 'data-app': a.name },
      h('th', { scope: 'row' }, h('a', { href: `#/apps/${encodeURIComponent(a.name)}`, text: a.name })),
      h('td', { text: roleLabel(a.role) }),
      h('td', {}, h('span', { class: `app-status app-status-${a.status}`, text: a.status })),
      h('td', { text: ownerName(a.owner) })))))));
}

function ownerName(owner) {
  if (!owner) return '—';
  return owner.username || owner.email || 'a deleted account';
}

// ---- one app ----

async function renderApp(root, ctx, name) {
  document.title = `${name} · Apps · paasport`;
  root.append(
    h('p', { class: 'breadcrumb' }, h('a', { href: '#/apps', text: '← All apps' })),
    heading(name),
  );
  const body = h('div', {}, h('p', { class: 'loading', text: 'Loading the app…' }));
  root.append(body);

  const [appData, contData, sizes] = await Promise.all([
    api('GET', appPath(name)),
    api('GET', appPath(name, '/containers')),
    containerSizes(),
  ]);
  if (!ctx.isCurrent()) return;
  const app = appData.app;
  const self = ctx.user() || {};
  const isOwner = app.role === 'owner';
  body.replaceChildren();

  // the timeline first: the other cards refresh it after their actions
  const tlHeading = h('h2', { id: 'app-timeline-h', tabindex: '-1', text: 'Timeline' });
  const timeline = timelinePanel({
    path: appPath(app.name, '/events'),
    perPage: 10,
    selfId: self.id,
    showSelf: true,
    emptyText: 'Nothing happened on this app yet.',
    label: 'App timeline pages',
    focusTarget: tlHeading,
  });
  const refreshTimeline = () => timeline.reload().catch((err) => announce(err.message, 'error'));

  body.append(
    summaryCard(app),
    containersCard(app, contData.containers || [], sizes, refreshTimeline),
    await collaboratorsCard(app, ctx, refreshTimeline),
    h('section', { class: 'card', 'aria-labelledby': 'app-timeline-h' }, tlHeading, timeline.el),
    isOwner ? dangerZone(app, ctx) : null,
  );
  await timeline.load(1);
}

function summaryCard(app) {
  return h('section', { class: 'card', 'aria-labelledby': 'app-summary-h' },
    h('h2', { id: 'app-summary-h', text: 'Overview' }),
    h('dl', { class: 'facts' },
      h('dt', { text: 'Git remote' }), h('dd', {}, h('code', { class: 'break', 'data-testid': 'git-url', text: app.git_url })),
      h('dt', { text: 'Status' }), h('dd', {}, h('span', { class: `app-status app-status-${app.status}`, text: app.status })),
      h('dt', { text: 'Owner' }), h('dd', { text: ownerName(app.owner) }),
      h('dt', { text: 'Your role' }), h('dd', { text: roleLabel(app.role) }),
      h('dt', { text: 'Created' }), h('dd', {}, timeEl(app.created_at))),
    h('p', { class: 'hint' }, 'Deploy with ', h('code', { text: `git remote add paasport ${app.git_url}` }), ' then ',
      h('code', { text: 'git push paasport main' }), '.'));
}

// ---- containers ----

function containersCard(app, containers, sizes, refreshTimeline) {
  const canScale = app.role !== 'limited_collaborator';
  const sizeOf = (n) => sizes.find((s) => s.name === n);
  const price = (amount, size) => (sizeOf(size) ? sizeOf(size).hourly_price * amount : 0);
  const card = h('section', { class: 'card', 'aria-labelledby': 'app-containers-h' },
    h('h2', { id: 'app-containers-h', text: 'Containers' }));
  const content = h('div', {});
  card.append(content);

  function totalText(list) {
    const cents = list.reduce((sum, c) => sum + price(c.amount, c.size), 0);
    return `Estimated cost: ${euro(cents)} per hour, about ${euro(cents * 720)} per 30 days (excluding VAT).`;
  }

  function readOnly(list) {
    content.replaceChildren(
      h('p', { class: 'notice', text: 'As a limited collaborator you can see and restart the containers, not scale them.' }),
      h('div', { class: 'table-wrap' }, h('table', { class: 'table containers-table' },
        h('caption', { class: 'visually-hidden', text: 'Containers' }),
        h('thead', {}, h('tr', {}, ['Type', 'Containers', 'Size', 'Cost'].map((t) => h('th', { scope: 'col', text: t })))),
        h('tbody', {}, list.map((c) => h('tr', { 'data-type': c.name },
          h('th', { scope: 'row', text: c.name }),
          h('td', { class: 'num', text: String(c.amount) }),
          h('td', { text: sizeOf(c.size) ? `${c.size} (${memory(sizeOf(c.size).memory)})` : c.size }),
          h('td', { class: 'num', text: `${euro(price(c.amount, c.size))}/h` })))))),
      h('p', { class: 'hint', text: totalText(list) }));
  }

  function editable(list) {
    const rows = [];
    const formError = h('p', { class: 'form-error', id: newId('scale-error'), tabindex: '-1', hidden: true });
    const tbody = h('tbody', {});
    const total = h('p', { class: 'hint scale-total' });
    const addBtn = h('button', { type: 'button', class: 'btn', text: 'Add a container type' });
    const submit = h('button', { type: 'submit', class: 'btn btn-primary', text: 'Scale' });
    const form = h('form', { class: 'form scale-form', novalidate: true, 'aria-label': 'Scale the containers' },
      formError,
      h('div', { class: 'table-wrap' }, h('table', { class: 'table containers-table' },
        h('caption', { class: 'visually-hidden', text: 'Containers: amount and size per type' }),
        h('thead', {}, h('tr', {},
          h('th', { scope: 'col', text: 'Type' }),
          h('th', { scope: 'col', text: 'Containers (0–10)' }),
          h('th', { scope: 'col', text: 'Size' }),
          h('th', { scope: 'col', class: 'num', text: 'Cost' }),
          h('th', { scope: 'col' }, h('span', { class: 'visually-hidden', text: 'Actions' })))),
        tbody)),
      total,
      h('div', { class: 'form-actions form-actions-split' }, addBtn, submit));

    const refreshTotal = () => {
      total.textContent = totalText(rows.map((r) => ({ amount: Number(r.amount.value) || 0, size: r.size.value })));
    };

    function addRow(c, isNew) {
      const base = newId('ct');
      const errorP = h('p', { class: 'field-error', id: `${base}-error` });
      const errorRow = h('tr', { class: 'row-error', hidden: true }, h('td', { colspan: '5' }, errorP));
      const amountLabel = isNew ? 'Number of containers of the new type' : `Number of ${c.name} containers`;
      const sizeLabel = isNew ? 'Size of the containers of the new type' : `Size of ${c.name} containers`;
      const typeInput = isNew ? h('input', {
        id: `${base}-type`, type: 'text', class: 'input-type', maxlength: '32', autocomplete: 'off',
        autocapitalize: 'none', spellcheck: 'false', placeholder: 'e.g. worker',
      }) : null;
      const amount = h('input', {
        id: `${base}-amount`, type: 'number', class: 'input-amount', min: '0', max: String(AMOUNT_MAX), step: '1',
        inputmode: 'numeric', value: String(c.amount),
      });
      const size = h('select', { id: `${base}-size`, class: 'input-size' },
        sizes.map((s) => h('option', { value: s.name, text: `${s.name} · ${memory(s.memory)} · ${euro(s.hourly_price)}/h` })));
      size.value = sizeOf(c.size) ? c.size : 'M';
      const cost = h('td', { class: 'num cost' });
      const updateCost = () => {
        cost.textContent = `${euro(price(Number(amount.value) || 0, size.value))}/h`;
        refreshTotal();
      };
      amount.addEventListener('input', updateCost);
      size.addEventListener('change', updateCost);
      let removeBtn = null;
      const tr = h('tr', { 'data-type': isNew ? '' : c.name },
        h('th', { scope: 'row' }, isNew
          ? [h('label', { for: typeInput.id, class: 'visually-hidden', text: 'Name of the new container type' }), typeInput]
          : c.name),
        h('td', {},
          h('label', { for: amount.id, class: 'visually-hidden', text: amountLabel }), amount),
        h('td', {},
          h('label', { for: size.id, class: 'visually-hidden', text: sizeLabel }), size),
        cost,
        h('td', { class: 'actions' }, isNew ? (removeBtn = h('button', {
          type: 'button', class: 'btn btn-small', text: 'Remove', 'aria-label': 'Remove the new container type',
        })) : null));
      const row = { c, isNew, tr, errorRow, errorP, typeInput, amount, size };
      if (removeBtn) {
        removeBtn.addEventListener('click', () => {
          clearErrors();
          tr.remove();
          errorRow.remove();
          rows.splice(rows.indexOf(row), 1);
          addBtn.hidden = false;
          refreshTotal();
          addBtn.focus();
        });
      }
      row.typeName = () => (isNew ? typeInput.value.trim() : c.name);
      tbody.append(tr, errorRow);
      rows.push(row);
      updateCost();
      return row;
    }

    function clearErrors() {
      formError.hidden = true;
      formError.textContent = '';
      for (const r of rows) {
        r.errorRow.hidden = true;
        r.errorP.textContent = '';
        for (const el of [r.typeInput, r.amount, r.size]) {
          if (!el) continue;
          el.removeAttribute('aria-invalid');
          el.removeAttribute('aria-describedby');
        }
      }
    }

    function rowError(r, msgs) {
      const list = Array.isArray(msgs) ? msgs : [String(msgs)];
      const text = list.map((m) => m.charAt(0).toUpperCase() + m.slice(1)).join('. ');
      r.errorP.textContent = `${r.typeName() || 'New type'}: ${text}${/[.!?]$/.test(text) ? '' : '.'}`;
      r.errorRow.hidden = false;
      for (const el of [r.typeInput, r.amount, r.size]) {
        if (!el) continue;
        el.setAttribute('aria-invalid', 'true');
        el.setAttribute('aria-describedby', r.errorP.id);
      }
    }

    /** errors: {"containers.web": [...], "containers": [...]}. */
    function showErrors(errors, message) {
      const other = [];
      for (const [key, msgs] of Object.entries(errors)) {
        const type = key.startsWith('containers.') ? key.slice('containers.'.length) : null;
        const r = type !== null ? rows.find((x) => x.typeName() === type) : null;
        if (r) rowError(r, msgs);
        else other.push(...(Array.isArray(msgs) ? msgs : [String(msgs)]));
      }
      const firstRow = rows.find((r) => !r.errorRow.hidden);
      const lines = [firstRow ? message : null, ...other.map((m) => `${m.charAt(0).toUpperCase()}${m.slice(1)}${/[.!?]$/.test(m) ? '' : '.'}`)].filter(Boolean);
      if (lines.length) {
        formError.textContent = lines.join(' ');
        formError.hidden = false;
      }
      if (firstRow) (firstRow.isNew ? firstRow.typeInput : firstRow.amount).focus();
      else formError.focus();
    }

    function validate() {
      const errors = new Map();
      const seen = new Set();
      for (const r of rows) {
        const msgs = [];
        const t = r.typeName();
        if (r.isNew) {
          if (!t) msgs.push('the type needs a name');
          else if (!TYPE_RE.test(t)) msgs.push("type names use lowercase letters, digits, '-' and '_' (up to 32)");
          else if (seen.has(t)) msgs.push('this type already exists');
        }
        seen.add(t);
        const n = r.amount.value.trim();
        if (!/^\d+$/.test(n) || Number(n) > AMOUNT_MAX) msgs.push(`the amount must be a whole number from 0 to ${AMOUNT_MAX}`);
        if (msgs.length) errors.set(r, msgs);
      }
      return errors;
    }

    for (const c of list) addRow(c, false);
    refreshTotal();

    addBtn.addEventListener('click', () => {
      const r = addRow({ name: '', amount: 1, size: 'M' }, true);
      addBtn.hidden = true;
      r.typeInput.focus();
    });

    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      clearErrors();
      const invalid = validate();
      if (invalid.size) {
        for (const [r, msgs] of invalid) rowError(r, msgs);
        showErrors({}, 'Please correct the errors below.');
        return;
      }
      const wanted = rows.map((r) => ({ name: r.typeName(), amount: Number(r.amount.value), size: r.size.value }));
      const changed = wanted.filter((w) => {
        const before = list.find((c) => c.name === w.name);
        return !before || before.amount !== w.amount || before.size !== w.size;
      });
      if (changed.length === 0) {
        announce('Nothing to scale: no amount or size was changed.');
        return;
      }
      submit.disabled = true;
      form.setAttribute('aria-busy', 'true');
      submit.textContent = 'Scaling…';
      try {
        const res = await api('POST', appPath(app.name, '/scale'), { containers: changed });
        const now = res.containers || [];
        show(now);
        announce(`Scaled ${app.name}: ${now.map((c) => `${c.name} ${c.amount}×${c.size}`).join(', ')}.`, 'success');
        refreshTimeline();
      } catch (err) {
        if (!(err instanceof ApiError)) throw err;
        if (err.status === 422 && Object.keys(err.fieldErrors).length) showErrors(err.fieldErrors, 'Please correct the errors below.');
        else {
          formError.textContent = err.message;
          formError.hidden = false;
          formError.focus();
        }
      } finally {
        if (form.isConnected) {
          submit.disabled = false;
          form.removeAttribute('aria-busy');
          submit.textContent = 'Scale';
        }
      }
    });
    content.replaceChildren(form);
  }

  function show(list) {
    if (canScale) editable(list);
    else readOnly(list);
  }
  show(containers);

  // restart: every role may
  const restartBtn = h('button', { type: 'button', class: 'btn', text: 'Restart all containers' });
  const restart = inlineConfirm(restartBtn, {
    question: `Restart all containers of ${app.name}?`,
    confirmLabel: 'Yes, restart',
    danger: false,
    action: async () => {
      await api('POST', appPath(app.name, '/restart'), {});
      restart.replaceChildren(restartBtn);
      restartBtn.focus();
      announce(`A restart of all containers of ${app.name} was requested.`, 'success');
      refreshTimeline();
    },
  });
  card.append(h('div', { class: 'restart-row' },
    h('p', { class: 'hint', text: 'A restart replaces every running container with a fresh one.' }),
    restart));
  return card;
}

// ---- collaborators ----

function collabName(c) {
  if (c.username && c.username !== 'n/a' && c.username !== 'user account deleted') return c.username;
  return c.email || 'a deleted account';
}

const STATUS = {
  owner: 'Owner',
  pending: 'Invitation pending',
  accepted: 'Accepted',
  'user account deleted': 'Account deleted',
};

async function collaboratorsCard(app, ctx, refreshTimeline) {
  const isOwner = app.role === 'owner';
  const self = ctx.user() || {};
  const listHeading = h('h2', { id: 'app-collab-h', tabindex: '-1', text: 'Collaborators' });
  const listBody = h('div', {});
  const leaveSlot = h('div', {});
  const card = h('section', { class: 'card', 'aria-labelledby': 'app-collab-h' },
    listHeading,
    h('p', { class: 'hint', text: 'Collaborators can do everything but delete the app and manage collaborators. Limited collaborators can only see the app and restart it. Only the owner is billed.' }),
    listBody, leaveSlot);

  function row(c) {
    const who = collabName(c);
    const showEmail = c.email && who !== c.email;
    const role = c.status === 'owner' ? 'Owner' : c.is_limited ? 'Limited' : 'Full';
    const actions = [];
    if (isOwner && c.status !== 'owner') {
      const erased = c.status === 'user account deleted';
      const toggle = h('button', {
        type: 'button',
        class: 'btn btn-small',
        text: c.is_limited ? 'Give full access' : 'Make limited',
        'aria-label': c.is_limited ? `Give ${who} full access` : `Make ${who} a limited collaborator`,
      });
      toggle.addEventListener('click', async () => {
        toggle.disabled = true;
        try {
          await api('PATCH', appPath(app.name, `/collaborators/${encodeURIComponent(c.id)}`), { collaborator: { is_limited: !c.is_limited } });
          await load();
          announce(c.is_limited ? `${who} now has full access.` : `${who} is now a limited collaborator.`, 'success');
          listHeading.focus();
          refreshTimeline();
        } catch (err) {
          toggle.disabled = false;
          announce(err.message, 'error');
        }
      });
      const pending = c.status === 'pending';
      const removeBtn = h('button', {
        type: 'button',
        class: 'btn btn-small btn-danger-outline',
        text: pending ? 'Cancel invitation' : 'Remove',
        'aria-label': pending ? `Cancel the invitation of ${who}` : `Remove ${who}`,
      });
      actions.push(erased ? null : toggle, inlineConfirm(removeBtn, {
        question: pending ? `Cancel the invitation of ${who}?` : `Remove ${who} from ${app.name}?`,
        confirmLabel: pending ? 'Yes, cancel it' : 'Yes, remove',
        action: async () => {
          await api('DELETE', appPath(app.name, `/collaborators/${encodeURIComponent(c.id)}`));
          await load();
          announce(pending ? `The invitation of ${who} was cancelled.` : `${who} was removed from ${app.name}.`, 'success');
          listHeading.focus();
          refreshTimeline();
        },
      }));
    }
    return h('tr', { 'data-collaborator': c.email || c.id },
      h('th', { scope: 'row' }, h('span', { text: who }),
        c.user_id && c.user_id === self.id ? h('span', { class: 'badge', text: 'you' }) : null,
        showEmail ? h('span', { class: 'sub muted', text: c.email }) : null),
      h('td', {}, h('span', { text: STATUS[c.status] || c.status }),
        c.status === 'pending' && c.expires_at ? h('span', { class: 'sub muted' }, 'expires ', timeEl(c.expires_at)) : null),
      h('td', { text: role }),
      h('td', { class: 'actions' }, h('div', { class: 'actions-inner' }, actions)));
  }

  async function load() {
    const data = await api('GET', appPath(app.name, '/collaborators'));
    const list = data.collaborators || [];
    listBody.replaceChildren(h('div', { class: 'table-wrap' }, h('table', { class: 'table collaborators-table' },
      h('caption', { class: 'visually-hidden', text: 'Collaborators' }),
      h('thead', {}, h('tr', {},
        ['Person', 'Status', 'Access'].map((t) => h('th', { scope: 'col', text: t })),
        h('th', { scope: 'col', class: 'actions-h' }, h('span', { class: isOwner ? undefined : 'visually-hidden', text: 'Actions' })))),
      h('tbody', {}, list.map(row)))));
    // a collaborator may leave
    const mine = !isOwner && list.find((c) => c.user_id && c.user_id === self.id && c.status !== 'owner');
    leaveSlot.replaceChildren();
    if (mine) {
      const leaveBtn = h('button', { type: 'button', class: 'btn btn-danger-outline', text: 'Leave this app' });
      leaveSlot.append(h('div', { class: 'leave-row' },
        h('p', { text: `You collaborate on ${app.name} as a ${mine.is_limited ? 'limited' : 'full'} collaborator.` }),
        inlineConfirm(leaveBtn, {
          question: `Leave ${app.name}? You need a new invitation to come back.`,
          confirmLabel: 'Yes, leave',
          action: async () => {
            await api('DELETE', appPath(app.name, `/collaborators/${encodeURIComponent(mine.id)}`));
            announce(`You left ${app.name}.`, 'success');
            ctx.navigate('#/apps');
          },
        })));
    }
  }

  if (isOwner) {
    const form = new Form({
      submitLabel: 'Send the invitation',
      busyLabel: 'Sending…',
      label: 'Invite a collaborator',
      className: 'form-inline',
      onSubmit: async (v, f) => {
        const email = v.email.trim();
        await api('POST', appPath(app.name, '/collaborators'), { collaborator: { email, is_limited: v.is_limited } });
        f.input('email').value = '';
        f.input('is_limited').checked = false;
        await load();
        announce(`An invitation to ${app.name} was mailed to ${email}.`, 'success');
        refreshTimeline();
      },
    });
    form.add('email', { label: 'Email', type: 'email', required: true, autocomplete: 'off', autocapitalize: 'none', spellcheck: 'false', hint: 'We mail them a link; they accept it logged in with any account.' });
    form.add('is_limited', { label: 'Limited collaborator (can only see the app and restart it)', type: 'checkbox' });
    card.append(h('h3', { id: 'app-invite-h', text: 'Invite a collaborator' }), form.el);
  }

  await load();
  return card;
}

// ---- danger zone ----

function dangerZone(app, ctx) {
  const form = new Form({
    submitLabel: 'Delete this app',
    busyLabel: 'Deleting…',
    label: 'Delete this app',
    validate: (v) => (v.current_name !== app.name ? { current_name: ['does not match the app name'] } : null),
    onSubmit: async (v) => {
      await api('DELETE', `${appPath(app.name)}?current_name=${encodeURIComponent(v.current_name)}`);
      announce(`The app ${app.name} was deleted.`, 'success');
      ctx.navigate('#/apps');
    },
  });
  form.add('current_name', {
    label: `Type ${app.name} to confirm`,
    autocomplete: 'off',
    autocapitalize: 'none',
    spellcheck: 'false',
    maxlength: 48,
  });
  form.submit.className = 'btn btn-danger';
  const input = form.input('current_name');
  const sync = () => {
    form.submit.disabled = input.value !== app.name;
  };
  input.addEventListener('input', sync);
  // Form re-enables its button after a request: check the name again
  new MutationObserver(() => {
    if (!form.submit.disabled && input.value !== app.name) form.submit.disabled = true;
  }).observe(form.submit, { attributes: true, attributeFilter: ['disabled'] });
  sync();
  return h('section', { class: 'card danger-zone', 'aria-labelledby': 'app-danger-h' },
    h('h2', { id: 'app-danger-h', text: 'Danger zone' }),
    h('p', { text: `Deleting ${app.name} stops its containers, removes its git repository and its collaborators. It cannot be undone. Billing stops at once; usage so far is still invoiced.` }),
    form.el);
}
