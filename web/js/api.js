// api.js - the one place that talks to /v1: JSON in and out, the CSRF header
// on state changes, errors as ApiError.

let csrfToken = null;
let sessionUserId = null;
let onUnauthorized = null;

/** The CSRF token of the session, and whose session it is. */
export function setCsrf(token, userId) {
  csrfToken = token || null;
  sessionUserId = token ? userId || null : null;
}

/** Called when a request made while logged in answers 401 (session ended). */
export function setUnauthorizedHandler(fn) {
  onUnauthorized = fn;
}

export class ApiError extends Error {
  constructor(status, data, retryAfter) {
    super(ApiError.describe(status, data, retryAfter));
    this.status = status;
    this.data = data || {};
    this.retryAfter = retryAfter;
  }

  /** Field errors of a 422 ({"errors": {"field": ["msg"]}}), or {}. */
  get fieldErrors() {
    const e = this.data && this.data.errors;
    return e && typeof e === 'object' ? e : {};
  }

  static describe(status, data, retryAfter) {
    if (status === 0) return 'The server could not be reached. Check your connection and try again.';
    if (status === 429) {
      const base = capitalize((data && data.error) || 'Too many attempts').replace(/[.!?]$/, '');
      return retryAfter ? `${base}. Try again in ${formatDelay(retryAfter)}.` : `${base}. Try again later.`;
    }
    if (data && typeof data.error === 'string') {
      if (status === 404 && data.resource) return `${capitalize(data.resource)} not found.`;
      return capitalize(data.error) + (/[.!?]$/.test(data.error) ? '' : '.');
    }
    if (status === 422) return 'Please correct the errors below.';
    if (status >= 500) return 'The server had a problem. Please try again in a moment.';
    return `The request failed (HTTP ${status}).`;
  }
}

function capitalize(s) {
  return s ? s.charAt(0).toUpperCase() + s.slice(1) : s;
}

function formatDelay(seconds) {
  const s = Number(seconds);
  if (!Number.isFinite(s)) return String(seconds);
  if (s < 60) return `${Math.max(1, Math.round(s))} second${Math.round(s) === 1 ? '' : 's'}`;
  const m = Math.ceil(s / 60);
  return `${m} minute${m === 1 ? '' : 's'}`;
}

/**
 * api('GET', '/v1/users/self') → parsed JSON (null for 204).
 * opts.quiet401: a 401 is an expected answer (login, session check), don't
 * treat it as the end of the session.
 */
export async function api(method, path, body, opts = {}) {
  const headers = { Accept: 'application/json' };
  const init = { method, headers, credentials: 'same-origin', cache: 'no-store' };
  // every request carries it: a few GETs change state (accepting an invitation)
  if (csrfToken) headers['X-CSRF-Token'] = csrfToken;
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let res;
  try {
    res = await fetch(path, init);
  } catch {
    throw new ApiError(0, null);
  }
  let data = null;
  if (res.status !== 204) {
    const text = await res.text();
    if (text) {
      try {
        data = JSON.parse(text);
      } catch {
        data = null;
      }
    }
  }
  if (res.status === 403 && data && data.code === 'csrf' && !opts.retried && path !== '/v1/session') {
    // the session changed under us (logged in again in another tab): take
    // its CSRF token and try once more, but only as the same user
    let s;
    try {
      s = await api('GET', '/v1/session', undefined, { quiet401: true, retried: true });
    } catch (e) {
      if (e instanceof ApiError && e.status === 401 && onUnauthorized) onUnauthorized(e);
      throw e;
    }
    if (!s || !s.user || s.user.id !== sessionUserId) {
      const e = new ApiError(401, { error: 'you were logged out or logged in as someone else in another window' });
      if (onUnauthorized) onUnauthorized(e);
      throw e;
    }
    setCsrf(s.csrf_token, s.user.id);
    return api(method, path, body, { ...opts, retried: true });
  }
  if (!res.ok) {
    const err = new ApiError(res.status, data, res.headers.get('Retry-After'));
    if (res.status === 401 && !opts.quiet401 && csrfToken && onUnauthorized) onUnauthorized(err);
    throw err;
  }
  return data;
}
