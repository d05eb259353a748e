/* login.c - the password login use case (see login.h). */
#include "core/login.h"
#include "core/accounts.h"
#include "core/events.h"
#include "core/tfa.h"
#include "core/throttle.h"
#include "crypto/pw.h"
#include "crypto/rand.h"
#include "mail/mailer.h"
#include "mail/templates.h"
#include "store/store_acct.h"
#include "util/err.h"
#include "util/str.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

static int login_event(const struct core_ctx *cx, const char *type, const char *user_id)
{
	return events_add(cx->db, cx->now, type, user_id, NULL, NULL,
	                  events_data_remote_ip(cx->ip));
}

/* The throttles come before any hashing: they also cap the memory spent on argon2.
 * 0 within them, PP_EBUSY (with *retry_ms) beyond, or a store error. They count
 * on every node (core/throttle.h). */
static int throttled(const struct core_ctx *cx, const char *login, int64_t *retry_ms)
{
	const struct config *cfg = cx->app->cfg;
	char key[TXT(EMAIL_MAX) + 16];
	int rc;
	snprintf(key, sizeof key, "login-ip:%s", cx->ip);
	if ((rc = throttle_hit(cx, key, cfg->login_ip_per_min, LOGIN_WINDOW_MS, retry_ms)) != 0)
		return rc;
	memcpy(key, "login:", 6);
	str_lower(key + 6, sizeof key - 6, login);
	return throttle_hit(cx, key, cfg->login_account_per_min, LOGIN_WINDOW_MS, retry_ms);
}

/* The lock-out counter key of a login name no account has. */
static void unknown_key(char *key, size_t cap, const char *login)
{
	snprintf(key, cap, "unknown-login:");
	size_t n = strlen(key);
	str_lower(key + n, cap - n, login);
}

/* An unknown login: the same work and, after LOGIN_LOCK_THRESHOLD failures in a
 * row, the same lock as a known one (no way to tell they differ). */
static int unknown_login(const struct core_ctx *cx, const char *login, const char *password,
                         enum login_result *res, int64_t *retry_ms)
{
	char key[TXT(EMAIL_MAX) + 32];
	unknown_key(key, sizeof key, login);
	if (throttle_locked(cx, key, retry_ms)) {
		*res = LOGIN_LOCKED;
		return 0;
	}
	pw_verify_dummy(cx->app->pw, password); /* as long as a known login */
	*res = LOGIN_BAD;
	return throttle_strike(cx, key, LOGIN_LOCK_THRESHOLD, LOGIN_LOCK_MS);
}

/* In the caller's transaction: the lock's unlock link, mailed to the owner. */
static int unlock_mail(const struct core_ctx *cx, const struct user_rec *u)
{
	struct templates_mail m;
	char token[RAND_SECRET_MAX] = "";
	int rc = accounts_link_new(cx, u->id, LOGIN_UNLOCK_LINK, NULL, LOGIN_UNLOCK_TTL_MS, token);
	if (rc == 0)
		rc = templates_account_unlock(&m, cx->app->cfg->public_url, token);
	if (rc == 0)
		rc = mailer_enqueue(cx->db, cx->now, u->email, m.subject, m.body);
	sodium_memzero(token, sizeof token);
	sodium_memzero(&m, sizeof m);
	return rc;
}

/* A wrong password for u: counts it, and at the threshold locks the account and
 * mails its owner the unlock link, in one transaction. */
static int record_failure(const struct core_ctx *cx, const struct user_rec *u)
{
	int locked = 0, rc;
	if ((rc = store_tx_begin(cx->db, STORE_TX_WRITE)) != 0)
		return rc;
	if ((rc = store_user_login_failed(cx->db, u->id, cx->now, LOGIN_LOCK_THRESHOLD,
	                                  LOGIN_LOCK_MS, &locked)) == 0 &&
	    (rc = login_event(cx, "login_failure", u->id)) == 0 && locked &&
	    (rc = login_event(cx, "login_lock", u->id)) == 0)
		rc = unlock_mail(cx, u);
	if (rc == 0)
		rc = store_tx_commit(cx->db);
	store_tx_rollback(cx->db);
	if (rc == 0 && locked)
		mailer_wake(cx->app->mailer);
	return rc;
}

/*
 * The part every password check of a known account shares, after the throttles:
 * the lock, the hash check, the failure count and lock-out, the rehash and the
 * events. success_event: recorded on success (NULL: none).
 */
static int check_account(const struct core_ctx *cx, struct user_rec *u, const char *password,
                         int second_factor, const char *otp, const char *success_event,
                         enum login_result *res, int64_t *retry_ms)
{
	struct pw *pw = cx->app->pw;
	int rc;

	if (u->locked_until > cx->now) {
		*retry_ms = u->locked_until - cx->now;
		*res = LOGIN_LOCKED;
		return 0;
	}
	if (pw_verify(pw, u->password_hash, password) != 0) {
		if ((rc = record_failure(cx, u)) != 0)
			return rc;
		*res = LOGIN_BAD;
		return 0;
	}
	if (second_factor) {
		/* only now, the password being right: no oracle for the code without it;
		 * the failure count is left as it is until the code is right too */
		enum tfa_check t;
		if ((rc = tfa_check(cx, u, otp, &t)) != 0)
			return rc;
		if (t == TFA_CHECK_BAD && (rc = record_failure(cx, u)) != 0)
			return rc;
		if (t == TFA_CHECK_MISSING || t == TFA_CHECK_BAD) {
			*res = LOGIN_NEED_OTP;
			return 0;
		}
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
	if (success_event && (rc = login_event(cx, success_event, u->id)) != 0)
		return rc;
	*res = LOGIN_OK;
	return 0;
}

int login_password(const struct core_ctx *cx, const char *login, const char *password,
                   struct user_rec *u, enum login_result *res, int64_t *retry_ms)
{
	return login_password_otp(cx, login, password, NULL, u, res, retry_ms);
}

int login_password_otp(const struct core_ctx *cx, const char *login, const char *password,
                       const char *otp, struct user_rec *u, enum login_result *res,
                       int64_t *retry_ms)
{
	int rc;

	*retry_ms = 0;
	if ((rc = throttled(cx, login, retry_ms)) != 0) {
		if (rc != PP_EBUSY)
			return rc;
		*res = LOGIN_THROTTLED;
		return 0;
	}
	rc = store_user_by_login(cx->db, login, u);
	if (rc == PP_ENOTFOUND || (rc == 0 && u->password_hash[0] == 0))
		return unknown_login(cx, login, password, res, retry_ms);
	if (rc)
		return rc;
	return check_account(cx, u, password, 1, otp, "login_success", res, retry_ms);
}

int login_verify(const struct core_ctx *cx, const char *user_id, const char *password,
                 enum login_result *res, int64_t *retry_ms)
{
	struct user_rec u;
	int rc;

	*retry_ms = 0;
	/* the account is known: the per-login throttle counts its username */
	if ((rc = store_user_get(cx->db, user_id, &u)) != 0)
		return rc;
	if ((rc = throttled(cx, u.username, retry_ms)) != 0) {
		if (rc == PP_EBUSY) {
			*res = LOGIN_THROTTLED;
			rc = 0;
		}
		goto out;
	}
	if (u.password_hash[0] == 0) {
		pw_verify_dummy(cx->app->pw, password);
		*res = LOGIN_BAD;
		rc = 0;
		goto out;
	}
	rc = check_account(cx, &u, password, 0, NULL, NULL, res, retry_ms);
out:
	sodium_memzero(&u, sizeof u);
	return rc;
}

int login_code_gate(const struct core_ctx *cx, const struct user_rec *u, enum login_result *res,
                    int64_t *retry_ms)
{
	struct user_rec now;
	int rc;
	*retry_ms = 0;
	if ((rc = throttled(cx, u->username, retry_ms)) != 0) {
		if (rc != PP_EBUSY)
			return rc;
		*res = LOGIN_THROTTLED;
		return 0;
	}
	/* the lock as it is now (u may have been read before this request's failures) */
	if ((rc = store_user_get(cx->db, u->id, &now)) != 0)
		return rc;
	*res = LOGIN_OK;
	if (now.locked_until > cx->now) {
		*retry_ms = now.locked_until - cx->now;
		*res = LOGIN_LOCKED;
	}
	sodium_memzero(&now, sizeof now);
	return 0;
}

int login_code_failed(const struct core_ctx *cx, const struct user_rec *u)
{
	return record_failure(cx, u);
}

int login_second_factor(const struct core_ctx *cx, const struct user_rec *u, const char *otp,
                        enum login_result *res, int64_t *retry_ms)
{
	struct tfa_state st;
	enum tfa_check t;
	int rc;
	*retry_ms = 0;
	*res = LOGIN_OK;
	if ((rc = tfa_state(cx, u->id, &st)) != 0 || !st.enabled)
		return rc;
	if ((rc = login_code_gate(cx, u, res, retry_ms)) != 0 || *res != LOGIN_OK)
		return rc;
	if ((rc = tfa_check(cx, u, otp, &t)) != 0)
		return rc;
	if (t == TFA_CHECK_BAD && (rc = record_failure(cx, u)) != 0)
		return rc;
	*res = t == TFA_CHECK_MISSING || t == TFA_CHECK_BAD ? LOGIN_NEED_OTP : LOGIN_OK;
	return 0;
}
