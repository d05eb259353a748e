// menu.js - the account menu at the top right: a button that opens a list of
// links (ARIA menu button pattern). Keyboard: Enter/Space/ArrowDown open it
// on the first item, ArrowUp on the last; arrows, Home and End move; Escape
// closes and returns to the button; Tab closes.

import { h, newId } from './dom.js';

/**
 * items: [{label, href} | {label, action}]; returns {el, close, setCurrent(href)}.
 */
export function menuButton(buttonLabel, items) {
  const menuId = newId('menu');
  const button = h('button', {
    type: 'button',
    class: 'menu-button',
    'aria-haspopup': 'true',
    'aria-expanded': 'false',
    'aria-controls': menuId,
  }, h('span', { class: 'menu-button-label', text: buttonLabel }), h('span', { class: 'caret', 'aria-hidden': 'true' }));
  const list = h('ul', { class: 'menu-list', id: menuId, role: 'menu', 'aria-label': 'Account menu', hidden: true });
  const links = items.map((item) => {
    const a = h('a', {
      role: 'menuitem',
      href: item.href || '#',
      tabindex: '-1',
      class: item.action ? 'menu-item menu-item-action' : 'menu-item',
      text: item.label,
      'data-id': item.id,
    });
    a.addEventListener('click', (ev) => {
      close(false);
      if (item.action) {
        ev.preventDefault();
        item.action();
      }
    });
    list.appendChild(h('li', { role: 'none', class: item.separatorBefore ? 'separator' : undefined }, a));
    return a;
  });
  const wrap = h('div', { class: 'menu' }, button, list);

  function isOpen() {
    return !list.hidden;
  }

  function open(focusIndex) {
    list.hidden = false;
    button.setAttribute('aria-expanded', 'true');
    const i = focusIndex < 0 ? links.length + focusIndex : focusIndex;
    if (links[i]) links[i].focus();
    document.addEventListener('pointerdown', onOutside, true);
  }

  function close(returnFocus) {
    if (!isOpen()) return;
    list.hidden = true;
    button.setAttribute('aria-expanded', 'false');
    document.removeEventListener('pointerdown', onOutside, true);
    if (returnFocus) button.focus();
  }

  function onOutside(ev) {
    if (!wrap.contains(ev.target)) close(false);
  }

  button.addEventListener('click', () => (isOpen() ? close(true) : open(0)));
  button.addEventListener('keydown', (ev) => {
    if (ev.key === 'ArrowDown') {
      ev.preventDefault();
      open(0);
    } else if (ev.key === 'ArrowUp') {
      ev.preventDefault();
      open(-1);
    } else if (ev.key === 'Escape') {
      close(true);
    }
  });
  list.addEventListener('keydown', (ev) => {
    const i = links.indexOf(document.activeElement);
    const move = (j) => {
      ev.preventDefault();
      links[(j + links.length) % links.length].focus();
    };
    switch (ev.key) {
      case 'ArrowDown': move(i + 1); break;
      case 'ArrowUp': move(i - 1); break;
      case 'Home': move(0); break;
      case 'End': move(links.length - 1); break;
      case 'Escape':
        ev.preventDefault();
        close(true);
        break;
      case 'Tab':
        close(false);
        break;
      case ' ':
        // Space activates a menu item like Enter does
        ev.preventDefault();
        if (i >= 0) links[i].click();
        break;
      default: {
        // type-ahead: the first letter jumps to the next matching item
        if (ev.key.length === 1 && /\S/.test(ev.key)) {
          const k = ev.key.toLowerCase();
          for (let n = 1; n <= links.length; n++) {
            const j = (i + n) % links.length;
            if (links[j].textContent.trim().toLowerCase().startsWith(k)) {
              move(j);
              break;
            }
          }
        }
      }
    }
  });

  function setCurrent(href) {
    for (const a of links) {
      if (a.getAttribute('href') === href) a.setAttribute('aria-current', 'page');
      else a.removeAttribute('aria-current');
    }
  }

  return { el: wrap, close, setCurrent, button };
}
