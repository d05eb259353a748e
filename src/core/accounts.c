/*
 * accounts.c - the account use cases (see accounts.h): sign-up, profile,
 * email confirmation, password reset, account deletion, referral link.
 */
#include "core/accounts.h"
#include "core/erase.h"
#include "core/events.h"
#include "core/login.h"
#include "core/valid.h"
#include "crypto/pw.h"
#include "crypto/rand.h"
#include "core/mail_limits.h"
#include "mail/mailer.h"
#include "mail/templates.h"
#include "store/store_acct.h"
#include "store/store_apps.h"
#include "util/err.h"
#include "util/str.h"
#include "util/jx.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#define TAKEN     "is already taken"
#define BAD_TOKEN "is invalid, used or expired"

int accounts_link_new(const struct core_ctx *cx, const char *user_id, const char *kind,
                      const char *data, int64_t ttl_ms, char token[RAND_SECRET_MAX])
{
	char hash[RAND_SHA256_HEX_LEN];
	rand_secret_b64(ACCOUNTS_LINK_TOKEN_BYTES, token);
	rand_sha256_hex(token, strlen(token), hash);
	int rc = store_link_void(cx->db, user_id, kind, cx->now);
	if (rc == 0)
		rc = store_link_insert(cx->db, user_id, kind, hash, data, cx->now,
		                       cx->now + ttl_ms);
	return rc;
}

/* Voids every outstanding link of these kinds (NULL-terminated) of user_id. */
static int void_links(const struct core_ctx *cx, const char *user_id, const char *const *kinds)
{
	int rc = 0;
	for (; rc == 0 && *kinds; kinds++)
		rc = store_link_void(cx->db, user_id, *kinds, cx->now);
	return rc;
}

/* What a change of email voids (the new confirmation and cancel links are made
 * after); a change of password also voids the pending email change (the new
 * password is the owner's word). */
static const char *const EMAIL_CHANGE_VOIDS[] = {"password_reset", ACCOUNTS_EMAIL_CANCEL_LINK,
                                                 NULL};
static const char *const PASSWORD_CHANGE_VOIDS[] = {"password_reset", "confirm_email",
                                                    ACCOUNTS_EMAIL_CANCEL_LINK, NULL};

/* Inside the caller's write transaction: erases the expired unconfirmed sign-up
 * (if any) whose username or address login is, so that it is free again. */
static int free_expired(const struct core_ctx *cx, const char *login)
{
	char ids[2][ID_MAX];
	int n = 0, rc = store_user_pending_expired(cx->db, cx->now - ACCOUNTS_UNCONFIRMED_TTL_MS,
	                                           login, ids, 2, &n);
	for (int i = 0; rc == 0 && i < n; i++)
		rc = erase_account(cx->db, ids[i], cx->now);
	return rc;
}

/* Enqueues a filled template (rc: what filling it returned). */
static int send_mail(const struct core_ctx *cx, const char *to, int rc,
                     const struct templates_mail *m)
{
	return rc ? rc : mailer_enqueue(cx->db, cx->now, to, m->subject, m->body);
}

/* The field errors for the STORE_USER_* bits another account holds. */
static void add_taken(json_t *errors, unsigned taken)
{
	if (taken & STORE_USER_USERNAME)
		jx_error_add(errors, "username", TAKEN);
	if (taken & STORE_USER_EMAIL)
		jx_error_add(errors, "email", TAKEN);
}

/* A password hash failure is an internal error, whatever the hasher said. */
static int hash_password(const struct core_ctx *cx, const char *password, char out[PW_HASH_MAX])
{
	return pw_hash(cx->app->pw, password, out) ? PP_EIO : 0;
}

/* ---- sign-up ---- */

int accounts_signup(const struct core_ctx *cx, const struct accounts_signup *in, json_t *errors,
                    struct user_rec *u)
{
	char hash[PW_HASH_MAX] = "";
	const char *m, *referral = in->referral_code;
	unsigned taken = 0;
	int rc;

	if (!in->email)
		jx_error_add(errors, "email", "can't be blank");
	else if ((m = valid_email(in->email)))
		jx_error_add(errors, "email", m);
	if (!in->username)
		jx_error_add(errors, "username", "can't be blank");
	else if ((m = valid_username(in->username)))
		jx_error_add(errors, "username", m);
	if (!in->password)
		jx_error_add(errors, "password", "can't be blank");
	else if ((m = pw_policy(in->password, in->username, in->email)))
		jx_error_add(errors, "password", m);
	if (in->fullname && (m = valid_text(in->fullname, FULLNAME_MAX, 1)))
		jx_error_add(errors, "fullname", m);
	if (json_object_size(errors))
		return PP_EINVAL;

	memset(u, 0, sizeof *u);
	rand_id("us", u->id);
	snprintf(u->username, sizeof u->username, "%s", in->username);
	snprintf(u->email, sizeof u->email, "%s", in->email);
	snprintf(u->fullname, sizeof u->fullname, "%s", in->fullname ? in->fullname : "");
	u->created_at = cx->now;
	u->email_pending = 1; /* until the mailed link is followed */
	{
		unsigned char raw[8];
		randombytes_buf(raw, sizeof raw);
		sodium_bin2hex(u->referral_code, sizeof u->referral_code, raw, sizeof raw);
	}
	/* hash outside the transaction: it is the slow part */
	if ((rc = hash_password(cx, in->password, hash)) != 0)
		goto out;
	if ((rc = store_tx_begin(cx->db, STORE_TX_WRITE)) != 0)
		goto out;
	/* the unique constraints decide; the store says which fields conflicted */
	if (referral && strlen(referral) > ACCOUNTS_REFERRAL_CODE_MAX)
		referral = NULL;
	rc = free_expired(cx, u->email);
	if (rc == 0)
		rc = free_expired(cx, u->username);
	if (rc == 0)
		rc = store_user_insert(cx->db, u, hash, referral, &taken);
	if (rc == 0)
		rc = events_add(cx->db, cx->now, "new_user", u->id, NULL, NULL, NULL);
	if (rc == 0) {
		struct templates_mail mail;
		char token[RAND_SECRET_MAX];
		rc = accounts_link_new(cx, u->id, ACCOUNTS_SIGNUP_LINK, u->email,
		                       ACCOUNTS_SIGNUP_CONFIRM_TTL_MS, token);
		if (rc == 0)
			rc = send_mail(
			        cx, u->email,
			        templates_signup_confirm(&mail, cx->app->cfg->public_url, token),
			        &mail);
		sodium_memzero(token, sizeof token);
		sodium_memzero(&mail, sizeof mail);
	}
	if (rc == 0 && (rc = store_tx_commit(cx->db)) == 0)
		mailer_wake(cx->app->mailer);
	store_tx_rollback(cx->db);
	if (rc == PP_ECONFLICT && taken) {
		add_taken(errors, taken);
		rc = PP_EINVAL;
		goto out;
	}
	if (rc == 0)
		store_user_get(cx->db, u->id, u);
out:
	sodium_memzero(hash, sizeof hash);
	return rc;
}

/* ---- profile ---- */

/* Copies an optional string field after validation; 1 when it changes the value. */
static int take_text(json_t *errors, const char *field, const char *v,
                     const char *(*check)(const char *), size_t max, char *dst, size_t cap)
{
	if (!v)
		return 0;
	const char *m = check ? check(v) : valid_text(v, max, 1);
	if (m) {
		jx_error_add(errors, field, m);
		return 0;
	}
	if (strcmp(dst, v) == 0)
		return 0;
	snprintf(dst, cap, "%s", v);
	return 1;
}

static void add_field(json_t *fields, const char *name)
{
	json_array_append_new(fields, json_string(name));
}

/* Validates the request against self into *u; the changed fields go into fields.
 * *email_change: 1 a new address, -1 a pending change cancelled. */
static void profile_apply(const struct user_rec *self, const struct accounts_profile *in,
                          enum login_result current, json_t *errors, json_t *fields,
                          struct user_rec *u, int *email_change)
{
	*u = *self;
	*email_change = 0;
	if (take_text(errors, "username", in->username, valid_username, 0, u->username,
	              sizeof u->username))
		add_field(fields, "username");
	if (take_text(errors, "fullname", in->fullname, NULL, FULLNAME_MAX, u->fullname,
	              sizeof u->fullname))
		add_field(fields, "fullname");
	if (take_text(errors, "company", in->company, NULL, COMPANY_MAX, u->company,
	              sizeof u->company))
		add_field(fields, "company");
	if (take_text(errors, "location", in->location, NULL, LOCATION_MAX, u->location,
	              sizeof u->location))
		add_field(fields, "location");
	if (in->newsletter >= 0 && in->newsletter != u->newsletter) {
		u->newsletter = in->newsletter;
		add_field(fields, "email_newsletter");
	}
	if (in->email) {
		const char *m = valid_email(in->email);
		if (m)
			jx_error_add(errors, "email", m);
		else if (strcasecmp(in->email, u->email) == 0) {
			/* back to the current address: cancel a pending change */
			if (u->unconfirmed_email[0]) {
				u->unconfirmed_email[0] = 0;
				*email_change = -1;
				add_field(fields, "unconfirmed_email");
			}
		} else {
			snprintf(u->unconfirmed_email, sizeof u->unconfirmed_email, "%s",
			         in->email);
			*email_change = 1;
			add_field(fields, "unconfirmed_email");
			/* a new address needs the current password (the password
			 * change below says so itself when it is asked too) */
			if (!in->password && (!in->current_password || !*in->current_password))
				jx_error_add(errors, "current_password",
				             "is required to change the email");
			else if (!in->password && current != LOGIN_OK)
				jx_error_add(errors, "current_password", "is invalid");
		}
	}
	if (in->password) {
		const char *m = pw_policy(in->password, u->username, u->email);
		if (!in->current_password || !*in->current_password)
			jx_error_add(errors, "current_password",
			             "is required to change the password");
		else if (current != LOGIN_OK)
			jx_error_add(errors, "current_password", "is invalid");
		if (m)
			jx_error_add(errors, "password", m);
		if (in->password_confirmation &&
		    strcmp(in->password_confirmation, in->password) != 0)
			jx_error_add(errors, "password_confirmation", "doesn't match password");
	}
}

/* 1 when in asks for a valid address other than self's (going back to the
 * current address, which cancels a pending change, is not a new one). */
static int new_email(const struct user_rec *self, const struct accounts_profile *in)
{
	return in->email && !valid_email(in->email) && strcasecmp(in->email, self->email) != 0;
}

/* Inside the transaction: the mails of an email change, the confirmation link to
 * the new address and the notice with the cancel link (as long valid) to the old. */
static int email_change_mails(const struct core_ctx *cx, const struct user_rec *u)
{
	struct templates_mail m;
	char token[RAND_SECRET_MAX], cancel[RAND_SECRET_MAX];
	const char *url = cx->app->cfg->public_url;
	int rc = accounts_link_new(cx, u->id, "confirm_email", u->unconfirmed_email,
	                           ACCOUNTS_EMAIL_CONFIRM_TTL_MS, token);
	if (rc == 0)
		rc = accounts_link_new(cx, u->id, ACCOUNTS_EMAIL_CANCEL_LINK, u->unconfirmed_email,
		                       ACCOUNTS_EMAIL_CONFIRM_TTL_MS, cancel);
	if (rc == 0)
		rc = send_mail(cx, u->unconfirmed_email, templates_email_confirm(&m, url, token),
		               &m);
	if (rc == 0)
		rc = send_mail(cx, u->email, templates_email_change_notice(&m, url, cancel), &m);
	sodium_memzero(token, sizeof token);
	sodium_memzero(cancel, sizeof cancel);
	sodium_memzero(&m, sizeof m);
	return rc;
}

int accounts_update(const struct core_ctx *cx, const struct user_rec *self,
                    const char *keep_session_id, const struct accounts_profile *in, json_t *errors,
                    struct user_rec *u, int64_t *retry_ms)
{
	json_t *fields = json_array();
	char hash[PW_HASH_MAX] = "";
	struct templates_mail m;
	unsigned taken = 0, pending_taken = 0;
	enum login_result current = LOGIN_BAD;
	int email_change, rc;
	struct store_conn *db = cx->db;

	*retry_ms = 0;
	/* an address nobody proved is no ground to move the account elsewhere */
	if (self->email_pending && new_email(self, in)) {
		rc = PP_EFORBIDDEN;
		goto out;
	}
	/* the current password (of a new password or a new email) is checked as a
	 * login is: throttled, counted toward the lock-out, refused while locked (its
	 * counts are written whatever follows) */
	if ((in->password || new_email(self, in)) && in->current_password &&
	    *in->current_password) {
		if ((rc = login_verify(cx, self->id, in->current_password, &current, retry_ms)) !=
		    0)
			goto out;
		if (current == LOGIN_LOCKED || current == LOGIN_THROTTLED) {
			rc = current == LOGIN_LOCKED ? PP_ELOCKED : PP_EBUSY;
			goto out;
		}
	}
	/* with 2FA on, a new email needs a code too (the address is how the account
	 * is recovered) */
	if (current == LOGIN_OK && new_email(self, in)) {
		enum login_result f;
		if ((rc = login_second_factor(cx, self, in->otp, &f, retry_ms)) != 0)
			goto out;
		if (f == LOGIN_LOCKED || f == LOGIN_THROTTLED) {
			rc = f == LOGIN_LOCKED ? PP_ELOCKED : PP_EBUSY;
			goto out;
		}
		if (f == LOGIN_NEED_OTP) {
			jx_error_add(errors, "otp",
			             in->otp && *in->otp ? "is invalid"
			                                 : "is required to change the email");
			rc = PP_EINVAL;
			goto out;
		}
	}
	profile_apply(self, in, current, errors, fields, u, &email_change);
	if (json_object_size(errors)) {
		rc = PP_EINVAL;
		goto out;
	}
	if (in->password && (rc = hash_password(cx, in->password, hash)) != 0)
		goto out;
	if ((rc = store_tx_begin(db, STORE_TX_WRITE)) != 0)
		goto out;
	/* the new address is unique only once confirmed: refuse one taken now (by an
	 * expired unconfirmed sign-up it is free) */
	rc = email_change == 1 ? free_expired(cx, u->unconfirmed_email) : 0;
	if (rc == 0 && email_change == 1)
		rc = store_user_email_check(db, u->unconfirmed_email, u->id);
	if (rc == PP_ECONFLICT) {
		pending_taken = STORE_USER_EMAIL;
		rc = 0;
	}
	if (rc == 0)
		rc = store_user_update_profile(db, u, &taken);
	/* the old username stays the account's: its erasure scrubs it too */
	if (rc == 0 && strcmp(self->username, u->username) != 0)
		rc = store_user_past_add(db, u->id, "username", self->username, cx->now);
	if (rc == 0 && pending_taken)
		rc = PP_ECONFLICT;
	taken |= pending_taken;
	/* the old links die first: the new confirmation link below must outlive them */
	if (rc == 0 && in->password)
		rc = void_links(cx, u->id, PASSWORD_CHANGE_VOIDS);
	if (rc == 0 && email_change)
		rc = void_links(cx, u->id, EMAIL_CHANGE_VOIDS);
	if (rc == 0 && email_change == 1) /* outbound mail limits (core/mail_limits.h) */
		rc = mail_limits_check(cx, u->id, u->unconfirmed_email, retry_ms);
	if (rc == 0 && email_change == 1)
		rc = email_change_mails(cx, u);
	else if (rc == 0 && email_change == -1)
		rc = store_link_void(db, u->id, "confirm_email", cx->now);
	if (rc == 0 && in->password) {
		/* other sessions and every bearer JWT issued before now stop working */
		rc = store_user_set_password(db, u->id, hash, 1);
		if (rc == 0)
			rc = store_session_delete_others(db, u->id, keep_session_id);
		if (rc == 0)
			rc = send_mail(cx, u->email, templates_password_changed(&m), &m);
		add_field(fields, "password");
	}
	if (rc == 0 && json_array_size(fields))
		rc = events_add(db, cx->now, "edit_profile", u->id, NULL, NULL,
		                events_data_edit_profile(fields));
	if (rc == 0)
		rc = store_tx_commit(db);
	store_tx_rollback(db);
	if (rc == PP_ECONFLICT && taken) {
		add_taken(errors, taken);
		rc = PP_EINVAL;
		goto out;
	}
	if (rc)
		goto out;
	mailer_wake(cx->app->mailer);
	store_user_get(db, u->id, u);
out:
	sodium_memzero(hash, sizeof hash);
	json_decref(fields);
	return rc;
}

/* ---- email confirmation ---- */

/* Inside accounts_email_confirm's transaction: the link of a sign-up. Commits. */
static int signup_confirm(const struct core_ctx *cx, const char *hash, json_t *errors,
                          struct user_rec *u)
{
	char user_id[ID_MAX], email[TXT(EMAIL_MAX)];
	struct store_conn *db = cx->db;
	int rc = store_link_consume(db, ACCOUNTS_SIGNUP_LINK, hash, cx->now, user_id, email,
	                            sizeof email);
	if (rc == 0)
		rc = store_user_get(db, user_id, u);
	/* the address the link was mailed to must still be the account's */
	if (rc == PP_ENOTFOUND || rc == PP_EEXPIRED ||
	    (rc == 0 && (!u->email_pending || strcasecmp(u->email, email) != 0))) {
		jx_error_add(errors, "token", BAD_TOKEN);
		return PP_EINVAL;
	}
	/* no event: the timeline's new_user stands for the sign-up as a whole */
	if (rc == 0)
		rc = store_user_email_proven(db, u->id, cx->now);
	if (rc == 0)
		rc = store_tx_commit(db);
	if (rc == 0)
		rc = store_user_get(db, u->id, u);
	return rc;
}

int accounts_email_confirm(const struct core_ctx *cx, const char *token, json_t *errors,
                           struct user_rec *u)
{
	char hash[RAND_SHA256_HEX_LEN], user_id[ID_MAX], email[TXT(EMAIL_MAX)];
	char old_email[TXT(EMAIL_MAX)] = "";
	struct store_conn *db = cx->db;
	unsigned taken = 0;
	int rc;

	rand_sha256_hex(token, strlen(token), hash);
	if ((rc = store_tx_begin(db, STORE_TX_WRITE)) != 0)
		return rc;
	rc = store_link_consume(db, "confirm_email", hash, cx->now, user_id, email, sizeof email);
	if (rc == PP_ENOTFOUND) {
		rc = signup_confirm(cx, hash, errors, u);
		goto out;
	}
	if (rc == PP_EEXPIRED) {
		jx_error_add(errors, "token", BAD_TOKEN);
		rc = PP_EINVAL;
		goto out;
	}
	if (rc == 0)
		rc = store_user_get(db, user_id, u);
	if (rc == 0)
		rc = free_expired(cx, email);
	if (rc == 0) {
		snprintf(old_email, sizeof old_email, "%s", u->email);
		snprintf(u->email, sizeof u->email, "%s", email);
		u->unconfirmed_email[0] = 0;
		rc = store_user_update_profile(db, u, &taken);
	}
	if (rc == 0)
		rc = store_user_email_proven(db, u->id, cx->now);
	/* the old address stays the account's: its erasure scrubs it too */
	if (rc == 0 && strcmp(old_email, u->email) != 0)
		rc = store_user_past_add(db, u->id, "email", old_email, cx->now);
	if (rc == PP_ECONFLICT && (taken & STORE_USER_EMAIL)) {
		jx_error_add(errors, "email", TAKEN);
		rc = PP_EINVAL;
		goto out;
	}
	if (rc == 0)
		rc = void_links(cx, u->id, EMAIL_CHANGE_VOIDS);
	if (rc == 0)
		rc = events_add(db, cx->now, "edit_profile", u->id, NULL, NULL,
		                events_data_edit_profile1("email"));
	if (rc == 0)
		rc = store_tx_commit(db);
	if (rc == PP_ECONFLICT) /* not a field another account holds: a store fault */
		rc = PP_EDB;
out:
	store_tx_rollback(db);
	return rc;
}

/* ---- cancel link of an email change ---- */

int accounts_email_cancel(const struct core_ctx *cx, const char *token, json_t *errors)
{
	char hash[RAND_SHA256_HEX_LEN], user_id[ID_MAX], email[TXT(EMAIL_MAX)];
	struct store_conn *db = cx->db;
	struct user_rec u;
	unsigned taken = 0;
	int rc;

	rand_sha256_hex(token, strlen(token), hash);
	if ((rc = store_tx_begin(db, STORE_TX_WRITE)) != 0)
		return rc;
	rc = store_link_consume(db, ACCOUNTS_EMAIL_CANCEL_LINK, hash, cx->now, user_id, email,
	                        sizeof email);
	if (rc == 0)
		rc = store_user_get(db, user_id, &u);
	/* confirmed, cancelled or replaced since: the link is stale (the changes void
	 * it; this is the belt to those braces) */
	if (rc == PP_ENOTFOUND || rc == PP_EEXPIRED ||
	    (rc == 0 && strcasecmp(u.unconfirmed_email, email) != 0)) {
		jx_error_add(errors, "token", BAD_TOKEN);
		rc = PP_EINVAL;
		goto out;
	}
	if (rc == 0) {
		u.unconfirmed_email[0] = 0;
		rc = store_user_update_profile(db, &u, &taken);
	}
	if (rc == 0)
		rc = store_link_void(db, u.id, "confirm_email", cx->now);
	if (rc == 0)
		rc = events_add(db, cx->now, "cancel_email_change", u.id, NULL, NULL,
		                events_data_remote_ip(cx->ip));
	if (rc == 0)
		rc = store_tx_commit(db);
	if (rc == PP_ECONFLICT) /* nothing unique changed: a store fault */
		rc = PP_EDB;
out:
	store_tx_rollback(db);
	return rc;
}

/* ---- the sign-up's confirmation link, again ---- */

int accounts_confirmation_resend(const struct core_ctx *cx, const char *email)
{
	struct store_conn *db = cx->db;
	struct templates_mail m;
	struct user_rec u;
	char token[RAND_SECRET_MAX] = "", hash[RAND_SHA256_HEX_LEN];
	int64_t retry_ms = 0;
	int rc, send;

	if (strlen(email) > EMAIL_MAX * 4)
		return 0;
	if ((rc = store_tx_begin(db, STORE_TX_WRITE)) != 0)
		return rc;
	rc = store_user_by_login(db, email, &u);
	send = rc == 0 && strcasecmp(u.email, email) == 0 && u.email_pending &&
	       u.created_at > cx->now - ACCOUNTS_UNCONFIRMED_TTL_MS;
	if (rc == PP_ENOTFOUND)
		rc = 0;
	/* beyond the mail limits nothing is sent, and nothing tells it */
	if (rc == 0 && send && (rc = mail_limits_confirm_check(cx, u.email, &retry_ms)) == PP_EBUSY)
		rc = send = 0;
	if (rc == 0 && send)
		rc = accounts_link_new(cx, u.id, ACCOUNTS_SIGNUP_LINK, u.email,
		                       ACCOUNTS_SIGNUP_CONFIRM_TTL_MS, token);
	if (rc == 0 && !send) { /* the same work, for nothing */
		rand_secret_b64(ACCOUNTS_LINK_TOKEN_BYTES, token);
		rand_sha256_hex(token, strlen(token), hash);
		rc = store_link_void(db, "", ACCOUNTS_SIGNUP_LINK, cx->now);
	}
	if (rc == 0) {
		rc = templates_signup_confirm(&m, cx->app->cfg->public_url, token);
		if (rc == 0 && send)
			rc = send_mail(cx, u.email, 0, &m);
	}
	if (rc == 0 && (rc = store_tx_commit(db)) == 0 && send)
		mailer_wake(cx->app->mailer);
	store_tx_rollback(db);
	sodium_memzero(token, sizeof token);
	sodium_memzero(&m, sizeof m);
	return rc;
}

int accounts_expire_unconfirmed(const struct core_ctx *cx, int *n)
{
	char ids[ACCOUNTS_EXPIRE_BATCH][ID_MAX];
	int rc;
	*n = 0;
	if ((rc = store_tx_begin(cx->db, STORE_TX_WRITE)) != 0)
		return rc;
	rc = store_user_pending_expired(cx->db, cx->now - ACCOUNTS_UNCONFIRMED_TTL_MS, NULL, ids,
	                                ACCOUNTS_EXPIRE_BATCH, n);
	for (int i = 0; rc == 0 && i < *n; i++)
		rc = erase_account(cx->db, ids[i], cx->now);
	if (rc == 0)
		rc = store_tx_commit(cx->db);
	store_tx_rollback(cx->db);
	if (rc)
		*n = 0;
	return rc;
}

/* ---- password reset ---- */

/* The same work whether the address is known or not (no enumeration by time):
 * one write transaction that looks the address up, draws and hashes a token,
 * voids the outstanding links, fills the mail and records a password_reset_query
 * event, then commits (the commit's fsync is most of the cost). For an unknown
 * address the link void matches nothing, the token and the mail are dropped and
 * the event has no user (its remote IP only): nothing is enqueued. */
int accounts_reset_request(const struct core_ctx *cx, const char *email)
{
	struct store_conn *db = cx->db;
	struct templates_mail m;
	struct user_rec u;
	char token[RAND_SECRET_MAX] = "", hash[RAND_SHA256_HEX_LEN];
	int rc, known;

	if (strlen(email) > EMAIL_MAX * 4)
		return 0;
	if ((rc = store_tx_begin(db, STORE_TX_WRITE)) != 0)
		return rc;
	rc = store_user_by_login(db, email, &u);
	if (rc == 0 && strcasecmp(u.email, email) != 0)
		rc = PP_ENOTFOUND; /* a username, not an email */
	known = rc == 0;
	if (rc == PP_ENOTFOUND)
		rc = 0;
	if (rc == 0 && known)
		rc = accounts_link_new(cx, u.id, "password_reset", NULL,
		                       ACCOUNTS_PASSWORD_RESET_TTL_MS, token);
	if (rc == 0 && !known) {
		rand_secret_b64(ACCOUNTS_LINK_TOKEN_BYTES, token);
		rand_sha256_hex(token, strlen(token), hash);
		rc = store_link_void(db, "", "password_reset", cx->now);
	}
	if (rc == 0) {
		rc = templates_password_reset_link(&m, cx->app->cfg->public_url, token);
		if (rc == 0 && known)
			rc = send_mail(cx, u.email, 0, &m);
	}
	if (rc == 0)
		rc = events_add(db, cx->now, "password_reset_query", known ? u.id : NULL, NULL,
		                NULL, events_data_remote_ip(cx->ip));
	if (rc == 0 && (rc = store_tx_commit(db)) == 0 && known)
		mailer_wake(cx->app->mailer);
	store_tx_rollback(db);
	sodium_memzero(token, sizeof token);
	sodium_memzero(&m, sizeof m);
	return rc;
}

/* Opens a write transaction, consumes the reset link and checks the password
 * against the policy for its user. 0 with the transaction open; otherwise the
 * transaction is rolled back (the link stays usable) and the result returned. */
static int reset_open(const struct core_ctx *cx, const char *hash, const char *password,
                      json_t *errors, struct user_rec *u)
{
	char user_id[ID_MAX];
	int rc;
	if ((rc = store_tx_begin(cx->db, STORE_TX_WRITE)) != 0)
		return rc;
	rc = store_link_consume(cx->db, "password_reset", hash, cx->now, user_id, NULL, 0);
	if (rc == PP_ENOTFOUND || rc == PP_EEXPIRED) {
		jx_error_add(errors, "token", BAD_TOKEN);
		rc = PP_EINVAL;
	}
	if (rc == 0)
		rc = store_user_get(cx->db, user_id, u);
	const char *m = rc == 0 ? pw_policy(password, u->username, u->email) : NULL;
	if (m) {
		jx_error_add(errors, "password", m);
		rc = PP_EINVAL;
	}
	if (rc)
		store_tx_rollback(cx->db);
	return rc;
}

int accounts_reset_perform(const struct core_ctx *cx, const char *token, const char *password,
                           const char *otp, json_t *errors, enum login_result *second,
                           int64_t *retry_ms)
{
	char hash[RAND_SHA256_HEX_LEN], pwh[PW_HASH_MAX] = "";
	struct store_conn *db = cx->db;
	struct templates_mail m;
	struct user_rec u;
	int rc;

	rand_sha256_hex(token, strlen(token), hash);
	/* check first, hash without holding the write lock, then check again and
	 * write: the link is consumed in the same transaction as the new hash */
	*second = LOGIN_OK;
	*retry_ms = 0;
	if ((rc = reset_open(cx, hash, password, errors, &u)) != 0)
		return rc;
	store_tx_rollback(db);
	/* the link does not bypass 2FA: its code first, before anything changes */
	if ((rc = login_second_factor(cx, &u, otp, second, retry_ms)) != 0 || *second != LOGIN_OK)
		goto out;
	if ((rc = hash_password(cx, password, pwh)) != 0)
		goto out;
	if ((rc = reset_open(cx, hash, password, errors, &u)) != 0)
		goto out;
	/* an address never proven by its holder: whoever signed up with it before
	 * keeps no token and no pending change (sessions and JWTs go below for all) */
	if (u.email_confirmed_at == 0) {
		rc = store_token_delete_all(db, u.id);
		if (rc == 0 && u.unconfirmed_email[0]) {
			u.unconfirmed_email[0] = 0;
			rc = store_user_update_profile(db, &u, NULL);
			if (rc == PP_ECONFLICT) /* nothing unique changed: a store fault */
				rc = PP_EDB;
		}
		if (rc)
			goto fail;
	}
	/* the reset proves the address */
	rc = store_user_email_proven(db, u.id, cx->now);
	if (rc == 0)
		rc = store_link_void(db, u.id, ACCOUNTS_SIGNUP_LINK, cx->now);
	/* the new password also clears the failure count and the lock */
	if (rc == 0)
		rc = store_user_set_password(db, u.id, pwh, 1);
	if (rc == 0)
		rc = void_links(cx, u.id, PASSWORD_CHANGE_VOIDS);
	if (rc == 0)
		rc = store_link_void(db, u.id, LOGIN_UNLOCK_LINK, cx->now);
	if (rc == 0)
		rc = store_session_delete_others(db, u.id, NULL);
	if (rc == 0)
		rc = events_add(db, cx->now, "password_reset_success", u.id, NULL, NULL,
		                events_data_remote_ip(cx->ip));
	if (rc == 0)
		rc = send_mail(cx, u.email, templates_password_reset_done(&m), &m);
	if (rc == 0)
		rc = store_tx_commit(db);
fail:
	store_tx_rollback(db);
	if (rc == 0)
		mailer_wake(cx->app->mailer);
out:
	sodium_memzero(pwh, sizeof pwh);
	return rc;
}

/* ---- unlock link ---- */

int accounts_unlock(const struct core_ctx *cx, const char *token, json_t *errors)
{
	char hash[RAND_SHA256_HEX_LEN], user_id[ID_MAX];
	struct store_conn *db = cx->db;
	int rc;

	rand_sha256_hex(token, strlen(token), hash);
	if ((rc = store_tx_begin(db, STORE_TX_WRITE)) != 0)
		return rc;
	rc = store_link_consume(db, LOGIN_UNLOCK_LINK, hash, cx->now, user_id, NULL, 0);
	if (rc == PP_ENOTFOUND || rc == PP_EEXPIRED) {
		jx_error_add(errors, "token", BAD_TOKEN);
		rc = PP_EINVAL;
		goto out;
	}
	if (rc == 0)
		rc = store_user_login_ok(db, user_id);
	if (rc == 0)
		rc = events_add(db, cx->now, "login_unlock_success", user_id, NULL, NULL,
		                events_data_remote_ip(cx->ip));
	if (rc == 0)
		rc = store_tx_commit(db);
out:
	store_tx_rollback(db);
	return rc;
}

/* ---- account deletion ---- */

static void add_name(const char *name, void *arg)
{
	json_array_append_new(arg, json_string(name));
}

/* PP_ECONFLICT with their names in owned_apps when user_id still owns apps. */
static int refuse_if_owner(const struct core_ctx *cx, const char *user_id, json_t *owned_apps)
{
	json_array_clear(owned_apps);
	int rc = store_app_owned(cx->db, user_id, add_name, owned_apps);
	if (rc == 0 && json_array_size(owned_apps))
		rc = PP_ECONFLICT;
	return rc;
}

int accounts_delete_request(const struct core_ctx *cx, const struct user_rec *self,
                            json_t *owned_apps, char deletion_id[ID_MAX])
{
	char token[RAND_SECRET_MAX] = "", id[RAND_ID_LEN];
	struct templates_mail m;
	int rc;

	if ((rc = refuse_if_owner(cx, self->id, owned_apps)) != 0)
		return rc;
	rand_id("del", id);
	if ((rc = store_tx_begin(cx->db, STORE_TX_WRITE)) ||
	    (rc = accounts_link_new(cx, self->id, "delete_account", id, ACCOUNTS_DELETE_TTL_MS,
	                            token)) ||
	    (rc = send_mail(cx, self->email,
	                    templates_account_delete(&m, cx->app->cfg->public_url, id, token),
	                    &m)) ||
	    (rc = store_tx_commit(cx->db)))
		goto out;
	mailer_wake(cx->app->mailer);
	snprintf(deletion_id, ID_MAX, "%s", id);
out:
	store_tx_rollback(cx->db);
	sodium_memzero(token, sizeof token);
	return rc;
}

int accounts_delete_confirm(const struct core_ctx *cx, const char *deletion_id, const char *token,
                            const char *reason, const char *details, json_t *errors,
                            json_t *owned_apps)
{
	char hash[RAND_SHA256_HEX_LEN], user_id[ID_MAX], id[RAND_ID_LEN];
	struct store_conn *db = cx->db;
	int rc;

	if (reason && str_utf8_chars(reason) > ACCOUNTS_DELETE_REASON_MAX) {
		jx_error_add(errors, "reason", "is too long");
		return PP_EINVAL;
	}
	if (details && str_utf8_chars(details) > ACCOUNTS_DELETE_REASON_MAX) {
		jx_error_add(errors, "details", "is too long");
		return PP_EINVAL;
	}
	rand_sha256_hex(token, strlen(token), hash);
	if ((rc = store_tx_begin(db, STORE_TX_WRITE)) != 0)
		return rc;
	rc = store_link_consume(db, "delete_account", hash, cx->now, user_id, id, sizeof id);
	if (rc == PP_ENOTFOUND || rc == PP_EEXPIRED || (rc == 0 && strcmp(id, deletion_id))) {
		jx_error_add(errors, "token", BAD_TOKEN);
		rc = PP_EINVAL;
		goto out;
	}
	/* while apps are owned the link stays usable: the transaction is rolled back */
	if (rc == 0)
		rc = refuse_if_owner(cx, user_id, owned_apps);
	/* the reason is not stored: it could hold personal data */
	if (rc == 0)
		rc = erase_account(db, user_id, cx->now);
	if (rc == 0)
		rc = store_tx_commit(db);
out:
	store_tx_rollback(db);
	return rc;
}

/* ---- referral link ---- */

void accounts_referral_location(const char *code, char *out, size_t cap)
{
	size_t n = strlen(code);
	int ok = n > 0 && n <= ACCOUNTS_REFERRAL_LINK_MAX;
	for (size_t i = 0; ok && i < n; i++)
		ok = (code[i] >= '0' && code[i] <= '9') || (code[i] >= 'a' && code[i] <= 'f');
	if (ok)
		snprintf(out, cap, "/#/signup/%s", code);
	else
		snprintf(out, cap, "/#/signup");
}
