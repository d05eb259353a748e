// app.js - the dashboard's entry point: session state, the header with the
// account menu, and the hash router (#/section/params...). The sections
// themselves are listed in sections.js.

import { api, setCsrf, setUnauthorizedHandler, ApiError } from './api.js';
import { h, clear, announce } from './dom.js';
import { menuButton } from './menu.js';
import { SECTIONS, PUBLIC_PAGES, DEFAULT_SECTION } from './sections.js';
import { unconfirmedBanner } from './view-unconfirmed.js';

const PRODUCT = 'paasport';

const state = { user: null, session: null, returnTo: null };
const main = document.getElementById('main');
const nav = document.getElementById('site-nav');
const brand = document.getElementById('brand');
let menu = null;
let renderSeq = 0;

// ---- session ----

function setSession(data) {
  state.user = data.user;
  state.session = data.session || null;
  setCsrf(data.csrf_token, data.user && data.user.id);
  renderHeader();
}

function clearSession() {
  state.user = null;
  state.session = null;
  setCsrf(null);
  renderHeader();
}

function updateUser(user) {
  const renamed = !state.user || state.user.username !== user.username;
  state.user = user;
  if (renamed) renderHeader();
}

async function logout() {
  try {
    await api('DELETE', '/v1/session', undefined, { quiet401: true });
  } catch (err) {
    if (!(err instanceof ApiError) || err.status !== 401) {
      announce(err.message, 'error');
      return;
    }
  }
  clearSession();
  announce('You are logged out.', 'success');
  navigate('#/login');
}

setUnauthorizedHandler(() => {
  // a request made with the session cookie was refused: it expired or was revoked
  if (!state.user) return;
  clearSession();
  state.returnTo = location.hash;
  announce('Your session has ended. Please log in again.', 'error');
  redirect('#/login');
});

// ---- header ----

function renderHeader() {
  clear(nav);
  menu = null;
  if (state.user) {
    const items = SECTIONS.map((s) => ({ id: s.route, label: s.label, href: `#/${s.route}` }));
    items.push({ id: 'logout', label: 'Log out', action: logout, separatorBefore: true });
    menu = menuButton(state.user.username, items);
    nav.append(menu.el);
    menu.setCurrent(`#/${parseHash().name}`);
    brand.setAttribute('href', `#/${DEFAULT_SECTION}`);
  } else {
    nav.append(
      h('a', { class: 'nav-link', href: '#/login', text: 'Log in' }),
      h('a', { class: 'nav-link nav-link-primary', href: '#/signup', text: 'Sign up' }),
    );
    brand.setAttribute('href', '#/login');
  }
}

// ---- routing ----

function parseHash() {
  const raw = location.hash.replace(/^#\/?/, '');
  const parts = raw.split('/').filter(Boolean).map((p) => {
    try {
      return decodeURIComponent(p);
    } catch {
      return p;
    }
  });
  return { name: parts[0] || '', params: parts.slice(1) };
}

function navigate(hash) {
  if (location.hash === hash) route();
  else location.hash = hash; // hashchange → route()
}

/** Goes to `hash` without leaving the current one in the history. */
function redirect(hash) {
  history.replaceState(null, '', hash);
  route();
}

const ctxBase = {
  navigate,
  setSession,
  clearSession,
  updateUser,
  user: () => state.user,
  loggedIn: () => !!state.user,
  /** Where to go after logging in or signing up (e.g. an invitation link). */
  setReturnTo: (hash) => {
    state.returnTo = hash || null;
  },
  takeReturnTo: () => {
    const r = state.returnTo;
    state.returnTo = null;
    return r;
  },
};

function notFound(root) {
  root.append(h('section', { class: 'card card-narrow' },
    h('h1', { tabindex: '-1', text: 'Page not found' }),
    h('p', {}, 'There is nothing at this address. ',
      h('a', { href: state.user ? `#/${DEFAULT_SECTION}` : '#/login', text: 'Go to the dashboard' }), '.')));
}

async function route() {
  if (location.hash && !location.hash.startsWith('#/')) return; // an in-page anchor
  const { name, params } = parseHash();
  if (!name) {
    redirect(state.user ? `#/${DEFAULT_SECTION}` : '#/login');
    return;
  }
  const page = PUBLIC_PAGES.find((p) => p.route === name);
  const section = SECTIONS.find((s) => s.route === name);
  if (page && page.guestOnly && state.user) {
    redirect(`#/${DEFAULT_SECTION}`);
    return;
  }
  // a section may open some of its pages without a session (a mailed link)
  if (section && !state.user && !(section.isPublic && section.isPublic(params))) {
    state.returnTo = location.hash;
    redirect('#/login');
    return;
  }
  const def = page || section || { title: 'Page not found', render: notFound };

  const seq = ++renderSeq;
  if (menu) {
    menu.close(false);
    menu.setCurrent(`#/${name}`);
  }
  document.title = `${def.title} · ${PRODUCT}`;
  clear(main);
  // each view draws into its own root: a view left before its data arrived
  // writes into a detached element
  const root = h('div', { class: `view view-${name}` });
  // an unconfirmed address: the banner above every page until it is confirmed
  const banner = unconfirmedBanner(state.user);
  if (banner) main.append(banner);
  main.append(root);
  const ctx = { ...ctxBase, params, isCurrent: () => seq === renderSeq };
  let pending;
  try {
    pending = def.render(root, ctx);
  } catch (err) {
    pending = Promise.reject(err);
  }
  const h1 = root.querySelector('h1');
  if (h1 && !root.contains(document.activeElement)) h1.focus({ preventScroll: false });
  try {
    await pending;
  } catch (err) {
    if (seq !== renderSeq) return;
    if (!(err instanceof ApiError)) throw err;
    if (err.status === 401 && !state.user) return; // the unauthorized handler took over
    const retry = h('button', { type: 'button', class: 'btn', text: 'Try again' });
    retry.addEventListener('click', () => route());
    root.append(h('p', { class: 'notice notice-error', text: `This page could not be loaded: ${err.message}` }), h('p', {}, retry));
  }
}

// ---- start ----

document.getElementById('skip-link').addEventListener('click', (ev) => {
  ev.preventDefault();
  const h1 = main.querySelector('h1');
  (h1 || main).focus();
});

async function boot() {
  try {
    setSession(await api('GET', '/v1/session', undefined, { quiet401: true }));
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    clearSession();
    if (err.status !== 401) announce(err.message, 'error');
  }
  window.addEventListener('hashchange', () => route());
  await route();
}

boot();
