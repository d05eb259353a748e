/* sq_acct.c - SQLite: users, sessions, API tokens and one-time links. */
#include "store/sqlite/sq.h"
#include "util/str.h"
#include "store/store_acct.h"
#include "util/err.h"

#include <stdio.h>
#include <string.h>

#define USER_COLS                                                                                  \
	"id, username, email, unconfirmed_email, password_hash, fullname, company, location, "     \
	"email_newsletter, created_at, auth_epoch, failed_logins, locked_until, "                  \
	"suspended_at, suspension_reason, referral_code, email_pending, email_confirmed_at"
#define USER_COLS_U                                                                                \
	"u.id, u.username, u.email, u.unconfirmed_email, u.password_hash, u.fullname, "            \
	"u.company, u.location, u.email_newsletter, u.created_at, u.auth_epoch, "                  \
	"u.failed_logins, u.locked_until, u.suspended_at, u.suspension_reason, "                   \
	"u.referral_code, u.email_pending, u.email_confirmed_at"

static void read_user_at(sqlite3_stmt *st, int o, struct user_rec *u)
{
	sq_col_text(st, o + 0, u->id, sizeof u->id);
	sq_col_text(st, o + 1, u->username, sizeof u->username);
	sq_col_text(st, o + 2, u->email, sizeof u->email);
	sq_col_text(st, o + 3, u->unconfirmed_email, sizeof u->unconfirmed_email);
	sq_col_text(st, o + 4, u->password_hash, sizeof u->password_hash);
	sq_col_text(st, o + 5, u->fullname, sizeof u->fullname);
	sq_col_text(st, o + 6, u->company, sizeof u->company);
	sq_col_text(st, o + 7, u->location, sizeof u->location);
	u->newsletter = sqlite3_column_int(st, o + 8);
	u->created_at = sqlite3_column_int64(st, o + 9);
	u->auth_epoch = sqlite3_column_int64(st, o + 10);
	u->failed_logins = sqlite3_column_int(st, o + 11);
	u->locked_until = sqlite3_column_int64(st, o + 12);
	u->suspended_at = sqlite3_column_int64(st, o + 13);
	sq_col_text(st, o + 14, u->suspension_reason, sizeof u->suspension_reason);
	sq_col_text(st, o + 15, u->referral_code, sizeof u->referral_code);
	u->email_pending = sqlite3_column_int(st, o + 16);
	u->email_confirmed_at = sqlite3_column_int64(st, o + 17);
}

static void read_user(sqlite3_stmt *st, struct user_rec *u)
{
	read_user_at(st, 0, u);
}

/*
 * After a write refused by a unique constraint: which of username / email_lc
 * another account holds (in the same transaction, so it sees what the
 * constraint saw). Only explains a conflict the constraint already decided.
 */
static int user_conflicts(struct store_conn *c, const struct user_rec *u, unsigned *conflicts)
{
	char lc[sizeof u->email];
	unsigned bits = 0;
	str_lower(lc, sizeof lc, u->email);
	sqlite3_stmt *st = sq_stmt(c, "SELECT username = ?1, email_lc = ?2 FROM users WHERE "
	                              "(username = ?1 OR email_lc = ?2) AND id <> ?3");
	if (!st)
		return PP_EDB;
	sq_bind_text(st, 1, u->username);
	sq_bind_text(st, 2, lc);
	sq_bind_text(st, 3, u->id);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (sqlite3_column_int(st, 0))
			bits |= STORE_USER_USERNAME;
		if (sqlite3_column_int(st, 1))
			bits |= STORE_USER_EMAIL;
	}
	sq_done(st);
	if (rc != SQLITE_DONE)
		return sq_rc(c, rc);
	if (conflicts)
		*conflicts = bits;
	return PP_ECONFLICT;
}

int sq_user_insert(struct store_conn *c, const struct user_rec *u, const char *password_hash,
                   const char *referral_code, unsigned *conflicts)
{
	char lc[sizeof u->email];
	if (conflicts)
		*conflicts = 0;
	/* referred_by: the live account whose referral code was given, if any. A
	 * unique conflict inserts nothing (and ends no transaction, as in
	 * PostgreSQL's ON CONFLICT DO NOTHING): then user_conflicts says why. */
	sqlite3_stmt *st = sq_stmt(
	        c, "INSERT INTO users(id, username, email, email_lc, password_hash, fullname, "
	           "email_newsletter, created_at, referral_code, referred_by, email_pending) "
	           "VALUES (?,?,?,?,?,?,?,?,?,(SELECT id FROM users WHERE referral_code = ? AND "
	           "deleted_at IS NULL), ?) ON CONFLICT DO NOTHING");
	if (!st)
		return PP_EDB;
	str_lower(lc, sizeof lc, u->email);
	sq_bind_text(st, 1, u->id);
	sq_bind_text(st, 2, u->username);
	sq_bind_text(st, 3, u->email);
	sq_bind_text(st, 4, lc);
	sq_bind_text(st, 5, password_hash);
	sq_bind_text(st, 6, u->fullname);
	sqlite3_bind_int(st, 7, u->newsletter);
	sqlite3_bind_int64(st, 8, u->created_at);
	sq_bind_text(st, 9, u->referral_code);
	sq_bind_text(st, 10, referral_code);
	sqlite3_bind_int(st, 11, u->email_pending ? 1 : 0);
	int rc = sq_step_write(c, st, 1);
	return rc == PP_ENOTFOUND ? user_conflicts(c, u, conflicts) : rc;
}

int sq_user_get(struct store_conn *c, const char *id, struct user_rec *u)
{
	sqlite3_stmt *st =
	        sq_stmt(c, "SELECT " USER_COLS " FROM users WHERE id = ? AND deleted_at IS NULL");
	if (!st)
		return PP_EDB;
	sq_bind_text(st, 1, id);
	int rc = sq_step_row(c, st);
	if (rc == 0)
		read_user(st, u);
	sq_done(st);
	return rc;
}

int sq_user_by_login(struct store_conn *c, const char *login, struct user_rec *u)
{
	char lc[TXT(EMAIL_MAX)];
	str_lower(lc, sizeof lc, login);
	sqlite3_stmt *st = sq_stmt(c, "SELECT " USER_COLS " FROM users WHERE (username = ? OR "
	                              "email_lc = ?) AND deleted_at IS NULL");
	if (!st)
		return PP_EDB;
	sq_bind_text(st, 1, login);
	sq_bind_text(st, 2, lc);
	int rc = sq_step_row(c, st);
	if (rc == 0)
		read_user(st, u);
	sq_done(st);
	return rc;
}

int sq_user_email_check(struct store_conn *c, const char *email, const char *except_id)
{
	char lc[TXT(EMAIL_MAX)];
	str_lower(lc, sizeof lc, email);
	sqlite3_stmt *st = sq_stmt(c, "SELECT 1 FROM users WHERE email_lc = ? AND id <> ?");
	if (!st)
		return PP_EDB;
	sq_bind_text(st, 1, lc);
	sq_bind_text(st, 2, except_id ? except_id : "");
	int rc = sq_step_row(c, st);
	sq_done(st);
	/* a row: taken; no row: free; anything else is an error, never "free" */
	return rc == 0 ? PP_ECONFLICT : rc == PP_ENOTFOUND ? 0 : rc;
}

int sq_user_update_profile(struct store_conn *c, const struct user_rec *u, unsigned *conflicts)
{
	char lc[sizeof u->email];
	if (conflicts)
		*conflicts = 0;
	str_lower(lc, sizeof lc, u->email);
	sqlite3_stmt *st = sq_stmt(
	        c, "UPDATE users SET username = ?, email = ?, email_lc = ?, unconfirmed_email = ?, "
	           "fullname = ?, company = ?, location = ?, email_newsletter = ? "
	           "WHERE id = ? AND deleted_at IS NULL");
	if (!st)
		return PP_EDB;
	sq_bind_text(st, 1, u->username);
	sq_bind_text(st, 2, u->email);
	sq_bind_text(st, 3, lc);
	sq_bind_text(st, 4, u->unconfirmed_email[0] ? u->unconfirmed_email : NULL);
	sq_bind_text(st, 5, u->fullname);
	sq_bind_text(st, 6, u->company[0] ? u->company : NULL);
	sq_bind_text(st, 7, u->location[0] ? u->location : NULL);
	sqlite3_bind_int(st, 8, u->newsletter);
	sq_bind_text(st, 9, u->id);
	/* a unique violation fails this statement only (the transaction goes on) */
	int rc = sq_step_write(c, st, 1);
	return rc == PP_ECONFLICT ? user_conflicts(c, u, conflicts) : rc;
}

int sq_user_email_proven(struct store_conn *c, const char *id, int64_t now)
{
	sqlite3_stmt *st = sq_stmt(c, "UPDATE users SET email_pending = 0, email_confirmed_at = ? "
	                              "WHERE id = ? AND deleted_at IS NULL");
	if (!st)
		return PP_EDB;
	sqlite3_bind_int64(st, 1, now);
	sq_bind_text(st, 2, id);
	return sq_step_write(c, st, 1);
}

int sq_user_pending_expired(struct store_conn *c, int64_t before, const char *login,
                            char ids[][ID_MAX], int cap, int *n)
{
	char lc[TXT(EMAIL_MAX)] = "";
	*n = 0;
	if (login)
		str_lower(lc, sizeof lc, login);
	/* by login: the unique indexes of username and email_lc; the sweep: the
	 * partial index users_email_pending */
	sqlite3_stmt *st =
	        login ? sq_stmt(c, "SELECT id FROM users WHERE (username = ?2 OR email_lc = ?3) "
	                           "AND email_pending = 1 AND created_at < ?1 AND deleted_at IS "
	                           "NULL ORDER BY created_at LIMIT ?4")
	              : sq_stmt(c, "SELECT id FROM users WHERE email_pending = 1 AND created_at "
	                           "< ?1 AND deleted_at IS NULL ORDER BY created_at LIMIT ?4");
	if (!st)
		return PP_EDB;
	sqlite3_bind_int64(st, 1, before);
	if (login) {
		sq_bind_text(st, 2, login);
		sq_bind_text(st, 3, lc);
	}
	sqlite3_bind_int(st, 4, cap);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && *n < cap)
		sq_col_text(st, 0, ids[(*n)++], ID_MAX);
	sq_done(st);
	return rc == SQLITE_DONE || rc == SQLITE_ROW ? 0 : sq_rc(c, rc);
}

int sq_user_anonymize(struct store_conn *c, const char *user_id, int64_t now)
{
	sqlite3_stmt *st = sq_stmt(c, "UPDATE users SET username = NULL, email = NULL, "
	                              "email_lc = NULL, unconfirmed_email = NULL, "
	                              "password_hash = NULL, fullname = '', company = NULL, "
	                              "location = NULL, email_newsletter = 0, suspension_reason = "
	                              "NULL, deleted_at = ? WHERE id = ? AND deleted_at IS NULL");
	if (!st)
		return PP_EDB;
	sqlite3_bind_int64(st, 1, now);
	sq_bind_text(st, 2, user_id);
	return sq_step_write(c, st, 1);
}

int sq_user_past_add(struct store_conn *c, const char *user_id, const char *kind, const char *value,
                     int64_t now)
{
	/* held since the end of the previous value of that kind, else since sign-up */
	sqlite3_stmt *st = sq_stmt(
	        c, "INSERT INTO user_past_ids(user_id, kind, value, from_at, until_at) "
	           "SELECT ?1, ?2, ?3, COALESCE((SELECT MAX(until_at) FROM user_past_ids WHERE "
	           "user_id = ?1 AND kind = ?2), created_at), ?4 FROM users WHERE id = ?1");
	if (!st)
		return PP_EDB;
	sq_bind_text(st, 1, user_id);
	sq_bind_text(st, 2, kind);
	sq_bind_text(st, 3, value);
	sqlite3_bind_int64(st, 4, now);
	return sq_step_write(c, st, 1);
}

int sq_user_past_list(struct store_conn *c, const char *user_id,
                      void (*cb)(const struct user_past_id *, void *), void *arg)
{
	sqlite3_stmt *st = sq_stmt(c, "SELECT kind, value, from_at, until_at FROM user_past_ids "
	                              "WHERE user_id = ? ORDER BY kind, until_at");
	if (!st)
		return PP_EDB;
	sq_bind_text(st, 1, user_id);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct user_past_id p;
		snprintf(p.kind, sizeof p.kind, "%s", (const char *)sqlite3_column_text(st, 0));
		snprintf(p.value, sizeof p.value, "%s", (const char *)sqlite3_column_text(st, 1));
		p.from_at = sqlite3_column_int64(st, 2);
		p.until_at = sqlite3_column_int64(st, 3);
		cb(&p, arg);
	}
	sq_done(st);
	return rc == SQLITE_DONE ? 0 : sq_rc(c, rc);
}

int sq_user_past_since(struct store_conn *c, const char *user_id, const char *kind, int64_t *since)
{
	sqlite3_stmt *st = sq_stmt(c, "SELECT COALESCE((SELECT MAX(until_at) FROM user_past_ids "
	                              "WHERE user_id = ?1 AND kind = ?2), created_at) FROM users "
	                              "WHERE id = ?1");
	if (!st)
		return PP_EDB;
	sq_bind_text(st, 1, user_id);
	sq_bind_text(st, 2, kind);
	int rc = sq_step_row(c, st);
	if (rc == 0)
		*since = sqlite3_column_int64(st, 0);
	sq_done(st);
	return rc;
}

int sq_user_email_claimed(struct store_conn *c, const char *email, const char *except_id)
{
	char lc[TXT(EMAIL_MAX)];
	str_lower(lc, sizeof lc, email);
	sqlite3_stmt *st =
	        sq_stmt(c, "SELECT 1 FROM users WHERE email_lc = ?1 AND id <> ?2 "
	                   "UNION ALL SELECT 1 FROM user_past_ids p JOIN users u ON "
	                   "u.id = p.user_id WHERE p.kind = 'email' AND lower(p.value) = "
	                   "?1 AND p.user_id <> ?2 AND u.deleted_at IS NULL LIMIT 1");
	if (!st)
		return PP_EDB;
	sq_bind_text(st, 1, lc);
	sq_bind_text(st, 2, except_id ? except_id : "");
	int rc = sq_step_row(c, st);
	sq_done(st);
	return rc == 0 ? PP_ECONFLICT : rc == PP_ENOTFOUND ? 0 : rc;
}

int sq_user_past_forget(struct store_conn *c, const char *user_id)
{
	sqlite3_stmt *st = sq_stmt(c, "DELETE FROM user_past_ids WHERE user_id = ?");
	if (!st)
		return PP_EDB;
	sq_bind_text(st, 1, user_id);
	return sq_step_write(c, st, 0);
}

int sq_user_set_password(struct store_conn *c, const char *id, const char *hash, int bump_epoch)
{
	sqlite3_stmt *st = sq_stmt(c, "UPDATE users SET password_hash = ?, "
	                              "auth_epoch = auth_epoch + ?, failed_logins = 0, "
	                              "locked_until = 0 WHERE id = ?");
	if (!st)
		return PP_EDB;
	sq_bind_text(st, 1, hash);
	sqlite3_bind_int(st, 2, bump_epoch ? 1 : 0);
	sq_bind_text(st, 3, id);
	return sq_step_write(c, st, 1);
}

int sq_user_login_failed(struct store_conn *c, const char *id, int64_t now, int threshold,
                         int64_t lock_ms, int *locked)
{
	*locked = 0;
	sqlite3_stmt *st = sq_stmt(c, "UPDATE users SET failed_logins = failed_logins + 1 "
	                              "WHERE id = ? RETURNING failed_logins");
	if (!st)
		return PP_EDB;
	sq_bind_text(st, 1, id);
	int rc = sq_step_row(c, st);
	int n = rc == 0 ? sqlite3_column_int(st, 0) : 0;
	sq_done(st);
	if (rc)
		return rc;
	if (n >= threshold) {
		st = sq_stmt(c,
		             "UPDATE users SET failed_logins = 0, locked_until = ? WHERE id = ?");
		if (!st)
			return PP_EDB;
		sqlite3_bind_int64(st, 1, now + lock_ms);
		sq_bind_text(st, 2, id);
		if ((rc = sq_step_write(c, st, 1)) != 0)
			return rc;
		*locked = 1;
	}
	return 0;
}

int sq_user_login_ok(struct store_conn *c, const char *id)
{
	sqlite3_stmt *st = sq_stmt(c, "UPDATE users SET failed_logins = 0, locked_until = 0 "
	                              "WHERE id = ? AND (failed_logins <> 0 OR locked_until <> 0)");
	if (!st)
		return PP_EDB;
	sq_bind_text(st, 1, id);
	return sq_step_write(c, st, 0);
}

/* ---- sessions ---- */

#define SESSION_COLS                                                                               \
	"id, user_id, csrf_token, created_at, last_seen_at, expires_at, remote_ip, user_agent"

static void read_session(sqlite3_stmt *st, struct session_rec *s)
{
	sq_col_text(st, 0, s->id, sizeof s->id);
	sq_col_text(st, 1, s->user_id, sizeof s->user_id);
	sq_col_text(st, 2, s->csrf_token, sizeof s->csrf_token);
	s->created_at = sqlite3_column_int64(st, 3);
	s->last_seen_at = sqlite3_column_int64(st, 4);
	s->expires_at = sqlite3_column_int64(st, 5);
	sq_col_text(st, 6, s->remote_ip, sizeof s->remote_ip);
	sq_col_text(st, 7, s->user_agent, sizeof s->user_agent);
}

int sq_session_insert(struct store_conn *c, const struct session_rec *s, const char *secret_hash)
{
	sqlite3_stmt *st = sq_stmt(c, "INSERT INTO sessions(" SESSION_COLS
	                              ", secret_hash) VALUES (?,?,?,?,?,?,?,?,?)");
	if (!st)
		return PP_EDB;
	sq_bind_text(st, 1, s->id);
	sq_bind_text(st, 2, s->user_id);
	sq_bind_text(st, 3, s->csrf_token);
	sqlite3_bind_int64(st, 4, s->created_at);
	sqlite3_bind_int64(st, 5, s->last_seen_at);
	sqlite3_bind_int64(st, 6, s->expires_at);
	sq_bind_text(st, 7, s->remote_ip);
	sq_bind_text(st, 8, s->user_agent);
	sq_bind_text(st, 9, secret_hash);
	return sq_step_write(c, st, 0);
}

int sq_session_touch(struct store_conn *c, const char *id, int64_t now, int64_t expires_at)
{
	sqlite3_stmt *st =
	        sq_stmt(c, "UPDATE sessions SET last_seen_at = ?, expires_at = ? WHERE id = ?");
	if (!st)
		return PP_EDB;
	sqlite3_bind_int64(st, 1, now);
	sqlite3_bind_int64(st, 2, expires_at);
	sq_bind_text(st, 3, id);
	return sq_step_write(c, st, 0);
}

int sq_session_list(struct store_conn *c, const char *user_id, int64_t now,
                    void (*cb)(const struct session_rec *, void *), void *arg)
{
	sqlite3_stmt *st = sq_stmt(c, "SELECT " SESSION_COLS " FROM sessions WHERE user_id = ? "
	                              "AND expires_at > ? ORDER BY created_at DESC, id");
	if (!st)
		return PP_EDB;
	sq_bind_text(st, 1, user_id);
	sqlite3_bind_int64(st, 2, now);
	int rc;
	struct session_rec s;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		read_session(st, &s);
		cb(&s, arg);
	}
	sq_done(st);
	return rc == SQLITE_DONE ? 0 : sq_rc(c, rc);
}

int sq_session_delete(struct store_conn *c, const char *user_id, const char *id)
{
	sqlite3_stmt *st = sq_stmt(c, "DELETE FROM sessions WHERE id = ? AND user_id = ?");
	if (!st)
		return PP_EDB;
	sq_bind_text(st, 1, id);
	sq_bind_text(st, 2, user_id);
	return sq_step_write(c, st, 1);
}

int sq_session_delete_others(struct store_conn *c, const char *user_id, const char *keep_id)
{
	sqlite3_stmt *st = sq_stmt(c, "DELETE FROM sessions WHERE user_id = ? AND id <> ?");
	if (!st)
		return PP_EDB;
	sq_bind_text(st, 1, user_id);
	sq_bind_text(st, 2, keep_id ? keep_id : "");
	return sq_step_write(c, st, 0);
}

/* ---- tokens ---- */

#define TOKEN_COLS "id, user_id, name, version, created_at, issued_at, last_used_at"

static void read_token(sqlite3_stmt *st, struct token_rec *t)
{
	sq_col_text(st, 0, t->id, sizeof t->id);
	sq_col_text(st, 1, t->user_id, sizeof t->user_id);
	sq_col_text(st, 2, t->name, sizeof t->name);
	t->version = sqlite3_column_int64(st, 3);
	t->created_at = sqlite3_column_int64(st, 4);
	t->issued_at = sqlite3_column_int64(st, 5);
	t->last_used_at = sqlite3_column_int64(st, 6);
}

int sq_token_insert(struct store_conn *c, const struct token_rec *t, const char *secret_hash)
{
	sqlite3_stmt *st = sq_stmt(c, "INSERT INTO tokens(" TOKEN_COLS
	                              ", secret_hash) VALUES (?,?,?,?,?,?,NULL,?)");
	if (!st)
		return PP_EDB;
	sq_bind_text(st, 1, t->id);
	sq_bind_text(st, 2, t->user_id);
	sq_bind_text(st, 3, t->name);
	sqlite3_bind_int64(st, 4, t->version);
	sqlite3_bind_int64(st, 5, t->created_at);
	sqlite3_bind_int64(st, 6, t->issued_at);
	sq_bind_text(st, 7, secret_hash);
	return sq_step_write(c, st, 0);
}

static int token_one(struct store_conn *c, sqlite3_stmt *st, struct token_rec *t)
{
	int rc = sq_step_row(c, st);
	if (rc == 0)
		read_token(st, t);
	sq_done(st);
	return rc;
}

int sq_token_get(struct store_conn *c, const char *user_id, const char *id, struct token_rec *t)
{
	sqlite3_stmt *st =
	        sq_stmt(c, "SELECT " TOKEN_COLS " FROM tokens WHERE id = ? AND user_id = ?");
	if (!st)
		return PP_EDB;
	sq_bind_text(st, 1, id);
	sq_bind_text(st, 2, user_id);
	return token_one(c, st, t);
}

int sq_token_by_hash(struct store_conn *c, const char *secret_hash, struct token_rec *t)
{
	sqlite3_stmt *st = sq_stmt(c, "SELECT " TOKEN_COLS " FROM tokens WHERE secret_hash = ?");
	if (!st)
		return PP_EDB;
	sq_bind_text(st, 1, secret_hash);
	return token_one(c, st, t);
}

int sq_token_list(struct store_conn *c, const char *user_id,
                  void (*cb)(const struct token_rec *, void *), void *arg)
{
	sqlite3_stmt *st = sq_stmt(c, "SELECT " TOKEN_COLS " FROM tokens WHERE user_id = ? "
	                              "ORDER BY created_at, id");
	if (!st)
		return PP_EDB;
	sq_bind_text(st, 1, user_id);
	int rc;
	struct token_rec t;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		read_token(st, &t);
		cb(&t, arg);
	}
	sq_done(st);
	return rc == SQLITE_DONE ? 0 : sq_rc(c, rc);
}

int sq_token_renew(struct store_conn *c, const char *user_id, const char *id,
                   const char *secret_hash, int64_t now)
{
	sqlite3_stmt *st =
	        sq_stmt(c, "UPDATE tokens SET secret_hash = ?, version = version + 1, "
	                   "issued_at = MAX(?, issued_at + 1) WHERE id = ? AND user_id = ?");
	if (!st)
		return PP_EDB;
	sq_bind_text(st, 1, secret_hash);
	sqlite3_bind_int64(st, 2, now);
	sq_bind_text(st, 3, id);
	sq_bind_text(st, 4, user_id);
	return sq_step_write(c, st, 1);
}

int sq_token_delete(struct store_conn *c, const char *user_id, const char *id)
{
	sqlite3_stmt *st = sq_stmt(c, "DELETE FROM tokens WHERE id = ? AND user_id = ?");
	if (!st)
		return PP_EDB;
	sq_bind_text(st, 1, id);
	sq_bind_text(st, 2, user_id);
	return sq_step_write(c, st, 1);
}

int sq_token_delete_all(struct store_conn *c, const char *user_id)
{
	sqlite3_stmt *st = sq_stmt(c, "DELETE FROM tokens WHERE user_id = ?");
	if (!st)
		return PP_EDB;
	sq_bind_text(st, 1, user_id);
	return sq_step_write(c, st, 0);
}

int sq_token_touch(struct store_conn *c, const char *id, int64_t now)
{
	sqlite3_stmt *st = sq_stmt(c, "UPDATE tokens SET last_used_at = ? WHERE id = ?");
	if (!st)
		return PP_EDB;
	sqlite3_bind_int64(st, 1, now);
	sq_bind_text(st, 2, id);
	return sq_step_write(c, st, 0);
}

/* ---- one-time links ---- */

int sq_link_insert(struct store_conn *c, const char *user_id, const char *kind,
                   const char *token_hash, const char *data, int64_t now, int64_t expires_at)
{
	sqlite3_stmt *st = sq_stmt(c, "INSERT INTO one_time_links(id, user_id, kind, token_hash, "
	                              "data, created_at, expires_at) VALUES (?,?,?,?,?,?,?)");
	if (!st)
		return PP_EDB;
	/* the hash is unique and secret-derived; its prefix is a fine row id */
	char id[ID_MAX];
	snprintf(id, sizeof id, "otl-%.32s", token_hash);
	sq_bind_text(st, 1, id);
	sq_bind_text(st, 2, user_id);
	sq_bind_text(st, 3, kind);
	sq_bind_text(st, 4, token_hash);
	sq_bind_text(st, 5, data);
	sqlite3_bind_int64(st, 6, now);
	sqlite3_bind_int64(st, 7, expires_at);
	return sq_step_write(c, st, 0);
}

int sq_link_consume(struct store_conn *c, const char *kind, const char *token_hash, int64_t now,
                    char user_id[ID_MAX], char *data, size_t data_cap)
{
	sqlite3_stmt *st = sq_stmt(c, "SELECT user_id, data, expires_at, used_at FROM "
	                              "one_time_links WHERE token_hash = ? AND kind = ?");
	if (!st)
		return PP_EDB;
	sq_bind_text(st, 1, token_hash);
	sq_bind_text(st, 2, kind);
	int rc = sq_step_row(c, st);
	if (rc == 0) {
		sq_col_text(st, 0, user_id, ID_MAX);
		if (data)
			sq_col_text(st, 1, data, data_cap);
		if (sqlite3_column_int64(st, 2) <= now || sqlite3_column_type(st, 3) != SQLITE_NULL)
			rc = PP_EEXPIRED;
	}
	sq_done(st);
	if (rc)
		return rc;
	st = sq_stmt(c, "UPDATE one_time_links SET used_at = ? WHERE token_hash = ? AND "
	                "used_at IS NULL");
	if (!st)
		return PP_EDB;
	sqlite3_bind_int64(st, 1, now);
	sq_bind_text(st, 2, token_hash);
	rc = sq_step_write(c, st, 1);
	return rc == PP_ENOTFOUND ? PP_EEXPIRED : rc;
}

int sq_link_void(struct store_conn *c, const char *user_id, const char *kind, int64_t now)
{
	sqlite3_stmt *st = sq_stmt(c, "UPDATE one_time_links SET used_at = ? WHERE user_id = ? "
	                              "AND kind = ? AND used_at IS NULL");
	if (!st)
		return PP_EDB;
	sqlite3_bind_int64(st, 1, now);
	sq_bind_text(st, 2, user_id);
	sq_bind_text(st, 3, kind);
	return sq_step_write(c, st, 0);
}

int sq_link_delete_all(struct store_conn *c, const char *user_id)
{
	sqlite3_stmt *st = sq_stmt(c, "DELETE FROM one_time_links WHERE user_id = ?");
	if (!st)
		return PP_EDB;
	sq_bind_text(st, 1, user_id);
	return sq_step_write(c, st, 0);
}

/* ---- authentication: the credential and its live user in one query ---- */

static int auth_one(struct store_conn *c, sqlite3_stmt *st, const char *key,
                    void (*read_cred)(sqlite3_stmt *, void *), void *cred, int ncred,
                    struct user_rec *u)
{
	if (!st)
		return PP_EDB;
	sq_bind_text(st, 1, key);
	int rc = sq_step_row(c, st);
	if (rc == 0) {
		read_cred(st, cred);
		read_user_at(st, ncred, u);
	}
	sq_done(st);
	return rc;
}

static void read_token_v(sqlite3_stmt *st, void *t)
{
	read_token(st, t);
}

static void read_session_v(sqlite3_stmt *st, void *s)
{
	read_session(st, s);
}

int sq_auth_token_by_id(struct store_conn *c, const char *id, struct token_rec *t,
                        struct user_rec *u)
{
	return auth_one(c,
	                sq_stmt(c, "SELECT t.id, t.user_id, t.name, t.version, t.created_at, "
	                           "t.issued_at, t.last_used_at, " USER_COLS_U " FROM tokens t "
	                           "JOIN users u ON u.id = t.user_id WHERE t.id = ? AND "
	                           "u.deleted_at IS NULL"),
	                id, read_token_v, t, 7, u);
}

int sq_auth_token_by_hash(struct store_conn *c, const char *hash, struct token_rec *t,
                          struct user_rec *u)
{
	return auth_one(c,
	                sq_stmt(c, "SELECT t.id, t.user_id, t.name, t.version, t.created_at, "
	                           "t.issued_at, t.last_used_at, " USER_COLS_U " FROM tokens t "
	                           "JOIN users u ON u.id = t.user_id WHERE t.secret_hash = ? AND "
	                           "u.deleted_at IS NULL"),
	                hash, read_token_v, t, 7, u);
}

int sq_auth_session_by_hash(struct store_conn *c, const char *hash, struct session_rec *s,
                            struct user_rec *u)
{
	return auth_one(
	        c,
	        sq_stmt(c, "SELECT s.id, s.user_id, s.csrf_token, s.created_at, "
	                   "s.last_seen_at, s.expires_at, s.remote_ip, s.user_agent, " USER_COLS_U
	                   " FROM sessions s JOIN users u ON u.id = "
	                   "s.user_id WHERE s.secret_hash = ? AND u.deleted_at IS NULL"),
	        hash, read_session_v, s, 8, u);
}
