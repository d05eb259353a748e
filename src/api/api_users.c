/*
 * api_users.c - sign-up, the profile (read, update, email change by mailed
 * link, password change) and password reset by mailed one-time link.
 */
#include "api/api.h"
#include "api/render.h"
#include "core/erase.h"
#include "core/events.h"
#include "core/valid.h"
#include "util/str.h"
#include "crypto/pw.h"
#include "crypto/rand.h"
#include "mail/mailer.h"
#include "store/store_acct.h"
#include "store/store_apps.h"
#include "util/err.h"
#include "util/jx.h"
#include "util/timeutil.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#define EMAIL_CONFIRM_TTL_MS  (24LL * 3600 * 1000)
#define PASSWORD_RESET_TTL_MS (3600LL * 1000)
#define ACCOUNT_DELETE_TTL_MS (24LL * 3600 * 1000)
#define DELETE_REASON_MAX     2000

void api_mail_link(struct req *r, const char *to, const char *subject, const char *intro,
                   const char *url_path, const char *token)
{
	struct buf b;
	buf_init(&b, 16384);
	buf_appendf(
	        &b,
	        "Hello,\r\n\r\n%s\r\n\r\n%s%s%s\r\n\r\nIf you did not ask for this, ignore this "
	        "mail: nothing changes without the link.\r\n\r\n-- paasport\r\n",
	        intro, r->app->cfg->public_url, url_path, token);
	if (b.data)
		mailer_enqueue(req_db(r), api_now(r), to, subject, b.data);
	buf_release(&b);
}

/* Creates a one-time link of kind for user and returns its token. */
static int new_link(struct req *r, const char *user_id, const char *kind, const char *data,
                    int64_t ttl_ms, char token[RAND_SECRET_MAX])
{
	char hash[RAND_SHA256_HEX_LEN];
	int64_t now = api_now(r);
	rand_secret_b64(LINK_TOKEN_BYTES, token);
	rand_sha256_hex(token, strlen(token), hash);
	int rc = store_link_void(req_db(r), user_id, kind, now);
	if (rc == 0)
		rc = store_link_insert(req_db(r), user_id, kind, hash, data, now, now + ttl_ms);
	return rc;
}

static void reply_user(struct req *r, int status, const struct user_rec *u)
{
	reply_json(r, status, json_pack("{s:o}", "user", render_user(u, r->app->cfg)));
}

/* 422 naming the unique fields (STORE_USER_* bits) another account holds. */
static void reply_taken(struct req *r, unsigned taken)
{
	json_t *errors = json_object();
	if (taken & STORE_USER_USERNAME)
		jx_error_add(errors, "username", "is already taken");
	if (taken & STORE_USER_EMAIL)
		jx_error_add(errors, "email", "is already taken");
	reply_invalid(r, errors);
}

int api_users_create(struct req *r)
{
	json_t *in = jx_unwrap(r->json, "user");
	const char *email, *username, *password, *fullname, *referral;
	json_t *errors = json_object();
	struct user_rec u;
	char hash[PW_HASH_MAX];
	int rc;

	if (jx_opt_str(in, "email", &email) || jx_opt_str(in, "username", &username) ||
	    jx_opt_str(in, "password", &password) || jx_opt_str(in, "fullname", &fullname) ||
	    jx_opt_str(in, "referral_code", &referral)) {
		reply_error(r, 400,
		            "email, username, password, fullname and referral_code must "
		            "be strings");
		goto out;
	}
	const char *m;
	if (!email)
		jx_error_add(errors, "email", "can't be blank");
	else if ((m = valid_email(email)))
		jx_error_add(errors, "email", m);
	if (!username)
		jx_error_add(errors, "username", "can't be blank");
	else if ((m = valid_username(username)))
		jx_error_add(errors, "username", m);
	if (!password)
		jx_error_add(errors, "password", "can't be blank");
	else if ((m = pw_policy(password, username, email)))
		jx_error_add(errors, "password", m);
	if (fullname && (m = valid_text(fullname, FULLNAME_MAX, 1)))
		jx_error_add(errors, "fullname", m);
	if (json_object_size(errors)) {
		reply_invalid(r, errors);
		errors = NULL;
		goto out;
	}
	memset(&u, 0, sizeof u);
	rand_id("us", u.id);
	snprintf(u.username, sizeof u.username, "%s", username);
	snprintf(u.email, sizeof u.email, "%s", email);
	snprintf(u.fullname, sizeof u.fullname, "%s", fullname ? fullname : "");
	u.created_at = api_now(r);
	{
		char code[RAND_SECRET_MAX];
		unsigned char raw[8];
		randombytes_buf(raw, sizeof raw);
		sodium_bin2hex(code, sizeof code, raw, sizeof raw);
		snprintf(u.referral_code, sizeof u.referral_code, "%s", code);
	}
	/* hash outside the transaction: it is the slow part */
	if ((rc = pw_hash(r->app->pw, password, hash)) != 0) {
		reply_internal(r, "pw_hash", rc);
		goto out;
	}
	if ((rc = store_tx_begin(req_db(r), STORE_TX_WRITE)) != 0) {
		reply_rc(r, rc, "user");
		goto out;
	}
	/* the unique constraints decide; the store says which fields conflicted */
	unsigned taken = 0;
	rc = store_user_insert(req_db(r), &u, hash,
	                       referral && strlen(referral) <= 64 ? referral : NULL, &taken);
	if (rc == 0)
		rc = events_add(req_db(r), api_now(r), "new_user", u.id, NULL, NULL, NULL);
	if (rc == 0)
		rc = store_tx_commit(req_db(r));
	store_tx_rollback(req_db(r));
	if (rc == PP_ECONFLICT && taken) {
		reply_taken(r, taken);
		goto out;
	}
	if (rc) {
		reply_rc(r, rc, "user");
		goto out;
	}
	store_user_get(req_db(r), u.id, &u);
	reply_user(r, 201, &u);
out:
	sodium_memzero(hash, sizeof hash);
	json_decref(errors);
	return 0;
}

int api_users_self(struct req *r)
{
	reply_user(r, 200, &r->user);
	return 0;
}

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

int api_users_update(struct req *r)
{
	json_t *in = jx_unwrap(r->json, "user");
	json_t *errors = json_object(), *fields = json_array();
	const char *username, *email, *fullname, *company, *location, *password, *confirm, *current;
	int newsletter, rc, email_change = 0, pw_change = 0;
	struct user_rec u = r->user;
	char hash[PW_HASH_MAX] = "", token[RAND_SECRET_MAX];

	if (jx_opt_str(in, "username", &username) || jx_opt_str(in, "email", &email) ||
	    jx_opt_str(in, "fullname", &fullname) || jx_opt_str(in, "company", &company) ||
	    jx_opt_str(in, "location", &location) || jx_opt_str(in, "password", &password) ||
	    jx_opt_str(in, "password_confirmation", &confirm) ||
	    jx_opt_str(in, "current_password", &current) ||
	    jx_opt_bool(in, "email_newsletter", &newsletter)) {
		reply_error(r, 400, "profile fields must be strings (email_newsletter a boolean)");
		goto out;
	}
	if (take_text(errors, "username", username, valid_username, 0, u.username,
	              sizeof u.username))
		json_array_append_new(fields, json_string("username"));
	if (take_text(errors, "fullname", fullname, NULL, FULLNAME_MAX, u.fullname,
	              sizeof u.fullname))
		json_array_append_new(fields, json_string("fullname"));
	if (take_text(errors, "company", company, NULL, COMPANY_MAX, u.company, sizeof u.company))
		json_array_append_new(fields, json_string("company"));
	if (take_text(errors, "location", location, NULL, LOCATION_MAX, u.location,
	              sizeof u.location))
		json_array_append_new(fields, json_string("location"));
	if (newsletter >= 0 && newsletter != u.newsletter) {
		u.newsletter = newsletter;
		json_array_append_new(fields, json_string("email_newsletter"));
	}
	if (email) {
		const char *m = valid_email(email);
		if (m)
			jx_error_add(errors, "email", m);
		else if (strcasecmp(email, u.email) == 0) {
			/* back to the current address: cancel a pending change */
			if (u.unconfirmed_email[0]) {
				u.unconfirmed_email[0] = 0;
				email_change = -1;
				json_array_append_new(fields, json_string("unconfirmed_email"));
			}
		} else {
			snprintf(u.unconfirmed_email, sizeof u.unconfirmed_email, "%s", email);
			email_change = 1;
			json_array_append_new(fields, json_string("unconfirmed_email"));
		}
	}
	if (password) {
		const char *m = pw_policy(password, u.username, u.email);
		if (!current || !*current)
			jx_error_add(errors, "current_password",
			             "is required to change the password");
		else if (pw_verify(r->app->pw, r->user.password_hash, current) != 0)
			jx_error_add(errors, "current_password", "is invalid");
		if (m)
			jx_error_add(errors, "password", m);
		if (confirm && strcmp(confirm, password) != 0)
			jx_error_add(errors, "password_confirmation", "doesn't match password");
		pw_change = 1;
	}
	if (json_object_size(errors)) {
		reply_invalid(r, errors);
		errors = NULL;
		goto out;
	}
	if (pw_change && (rc = pw_hash(r->app->pw, password, hash)) != 0) {
		reply_internal(r, "pw_hash", rc);
		goto out;
	}
	struct store_conn *db = req_db(r);
	if ((rc = store_tx_begin(db, STORE_TX_WRITE)) != 0) {
		reply_rc(r, rc, "user");
		goto out;
	}
	/* the new address is unique only once confirmed: refuse one taken now */
	unsigned taken = 0, pending_taken = 0;
	rc = email_change == 1 ? store_user_email_check(db, u.unconfirmed_email, u.id) : 0;
	if (rc == PP_ECONFLICT) {
		pending_taken = STORE_USER_EMAIL;
		rc = 0;
	}
	if (rc == 0)
		rc = store_user_update_profile(db, &u, &taken);
	if (rc == 0 && pending_taken)
		rc = PP_ECONFLICT;
	taken |= pending_taken;
	if (rc == 0 && email_change == 1) {
		rc = new_link(r, u.id, "confirm_email", u.unconfirmed_email, EMAIL_CONFIRM_TTL_MS,
		              token);
		if (rc == 0) {
			api_mail_link(r, u.unconfirmed_email, "Confirm your new email address",
			              "Follow this link to make this address the email of your "
			              "paasport account (valid 24 hours):",
			              "/#/confirm-email/", token);
			mailer_enqueue(
			        db, api_now(r), u.email, "Your email address is changing",
			        "Hello,\r\n\r\nA change of the email address of your "
			        "paasport account was asked. It takes effect only when the "
			        "link mailed to the new address is followed.\r\n\r\nIf this "
			        "was not you, change your password now.\r\n\r\n-- paasport\r\n");
		}
	} else if (rc == 0 && email_change == -1) {
		rc = store_link_void(db, u.id, "confirm_email", api_now(r));
	}
	if (rc == 0 && pw_change) {
		/* other sessions and every bearer JWT issued before now stop working */
		rc = store_user_set_password(db, u.id, hash, 1);
		if (rc == 0)
			rc = store_session_delete_others(
			        db, u.id, r->auth == AUTH_SESSION ? r->session.id : NULL);
		if (rc == 0)
			rc = mailer_enqueue(
			        db, api_now(r), u.email, "Your password was changed",
			        "Hello,\r\n\r\nThe password of your paasport account was "
			        "just changed; your other sessions were signed out.\r\n\r\n"
			        "If this was not you, reset your password now.\r\n\r\n-- "
			        "paasport\r\n");
		json_array_append_new(fields, json_string("password"));
	}
	if (rc == 0 && json_array_size(fields))
		rc = events_add(db, api_now(r), "edit_profile", u.id, NULL, NULL,
		                events_data_edit_profile(fields));
	if (rc == 0)
		rc = store_tx_commit(db);
	store_tx_rollback(db);
	if (rc == PP_ECONFLICT && taken) {
		reply_taken(r, taken);
		goto out;
	}
	if (rc) {
		reply_rc(r, rc, "user");
		goto out;
	}
	mailer_wake(r->app->mailer);
	store_user_get(db, u.id, &u);
	reply_user(r, 200, &u);
out:
	sodium_memzero(hash, sizeof hash);
	json_decref(errors);
	json_decref(fields);
	return 0;
}

static const char *body_token(struct req *r)
{
	const char *t = NULL;
	if (jx_opt_str(r->json, "token", &t) || !t || !*t || strlen(t) > 128)
		return NULL;
	return t;
}

int api_users_email_confirm(struct req *r)
{
	const char *token = body_token(r);
	char hash[RAND_SHA256_HEX_LEN], user_id[ID_MAX], email[TXT(EMAIL_MAX)];
	struct user_rec u;
	int rc;
	if (!token) {
		reply_error(r, 400, "token must be a non-empty string");
		return 0;
	}
	rand_sha256_hex(token, strlen(token), hash);
	struct store_conn *db = req_db(r);
	if ((rc = store_tx_begin(db, STORE_TX_WRITE)) != 0) {
		reply_rc(r, rc, "user");
		return 0;
	}
	rc = store_link_consume(db, "confirm_email", hash, api_now(r), user_id, email,
	                        sizeof email);
	if (rc == PP_ENOTFOUND || rc == PP_EEXPIRED) {
		store_tx_rollback(db);
		reply_invalid1(r, "token", "is invalid, used or expired");
		return 0;
	}
	if (rc == 0)
		rc = store_user_get(db, user_id, &u);
	unsigned taken = 0;
	if (rc == 0) {
		snprintf(u.email, sizeof u.email, "%s", email);
		u.unconfirmed_email[0] = 0;
		rc = store_user_update_profile(db, &u, &taken);
	}
	if (rc == PP_ECONFLICT && (taken & STORE_USER_EMAIL)) {
		store_tx_rollback(db);
		reply_invalid1(r, "email", "is already taken");
		return 0;
	}
	if (rc == 0)
		rc = events_add(db, api_now(r), "edit_profile", u.id, NULL, NULL,
		                events_data_edit_profile1("email"));
	if (rc == 0)
		rc = store_tx_commit(db);
	if (rc) {
		reply_rc(r, rc == PP_ECONFLICT ? PP_EDB : rc, "user");
		return 0;
	}
	reply_user(r, 200, &u);
	return 0;
}

int api_users_reset_request(struct req *r)
{
	const char *email = NULL;
	struct user_rec u;
	char token[RAND_SECRET_MAX];
	if (jx_opt_str(r->json, "email", &email) || !email) {
		reply_error(r, 400, "email must be a string");
		return 0;
	}
	struct store_conn *db = req_db(r);
	/* the same answer whether the account exists or not (no enumeration) */
	if (strlen(email) <= EMAIL_MAX * 4 && store_tx_begin(db, STORE_TX_WRITE) == 0) {
		int rc = store_user_by_login(db, email, &u);
		if (rc == 0 && strcasecmp(u.email, email) == 0) {
			rc = new_link(r, u.id, "password_reset", NULL, PASSWORD_RESET_TTL_MS,
			              token);
			if (rc == 0)
				api_mail_link(
				        r, u.email, "Reset your paasport password",
				        "Follow this link to choose a new password (valid one "
				        "hour, once):",
				        "/#/reset-password/", token);
			if (rc == 0)
				rc = events_add(db, api_now(r), "password_reset_query", u.id, NULL,
				                NULL, events_data_remote_ip(r->ip));
			if (rc == 0 && store_tx_commit(db) == 0)
				mailer_wake(r->app->mailer);
		}
		store_tx_rollback(db);
	}
	reply_json(r, 202,
	           json_pack("{s:s}", "message",
	                     "if an account has this email, a reset link was mailed to it"));
	return 0;
}

/* Opens a write transaction, consumes the reset link and checks the password
 * against the policy for its user. 0 with the transaction open; otherwise the
 * reply is made, the transaction rolled back (the link stays usable) and 1 returned. */
static int reset_open(struct req *r, struct store_conn *db, const char *hash, const char *password,
                      struct user_rec *u)
{
	char user_id[ID_MAX];
	int rc;
	if ((rc = store_tx_begin(db, STORE_TX_WRITE)) != 0) {
		reply_rc(r, rc, "user");
		return 1;
	}
	rc = store_link_consume(db, "password_reset", hash, api_now(r), user_id, NULL, 0);
	if (rc == PP_ENOTFOUND || rc == PP_EEXPIRED) {
		store_tx_rollback(db);
		reply_invalid1(r, "token", "is invalid, used or expired");
		return 1;
	}
	if (rc == 0)
		rc = store_user_get(db, user_id, u);
	if (rc) {
		store_tx_rollback(db);
		reply_rc(r, rc, "user");
		return 1;
	}
	const char *m = pw_policy(password, u->username, u->email);
	if (m) {
		store_tx_rollback(db);
		reply_invalid1(r, "password", m);
		return 1;
	}
	return 0;
}

int api_users_reset_perform(struct req *r)
{
	const char *token = body_token(r), *password = NULL;
	char hash[RAND_SHA256_HEX_LEN], pwh[PW_HASH_MAX];
	struct user_rec u;
	int rc;
	if (!token || jx_opt_str(r->json, "password", &password) || !password) {
		reply_error(r, 400, "token and password must be non-empty strings");
		return 0;
	}
	rand_sha256_hex(token, strlen(token), hash);
	struct store_conn *db = req_db(r);
	/* check first, hash without holding the write lock, then check again and
	 * write: the link is consumed in the same transaction as the new hash */
	if (reset_open(r, db, hash, password, &u))
		return 0;
	store_tx_rollback(db);
	if ((rc = pw_hash(r->app->pw, password, pwh)) != 0) {
		reply_internal(r, "pw_hash", rc);
		return 0;
	}
	if (reset_open(r, db, hash, password, &u)) {
		sodium_memzero(pwh, sizeof pwh);
		return 0;
	}
	rc = store_user_set_password(db, u.id, pwh, 1);
	if (rc == 0)
		rc = store_session_delete_others(db, u.id, NULL);
	if (rc == 0)
		rc = events_add(db, api_now(r), "password_reset_success", u.id, NULL, NULL,
		                events_data_remote_ip(r->ip));
	if (rc == 0)
		rc = mailer_enqueue(
		        db, api_now(r), u.email, "Your password was reset",
		        "Hello,\r\n\r\nThe password of your paasport account was just "
		        "reset with a mailed link; every session was signed out.\r\n\r\n"
		        "-- paasport\r\n");
	if (rc == 0)
		rc = store_tx_commit(db);
	sodium_memzero(pwh, sizeof pwh);
	if (rc) {
		reply_rc(r, rc, "user");
		return 0;
	}
	mailer_wake(r->app->mailer);
	reply_json(r, 200, json_pack("{s:s}", "message", "password changed, log in again"));
	return 0;
}

static void add_name(const char *name, void *arg)
{
	json_array_append_new(arg, json_string(name));
}

/* 409 listing the apps the user still owns; 0 when there are none. */
static int refuse_if_owner(struct req *r, const char *user_id)
{
	json_t *names = json_array();
	int rc = store_app_owned(req_db(r), user_id, add_name, names);
	if (rc) {
		json_decref(names);
		reply_rc(r, rc, "user");
		return rc;
	}
	if (json_array_size(names) == 0) {
		json_decref(names);
		return 0;
	}
	reply_json(r, 409,
	           json_pack("{s:s, s:o}", "error",
	                     "the account still owns apps: delete them first", "apps", names));
	return PP_ECONFLICT;
}

int api_users_delete_request(struct req *r)
{
	char id[RAND_ID_LEN], token[RAND_SECRET_MAX], path[RAND_ID_LEN + 32];
	struct store_conn *db = req_db(r);
	int rc;
	if (refuse_if_owner(r, r->user.id))
		return 0;
	rand_id("del", id);
	if ((rc = store_tx_begin(db, STORE_TX_WRITE)) ||
	    (rc = new_link(r, r->user.id, "delete_account", id, ACCOUNT_DELETE_TTL_MS, token)))
		goto fail;
	snprintf(path, sizeof path, "/#/delete-account/%s/", id);
	api_mail_link(r, r->user.email, "Confirm the deletion of your paasport account",
	              "Follow this link to delete your account for good (valid 24 hours, once). "
	              "Your personal data is erased; invoices are kept as the law requires:",
	              path, token);
	if ((rc = store_tx_commit(db)))
		goto fail;
	mailer_wake(r->app->mailer);
	sodium_memzero(token, sizeof token);
	reply_json(r, 202, json_pack("{s:{s:s}}", "deletion", "id", id));
	return 0;
fail:
	store_tx_rollback(db);
	reply_rc(r, rc, "user");
	return 0;
}

int api_users_delete_confirm(struct req *r)
{
	json_t *in = jx_unwrap(r->json, "deletion");
	const char *token = NULL, *reason = NULL, *details = NULL;
	char hash[RAND_SHA256_HEX_LEN], user_id[ID_MAX], id[RAND_ID_LEN];
	int rc;
	if (jx_opt_str(in, "token", &token) || jx_opt_str(in, "reason", &reason) ||
	    jx_opt_str(in, "details", &details) || !token || !*token || strlen(token) > 128) {
		reply_error(r, 400,
		            "deletion.token must be a non-empty string (reason and details "
		            "optional strings)");
		return 0;
	}
	if ((reason && str_utf8_chars(reason) > DELETE_REASON_MAX) ||
	    (details && str_utf8_chars(details) > DELETE_REASON_MAX)) {
		reply_invalid1(r,
		               reason && str_utf8_chars(reason) > DELETE_REASON_MAX ? "reason"
		                                                                    : "details",
		               "is too long");
		return 0;
	}
	rand_sha256_hex(token, strlen(token), hash);
	struct store_conn *db = req_db(r);
	if ((rc = store_tx_begin(db, STORE_TX_WRITE)) != 0)
		goto fail;
	rc = store_link_consume(db, "delete_account", hash, api_now(r), user_id, id, sizeof id);
	if (rc == PP_ENOTFOUND || rc == PP_EEXPIRED ||
	    (rc == 0 && strcmp(id, req_param(r, "id")))) {
		store_tx_rollback(db);
		reply_invalid1(r, "token", "is invalid, used or expired");
		return 0;
	}
	if (rc)
		goto fail;
	if (refuse_if_owner(r, user_id)) {
		store_tx_rollback(db); /* the link stays usable once the apps are gone */
		return 0;
	}
	/* the reason is not stored: it could hold personal data */
	if ((rc = erase_account(db, user_id, api_now(r))) || (rc = store_tx_commit(db)))
		goto fail;
	/* no cookie is touched: whoever opened the link may be logged in as someone else;
	 * the deleted account's sessions are gone from the store */
	reply_empty(r, 204);
	return 0;
fail:
	store_tx_rollback(db);
	reply_rc(r, rc, "user");
	return 0;
}

int api_referral_link(struct req *r)
{
	/* the public referral link: to the sign-up page, carrying the code (hex) */
	const char *code = req_param(r, "code");
	char loc[96] = "/#/signup";
	size_t n = strlen(code);
	int ok = n > 0 && n <= 32;
	for (size_t i = 0; ok && i < n; i++)
		ok = (code[i] >= '0' && code[i] <= '9') || (code[i] >= 'a' && code[i] <= 'f');
	if (ok)
		snprintf(loc, sizeof loc, "/#/signup/%s", code);
	reply_empty(r, 302);
	reply_header(r, "Location", loc);
	return 0;
}
