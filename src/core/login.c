/* login.c - the password login use case (see login.h). */
#include "core/login.h"
#include "core/events.h"
#include "crypto/pw.h"
#include "store/store_acct.h"
#include "util/err.h"
#include "util/ratelimit.h"
#include "util/str.h"

#include <stdio.h>
#include <string.h>

static int login_event(const struct core_ctx *cx, const char *type, const char *user_id)
{
	return events_add(cx->db, cx->now, type, user_id, NULL, NULL,
	                  events_data_remote_ip(cx->ip));
}

/* The throttles come before any hashing: they also cap the memory spent on argon2. */
static int throttled(const struct core_ctx *cx, const char *login, int64_t *retry_ms)
{
	const struct config *cfg = cx->app->cfg;
	char key[TXT(EMAIL_MAX) + 16];
	snprintf(key, sizeof key, "login-ip:%s", cx->ip);
	if (rl_hit(cx->app->rl, key, cfg->login_ip_per_min, LOGIN_WINDOW_MS, cx->now, retry_ms))
		return 1;
	memcpy(key, "login:", 6);
	str_lower(key + 6, sizeof key - 6, login);
	return rl_hit(cx->app->rl, key, cfg->login_account_per_min, LOGIN_WINDOW_MS, cx->now,
	              retry_ms) != 0;
}

int login_password(const struct core_ctx *cx, const char *login, const char *password,
                   struct user_rec *u, enum login_result *res, int64_t *retry_ms)
{
	struct pw *pw = cx->app->pw;
	int rc;

	*retry_ms = 0;
	if (throttled(cx, login, retry_ms)) {
		*res = LOGIN_THROTTLED;
		return 0;
	}
	rc = store_user_by_login(cx->db, login, u);
	if (rc == PP_ENOTFOUND || (rc == 0 && u->password_hash[0] == 0)) {
		pw_verify_dummy(pw, password); /* as long as a known login */
		*res = LOGIN_BAD;
		return 0;
	}
	if (rc)
		return rc;
	if (u->locked_until > cx->now) {
		*retry_ms = u->locked_until - cx->now;
		*res = LOGIN_LOCKED;
		return 0;
	}
	if (pw_verify(pw, u->password_hash, password) != 0) {
		int locked = 0;
		if ((rc = store_user_login_failed(cx->db, u->id, cx->now, LOGIN_LOCK_THRESHOLD,
		                                  LOGIN_LOCK_MS, &locked)) ||
		    (rc = login_event(cx, "login_failure", u->id)) ||
		    (locked && (rc = login_event(cx, "login_lock", u->id))))
			return rc;
		*res = LOGIN_BAD;
		return 0;
	}
	if ((rc = store_user_login_ok(cx->db, u->id)) != 0)
		return rc;
	if (pw_needs_rehash(pw, u->password_hash)) {
		char h[PW_HASH_MAX];
		/* best effort: the login stands even if the new hash cannot be stored */
		if (pw_hash(pw, password, h) == 0 &&
		    store_user_set_password(cx->db, u->id, h, 0) == 0)
			snprintf(u->password_hash, sizeof u->password_hash, "%s", h);
	}
	if ((rc = login_event(cx, "login_success", u->id)) != 0)
		return rc;
	*res = LOGIN_OK;
	return 0;
}
