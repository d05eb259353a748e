// confirm.js - an inline "are you sure?" step for destructive buttons (no
// window.confirm): the button is replaced by a question with Confirm and
// Cancel; Cancel or Escape puts the button back.

import { h, announce } from './dom.js';

/**
 * Wraps `button`: clicking it asks `question`; Confirm runs `action()`
 * (async). Returns the element to insert in place of the button.
 */
export function inlineConfirm(button, { question, confirmLabel, action, danger = true }) {
  const wrap = h('span', { class: 'inline-confirm' }, button);
  button.addEventListener('click', () => {
    const yes = h('button', { type: 'button', class: danger ? 'btn btn-small btn-danger' : 'btn btn-small btn-primary', text: confirmLabel });
    const no = h('button', { type: 'button', class: 'btn btn-small', text: 'Cancel' });
    const box = h('span', { class: 'confirm-box', role: 'group', 'aria-label': question },
      h('span', { class: 'confirm-question', text: question }), yes, no);
    const restore = () => {
      box.replaceWith(button);
      button.focus();
    };
    no.addEventListener('click', restore);
    box.addEventListener('keydown', (ev) => {
      if (ev.key === 'Escape') {
        ev.preventDefault();
        restore();
      }
    });
    yes.addEventListener('click', async () => {
      yes.disabled = true;
      no.disabled = true;
      try {
        await action();
      } catch (err) {
        announce(err && err.message ? err.message : 'Something went wrong.', 'error');
      } finally {
        if (box.isConnected) {
          yes.disabled = false;
          no.disabled = false;
        }
      }
    });
    button.replaceWith(box);
    no.focus();
  });
  return wrap;
}
