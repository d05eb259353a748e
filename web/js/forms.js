// forms.js - accessible forms: every input has a <label>, errors are visible
// text tied to their input with aria-describedby, focus goes to the first
// error, the submit button is disabled while a request runs.

import { ApiError } from './api.js';
import { h, newId } from './dom.js';

export class Form {
  /**
   * opts: submitLabel, busyLabel, className, onSubmit(values, form) (async;
   * may throw ApiError: 422 field errors land next to their fields),
   * validate(values) → {field: [msg]} for checks done before any request.
   */
  constructor(opts) {
    this.opts = opts;
    this.fields = new Map(); // name → {input, error, label, wrap}
    this.formError = h('p', { class: 'form-error', id: newId('form-error'), tabindex: '-1', hidden: true });
    this.body = h('div', { class: 'form-fields' });
    this.submit = h('button', { type: 'submit', class: 'btn btn-primary', text: opts.submitLabel });
    this.actions = h('div', { class: 'form-actions' }, this.submit);
    this.el = h('form', { class: `form ${opts.className || ''}`.trim(), novalidate: true },
      this.formError, this.body, this.actions);
    if (opts.label) this.el.setAttribute('aria-label', opts.label);
    this.el.addEventListener('submit', (ev) => {
      ev.preventDefault();
      this.run();
    });
  }

  /** Adds an input. spec: label, type, autocomplete, required, value, hint, maxlength. */
  add(name, spec) {
    const id = newId(`f-${name}`);
    const errorId = `${id}-error`;
    const hintId = spec.hint ? `${id}-hint` : null;
    const isCheckbox = spec.type === 'checkbox';
    // spec.type 'textarea' and 'select' (spec.options: [{value, label}]) too
    const tag = spec.type === 'textarea' || spec.type === 'select' ? spec.type : 'input';
    const input = h(tag, {
      id,
      name,
      type: tag === 'input' ? spec.type || 'text' : undefined,
      rows: spec.rows,
      autocomplete: spec.autocomplete,
      required: spec.required,
      maxlength: spec.maxlength,
      inputmode: spec.inputmode,
      spellcheck: spec.spellcheck,
      autocapitalize: spec.autocapitalize,
      'aria-describedby': hintId || undefined,
    });
    if (tag === 'select') {
      for (const o of spec.options || []) input.append(h('option', { value: o.value, text: o.label }));
    }
    if (isCheckbox) input.checked = !!spec.value;
    else if (spec.value !== undefined && spec.value !== null) input.value = spec.value;
    const label = h('label', { for: id, text: spec.label });
    const hint = hintId ? h('p', { class: 'hint', id: hintId, text: spec.hint }) : null;
    const error = h('p', { class: 'field-error', id: errorId, hidden: true });
    const wrap = isCheckbox
      ? h('div', { class: 'field field-checkbox' }, input, label, hint, error)
      : h('div', { class: 'field' }, label, input, hint, error);
    this.fields.set(name, { input, error, label, wrap, hintId, spec });
    this.body.appendChild(wrap);
    return input;
  }

  /** Adds any element (a note, a fieldset) among the fields. */
  addNode(node) {
    this.body.appendChild(node);
    return node;
  }

  input(name) {
    return this.fields.get(name).input;
  }

  values() {
    const out = {};
    for (const [name, f] of this.fields) {
      out[name] = f.input.type === 'checkbox' ? f.input.checked : f.input.value;
    }
    return out;
  }

  setBusy(busy) {
    this.submit.disabled = busy;
    this.el.setAttribute('aria-busy', busy ? 'true' : 'false');
    this.submit.textContent = busy && this.opts.busyLabel ? this.opts.busyLabel : this.opts.submitLabel;
  }

  clearErrors() {
    this.formError.hidden = true;
    this.formError.textContent = '';
    for (const f of this.fields.values()) {
      f.error.hidden = true;
      f.error.textContent = '';
      f.input.removeAttribute('aria-invalid');
      if (f.hintId) f.input.setAttribute('aria-describedby', f.hintId);
      else f.input.removeAttribute('aria-describedby');
      f.wrap.classList.remove('has-error');
    }
  }

  /** Shows a message above the fields and moves focus to it. */
  showFormError(message) {
    this.formError.textContent = message;
    this.formError.hidden = false;
    this.formError.focus();
  }

  /** errors: {"field": ["message", ...]}; unknown fields go to the form error. */
  showErrors(errors, message) {
    let first = null;
    const other = [];
    for (const [name, msgs] of Object.entries(errors || {})) {
      const list = Array.isArray(msgs) ? msgs : [String(msgs)];
      const f = this.fields.get(name);
      if (!f) {
        other.push(`${humanField(name)} ${list.join(', ')}`);
        continue;
      }
      f.error.textContent = `${f.spec.label} ${list.join(', ')}`;
      f.error.hidden = false;
      f.input.setAttribute('aria-invalid', 'true');
      f.input.setAttribute('aria-describedby', [f.error.id, f.hintId].filter(Boolean).join(' '));
      f.wrap.classList.add('has-error');
    }
    // the first error in the order of the form, not of the JSON object
    for (const f of this.fields.values()) {
      if (!f.error.hidden) {
        first = f.input;
        break;
      }
    }
    // the generic message only when some field shows the details
    const lines = [first ? message : null, ...other.map((o) => (/[.!?]$/.test(o) ? o : `${o}.`))];
    if (lines.some(Boolean)) {
      this.formError.textContent = lines.filter(Boolean).join(' ');
      this.formError.hidden = false;
    }
    if (first) first.focus();
    else if (!this.formError.hidden) this.formError.focus();
  }

  async run() {
    this.clearErrors();
    const values = this.values();
    const errors = {};
    for (const [name, f] of this.fields) {
      if (f.spec.required && f.input.type !== 'checkbox' && !String(values[name]).trim()) {
        errors[name] = ["can't be blank"];
      }
    }
    Object.assign(errors, (this.opts.validate && this.opts.validate(values)) || {});
    if (Object.keys(errors).length) {
      this.showErrors(errors);
      return;
    }
    this.setBusy(true);
    try {
      await this.opts.onSubmit(values, this);
    } catch (err) {
      if (err instanceof ApiError && err.status === 422 && Object.keys(err.fieldErrors).length) {
        this.showErrors(err.fieldErrors, 'Please correct the errors below.');
      } else if (err instanceof ApiError) {
        this.showFormError(err.message);
      } else {
        this.showFormError('Something went wrong in the page. Please reload and try again.');
        throw err;
      }
    } finally {
      if (this.el.isConnected) this.setBusy(false);
    }
  }
}

export function humanField(name) {
  const s = name.replace(/_/g, ' ');
  return s.charAt(0).toUpperCase() + s.slice(1);
}
