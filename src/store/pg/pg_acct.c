/*
 * pg_acct.c - PostgreSQL: users, sessions, API tokens and one-time links; the
 * twin of src/store/sqlite/sq_acct.c (same results, same codes). Where the
 * SQLite version leans on its global write lock for a read-modify-write, the
 * statement here does it in one UPDATE (row-locked): the login failure count
 * is exact with several nodes.
 */
#include "store/pg/pg.h"
#include "store/store_acct.h"
#include "util/err.h"
#include "util/str.h"

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

static void read_user_at(const PGresult *r, int o, struct user_rec *u)
{
	pg_col_text(r, 0, o + 0, u->id, sizeof u->id);
	pg_col_text(r, 0, o + 1, u->username, sizeof u->username);
	pg_col_text(r, 0, o + 2, u->email, sizeof u->email);
	pg_col_text(r, 0, o + 3, u->unconfirmed_email, sizeof u->unconfirmed_email);
	pg_col_text(r, 0, o + 4, u->password_hash, sizeof u->password_hash);
	pg_col_text(r, 0, o + 5, u->fullname, sizeof u->fullname);
	pg_col_text(r, 0, o + 6, u->company, sizeof u->company);
	pg_col_text(r, 0, o + 7, u->location, sizeof u->location);
	u->newsletter = (int)pg_col_i64(r, 0, o + 8);
	u->created_at = pg_col_i64(r, 0, o + 9);
	u->auth_epoch = pg_col_i64(r, 0, o + 10);
	u->failed_logins = (int)pg_col_i64(r, 0, o + 11);
	u->locked_until = pg_col_i64(r, 0, o + 12);
	u->suspended_at = pg_col_i64(r, 0, o + 13);
	pg_col_text(r, 0, o + 14, u->suspension_reason, sizeof u->suspension_reason);
	pg_col_text(r, 0, o + 15, u->referral_code, sizeof u->referral_code);
	u->email_pending = (int)pg_col_i64(r, 0, o + 16);
	u->email_confirmed_at = pg_col_i64(r, 0, o + 17);
}

/* A query for one user row: PP_ENOTFOUND when none. */
static int user_one(struct store_conn *c, const char *sql, int n, const char *const *p,
                    struct user_rec *u)
{
	PGresult *r;
	int rc = pg_exec_row(c, sql, n, p, &r);
	if (rc == 0)
		read_user_at(r, 0, u);
	PQclear(r);
	return rc;
}

/* 1 when the query returns a row, 0 when none, else the error: for the
 * "is it taken" checks, where an error is never read as "free". */
static int exists(struct store_conn *c, const char *sql, int n, const char *const *p)
{
	PGresult *r;
	int rc = pg_exec_row(c, sql, n, p, &r);
	PQclear(r);
	return rc == 0 ? 1 : rc == PP_ENOTFOUND ? 0 : rc;
}

/*
 * After a write refused by a unique constraint: which of username / email_lc
 * another account holds (see sq_acct.c). Only explains a conflict the
 * constraint already decided.
 */
static int user_conflicts(struct store_conn *c, const struct user_rec *u, unsigned *conflicts)
{
	char lc[sizeof u->email];
	unsigned bits = 0;
	PGresult *r;
	str_lower(lc, sizeof lc, u->email);
	const char *p[] = {u->username, lc, u->id};
	int rc = pg_exec(c,
	                 "SELECT username = $1, email_lc = $2 FROM users WHERE "
	                 "(username = $1 OR email_lc = $2) AND id <> $3",
	                 3, p, &r);
	if (rc)
		return rc;
	for (int i = 0; i < PQntuples(r); i++) {
		if (PQgetvalue(r, i, 0)[0] == 't')
			bits |= STORE_USER_USERNAME;
		if (PQgetvalue(r, i, 1)[0] == 't')
			bits |= STORE_USER_EMAIL;
	}
	PQclear(r);
	if (conflicts)
		*conflicts = bits;
	return PP_ECONFLICT;
}

int pg_user_insert(struct store_conn *c, const struct user_rec *u, const char *password_hash,
                   const char *referral_code, unsigned *conflicts)
{
	char lc[sizeof u->email], at[PG_I64_BUF];
	if (conflicts)
		*conflicts = 0;
	str_lower(lc, sizeof lc, u->email);
	const char *p[] = {u->id,
	                   u->username,
	                   u->email,
	                   lc,
	                   password_hash,
	                   u->fullname,
	                   u->newsletter ? "1" : "0",
	                   pg_i64(at, u->created_at),
	                   u->referral_code,
	                   referral_code,
	                   u->email_pending ? "1" : "0"};
	/* a unique conflict inserts nothing and aborts no transaction */
	int rc = pg_exec_write(
	        c,
	        "INSERT INTO users(id, username, email, email_lc, password_hash, fullname, "
	        "email_newsletter, created_at, referral_code, referred_by, email_pending) "
	        "VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,(SELECT id FROM users WHERE referral_code = "
	        "$10 AND deleted_at IS NULL), $11) ON CONFLICT DO NOTHING",
	        11, p, 1);
	return rc == PP_ENOTFOUND ? user_conflicts(c, u, conflicts) : rc;
}

int pg_user_get(struct store_conn *c, const char *id, struct user_rec *u)
{
	const char *p[] = {id};
	return user_one(c, "SELECT " USER_COLS " FROM users WHERE id = $1 AND deleted_at IS NULL",
	                1, p, u);
}

int pg_user_by_login(struct store_conn *c, const char *login, struct user_rec *u)
{
	char lc[TXT(EMAIL_MAX)];
	str_lower(lc, sizeof lc, login);
	const char *p[] = {login, lc};
	return user_one(c,
	                "SELECT " USER_COLS " FROM users WHERE (username = $1 OR "
	                "email_lc = $2) AND deleted_at IS NULL",
	                2, p, u);
}

int pg_user_email_check(struct store_conn *c, const char *email, const char *except_id)
{
	char lc[TXT(EMAIL_MAX)];
	str_lower(lc, sizeof lc, email);
	const char *p[] = {lc, except_id ? except_id : ""};
	int rc = exists(c, "SELECT 1 FROM users WHERE email_lc = $1 AND id <> $2", 2, p);
	return rc == 1 ? PP_ECONFLICT : rc;
}

int pg_user_update_profile(struct store_conn *c, const struct user_rec *u, unsigned *conflicts)
{
	char lc[sizeof u->email];
	if (conflicts)
		*conflicts = 0;
	str_lower(lc, sizeof lc, u->email);
	const char *p[] = {u->username,
	                   u->email,
	                   lc,
	                   u->unconfirmed_email[0] ? u->unconfirmed_email : NULL,
	                   u->fullname,
	                   u->company[0] ? u->company : NULL,
	                   u->location[0] ? u->location : NULL,
	                   u->newsletter ? "1" : "0",
	                   u->id};
	/* a unique violation fails this statement only (the transaction goes on) */
	int rc = pg_exec_write_keep(
	        c,
	        "UPDATE users SET username = $1, email = $2, email_lc = $3, unconfirmed_email = "
	        "$4, fullname = $5, company = $6, location = $7, email_newsletter = $8 "
	        "WHERE id = $9 AND deleted_at IS NULL",
	        9, p, 1);
	return rc == PP_ECONFLICT ? user_conflicts(c, u, conflicts) : rc;
}

int pg_user_email_proven(struct store_conn *c, const char *id, int64_t now)
{
	char a[PG_I64_BUF];
	const char *p[] = {pg_i64(a, now), id};
	return pg_exec_write(c,
	                     "UPDATE users SET email_pending = 0, email_confirmed_at = $1 "
	                     "WHERE id = $2 AND deleted_at IS NULL",
	                     2, p, 1);
}

int pg_user_pending_expired(struct store_conn *c, int64_t before, const char *login,
                            char ids[][ID_MAX], int cap, int *n)
{
	char lc[TXT(EMAIL_MAX)] = "", a[PG_I64_BUF], b[PG_I64_BUF];
	PGresult *r = NULL;
	int rc;
	*n = 0;
	if (login) {
		str_lower(lc, sizeof lc, login);
		const char *p[] = {pg_i64(a, before), login, lc, pg_i64(b, cap)};
		rc = pg_exec(c,
		             "SELECT id FROM users WHERE (username = $2 OR email_lc = $3) "
		             "AND email_pending = 1 AND created_at < $1 AND deleted_at IS NULL "
		             "ORDER BY created_at LIMIT $4",
		             4, p, &r);
	} else {
		const char *p[] = {pg_i64(a, before), pg_i64(b, cap)};
		rc = pg_exec(c,
		             "SELECT id FROM users WHERE email_pending = 1 AND created_at < $1 AND "
		             "deleted_at IS NULL ORDER BY created_at LIMIT $2",
		             2, p, &r);
	}
	if (rc == 0)
		for (int i = 0; i < PQntuples(r) && *n < cap; i++)
			pg_col_text(r, i, 0, ids[(*n)++], ID_MAX);
	PQclear(r);
	return rc;
}

int pg_user_anonymize(struct store_conn *c, const char *user_id, int64_t now)
{
	char t[PG_I64_BUF];
	const char *p[] = {pg_i64(t, now), user_id};
	return pg_exec_write(c,
	                     "UPDATE users SET username = NULL, email = NULL, "
	                     "email_lc = NULL, unconfirmed_email = NULL, "
	                     "password_hash = NULL, fullname = '', company = NULL, "
	                     "location = NULL, email_newsletter = 0, suspension_reason = "
	                     "NULL, deleted_at = $1 WHERE id = $2 AND deleted_at IS NULL",
	                     2, p, 1);
}

int pg_user_past_add(struct store_conn *c, const char *user_id, const char *kind, const char *value,
                     int64_t now)
{
	char t[PG_I64_BUF];
	const char *p[] = {user_id, kind, value, pg_i64(t, now)};
	/* held since the end of the previous value of that kind, else since sign-up */
	return pg_exec_write(
	        c,
	        "INSERT INTO user_past_ids(user_id, kind, value, from_at, until_at) "
	        "SELECT $1::text, $2::text, $3::text, COALESCE((SELECT MAX(until_at) FROM "
	        "user_past_ids WHERE user_id = $1 AND kind = $2), created_at), $4::bigint "
	        "FROM users WHERE id = $1",
	        4, p, 1);
}

int pg_user_past_list(struct store_conn *c, const char *user_id,
                      void (*cb)(const struct user_past_id *, void *), void *arg)
{
	PGresult *r;
	const char *p[] = {user_id};
	int rc = pg_exec(c,
	                 "SELECT kind, value, from_at, until_at FROM user_past_ids "
	                 "WHERE user_id = $1 ORDER BY kind, until_at",
	                 1, p, &r);
	if (rc)
		return rc;
	for (int i = 0; i < PQntuples(r); i++) {
		struct user_past_id x;
		pg_col_text(r, i, 0, x.kind, sizeof x.kind);
		pg_col_text(r, i, 1, x.value, sizeof x.value);
		x.from_at = pg_col_i64(r, i, 2);
		x.until_at = pg_col_i64(r, i, 3);
		cb(&x, arg);
	}
	PQclear(r);
	return 0;
}

int pg_user_past_since(struct store_conn *c, const char *user_id, const char *kind, int64_t *since)
{
	PGresult *r;
	const char *p[] = {user_id, kind};
	int rc = pg_exec_row(c,
	                     "SELECT COALESCE((SELECT MAX(until_at) FROM user_past_ids "
	                     "WHERE user_id = $1 AND kind = $2), created_at) FROM users "
	                     "WHERE id = $1",
	                     2, p, &r);
	if (rc == 0)
		*since = pg_col_i64(r, 0, 0);
	PQclear(r);
	return rc;
}

int pg_user_email_claimed(struct store_conn *c, const char *email, const char *except_id)
{
	char lc[TXT(EMAIL_MAX)];
	str_lower(lc, sizeof lc, email);
	const char *p[] = {lc, except_id ? except_id : ""};
	int rc = exists(c,
	                "SELECT 1 FROM users WHERE email_lc = $1 AND id <> $2 "
	                "UNION ALL SELECT 1 FROM user_past_ids p JOIN users u ON "
	                "u.id = p.user_id WHERE p.kind = 'email' AND lower(p.value) = "
	                "$1 AND p.user_id <> $2 AND u.deleted_at IS NULL LIMIT 1",
	                2, p);
	return rc == 1 ? PP_ECONFLICT : rc;
}

int pg_user_past_forget(struct store_conn *c, const char *user_id)
{
	const char *p[] = {user_id};
	return pg_exec_write(c, "DELETE FROM user_past_ids WHERE user_id = $1", 1, p, 0);
}

int pg_user_set_password(struct store_conn *c, const char *id, const char *hash, int bump_epoch)
{
	const char *p[] = {hash, bump_epoch ? "1" : "0", id};
	return pg_exec_write(c,
	                     "UPDATE users SET password_hash = $1, "
	                     "auth_epoch = auth_epoch + $2, failed_logins = 0, "
	                     "locked_until = 0 WHERE id = $3",
	                     3, p, 1);
}

int pg_user_login_failed(struct store_conn *c, const char *id, int64_t now, int threshold,
                         int64_t lock_ms, int *locked)
{
	char th[PG_I64_BUF], until[PG_I64_BUF];
	PGresult *r;
	*locked = 0;
	/* count and lock in one row-locked statement: concurrent failures on
	 * several nodes queue on the row and each sees the count before it; the
	 * failure that reaches the threshold locks and restarts the count (0 after
	 * this statement only then) */
	const char *p[] = {id, pg_i64(th, threshold), pg_i64(until, now + lock_ms)};
	int rc = pg_exec_row(c,
	                     "UPDATE users SET "
	                     "failed_logins = CASE WHEN failed_logins + 1 >= $2::bigint THEN 0 "
	                     "ELSE failed_logins + 1 END, "
	                     "locked_until = CASE WHEN failed_logins + 1 >= $2::bigint THEN "
	                     "$3::bigint ELSE locked_until END "
	                     "WHERE id = $1 RETURNING failed_logins = 0",
	                     3, p, &r);
	if (rc == 0)
		*locked = PQgetvalue(r, 0, 0)[0] == 't';
	PQclear(r);
	return rc;
}

int pg_user_login_ok(struct store_conn *c, const char *id)
{
	const char *p[] = {id};
	return pg_exec_write(c,
	                     "UPDATE users SET failed_logins = 0, locked_until = 0 "
	                     "WHERE id = $1 AND (failed_logins <> 0 OR locked_until <> 0)",
	                     1, p, 0);
}

/* ---- sessions ---- */

#define SESSION_COLS                                                                               \
	"id, user_id, csrf_token, created_at, last_seen_at, expires_at, remote_ip, user_agent"
#define SESSION_NCOLS 8

static void read_session(const PGresult *r, int row, struct session_rec *s)
{
	pg_col_text(r, row, 0, s->id, sizeof s->id);
	pg_col_text(r, row, 1, s->user_id, sizeof s->user_id);
	pg_col_text(r, row, 2, s->csrf_token, sizeof s->csrf_token);
	s->created_at = pg_col_i64(r, row, 3);
	s->last_seen_at = pg_col_i64(r, row, 4);
	s->expires_at = pg_col_i64(r, row, 5);
	pg_col_text(r, row, 6, s->remote_ip, sizeof s->remote_ip);
	pg_col_text(r, row, 7, s->user_agent, sizeof s->user_agent);
}

int pg_session_insert(struct store_conn *c, const struct session_rec *s, const char *secret_hash)
{
	char a[PG_I64_BUF], b[PG_I64_BUF], e[PG_I64_BUF];
	const char *p[] = {s->id,
	                   s->user_id,
	                   s->csrf_token,
	                   pg_i64(a, s->created_at),
	                   pg_i64(b, s->last_seen_at),
	                   pg_i64(e, s->expires_at),
	                   s->remote_ip,
	                   s->user_agent,
	                   secret_hash};
	return pg_exec_write(c,
	                     "INSERT INTO sessions(" SESSION_COLS
	                     ", secret_hash) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)",
	                     9, p, 0);
}

int pg_session_touch(struct store_conn *c, const char *id, int64_t now, int64_t expires_at)
{
	char a[PG_I64_BUF], b[PG_I64_BUF];
	const char *p[] = {pg_i64(a, now), pg_i64(b, expires_at), id};
	return pg_exec_write(
	        c, "UPDATE sessions SET last_seen_at = $1, expires_at = $2 WHERE id = $3", 3, p, 0);
}

int pg_session_list(struct store_conn *c, const char *user_id, int64_t now,
                    void (*cb)(const struct session_rec *, void *), void *arg)
{
	char t[PG_I64_BUF];
	PGresult *r;
	const char *p[] = {user_id, pg_i64(t, now)};
	int rc = pg_exec(c,
	                 "SELECT " SESSION_COLS " FROM sessions WHERE user_id = $1 "
	                 "AND expires_at > $2 ORDER BY created_at DESC, id",
	                 2, p, &r);
	if (rc)
		return rc;
	for (int i = 0; i < PQntuples(r); i++) {
		struct session_rec s;
		read_session(r, i, &s);
		cb(&s, arg);
	}
	PQclear(r);
	return 0;
}

int pg_session_delete(struct store_conn *c, const char *user_id, const char *id)
{
	const char *p[] = {id, user_id};
	return pg_exec_write(c, "DELETE FROM sessions WHERE id = $1 AND user_id = $2", 2, p, 1);
}

int pg_session_delete_others(struct store_conn *c, const char *user_id, const char *keep_id)
{
	const char *p[] = {user_id, keep_id ? keep_id : ""};
	return pg_exec_write(c, "DELETE FROM sessions WHERE user_id = $1 AND id <> $2", 2, p, 0);
}

/* ---- tokens ---- */

#define TOKEN_COLS  "id, user_id, name, version, created_at, issued_at, last_used_at"
#define TOKEN_NCOLS 7

static void read_token(const PGresult *r, int row, struct token_rec *t)
{
	pg_col_text(r, row, 0, t->id, sizeof t->id);
	pg_col_text(r, row, 1, t->user_id, sizeof t->user_id);
	pg_col_text(r, row, 2, t->name, sizeof t->name);
	t->version = pg_col_i64(r, row, 3);
	t->created_at = pg_col_i64(r, row, 4);
	t->issued_at = pg_col_i64(r, row, 5);
	t->last_used_at = pg_col_i64(r, row, 6);
}

int pg_token_insert(struct store_conn *c, const struct token_rec *t, const char *secret_hash)
{
	char v[PG_I64_BUF], a[PG_I64_BUF], b[PG_I64_BUF];
	const char *p[] = {t->id,
	                   t->user_id,
	                   t->name,
	                   pg_i64(v, t->version),
	                   pg_i64(a, t->created_at),
	                   pg_i64(b, t->issued_at),
	                   secret_hash};
	return pg_exec_write(c,
	                     "INSERT INTO tokens(" TOKEN_COLS
	                     ", secret_hash) VALUES ($1,$2,$3,$4,$5,$6,NULL,$7)",
	                     7, p, 0);
}

static int token_one(struct store_conn *c, const char *sql, int n, const char *const *p,
                     struct token_rec *t)
{
	PGresult *r;
	int rc = pg_exec_row(c, sql, n, p, &r);
	if (rc == 0)
		read_token(r, 0, t);
	PQclear(r);
	return rc;
}

int pg_token_get(struct store_conn *c, const char *user_id, const char *id, struct token_rec *t)
{
	const char *p[] = {id, user_id};
	return token_one(c, "SELECT " TOKEN_COLS " FROM tokens WHERE id = $1 AND user_id = $2", 2,
	                 p, t);
}

int pg_token_by_hash(struct store_conn *c, const char *secret_hash, struct token_rec *t)
{
	const char *p[] = {secret_hash};
	return token_one(c, "SELECT " TOKEN_COLS " FROM tokens WHERE secret_hash = $1", 1, p, t);
}

int pg_token_list(struct store_conn *c, const char *user_id,
                  void (*cb)(const struct token_rec *, void *), void *arg)
{
	PGresult *r;
	const char *p[] = {user_id};
	int rc = pg_exec(c,
	                 "SELECT " TOKEN_COLS " FROM tokens WHERE user_id = $1 "
	                 "ORDER BY created_at, id",
	                 1, p, &r);
	if (rc)
		return rc;
	for (int i = 0; i < PQntuples(r); i++) {
		struct token_rec t;
		read_token(r, i, &t);
		cb(&t, arg);
	}
	PQclear(r);
	return 0;
}

int pg_token_renew(struct store_conn *c, const char *user_id, const char *id,
                   const char *secret_hash, int64_t now)
{
	char t[PG_I64_BUF];
	const char *p[] = {secret_hash, pg_i64(t, now), id, user_id};
	/* the UPDATE waits for the row lock of a concurrent renewal and then sees its
	 * row: issued_at only grows, so the renewal committed last is the one issued
	 * last even when its clock was read before the other's */
	return pg_exec_write(c,
	                     "UPDATE tokens SET secret_hash = $1, version = version + 1, "
	                     "issued_at = GREATEST($2::bigint, issued_at + 1) WHERE id = $3 AND "
	                     "user_id = $4",
	                     4, p, 1);
}

int pg_token_delete(struct store_conn *c, const char *user_id, const char *id)
{
	const char *p[] = {id, user_id};
	return pg_exec_write(c, "DELETE FROM tokens WHERE id = $1 AND user_id = $2", 2, p, 1);
}

int pg_token_delete_all(struct store_conn *c, const char *user_id)
{
	const char *p[] = {user_id};
	return pg_exec_write(c, "DELETE FROM tokens WHERE user_id = $1", 1, p, 0);
}

int pg_token_touch(struct store_conn *c, const char *id, int64_t now)
{
	char t[PG_I64_BUF];
	const char *p[] = {pg_i64(t, now), id};
	return pg_exec_write(c, "UPDATE tokens SET last_used_at = $1 WHERE id = $2", 2, p, 0);
}

/* ---- one-time links ---- */

int pg_link_insert(struct store_conn *c, const char *user_id, const char *kind,
                   const char *token_hash, const char *data, int64_t now, int64_t expires_at)
{
	char id[ID_MAX], a[PG_I64_BUF], e[PG_I64_BUF];
	/* the hash is unique and secret-derived; its prefix is a fine row id */
	snprintf(id, sizeof id, "otl-%.32s", token_hash);
	const char *p[] = {
	        id, user_id, kind, token_hash, data, pg_i64(a, now), pg_i64(e, expires_at)};
	return pg_exec_write(c,
	                     "INSERT INTO one_time_links(id, user_id, kind, token_hash, "
	                     "data, created_at, expires_at) VALUES ($1,$2,$3,$4,$5,$6,$7)",
	                     7, p, 0);
}

int pg_link_consume(struct store_conn *c, const char *kind, const char *token_hash, int64_t now,
                    char user_id[ID_MAX], char *data, size_t data_cap)
{
	char t[PG_I64_BUF];
	PGresult *r;
	const char *p[] = {token_hash, kind};
	int rc = pg_exec_row(c,
	                     "SELECT user_id, data, expires_at, used_at FROM "
	                     "one_time_links WHERE token_hash = $1 AND kind = $2",
	                     2, p, &r);
	if (rc == 0) {
		pg_col_text(r, 0, 0, user_id, ID_MAX);
		if (data)
			pg_col_text(r, 0, 1, data, data_cap);
		if (pg_col_i64(r, 0, 2) <= now || !pg_col_isnull(r, 0, 3))
			rc = PP_EEXPIRED;
	}
	PQclear(r);
	if (rc)
		return rc;
	/* single use: of two consumers at once, the row lock lets one through */
	const char *q[] = {pg_i64(t, now), token_hash};
	rc = pg_exec_write(c,
	                   "UPDATE one_time_links SET used_at = $1 WHERE token_hash = $2 AND "
	                   "used_at IS NULL",
	                   2, q, 1);
	return rc == PP_ENOTFOUND ? PP_EEXPIRED : rc;
}

int pg_link_void(struct store_conn *c, const char *user_id, const char *kind, int64_t now)
{
	char t[PG_I64_BUF];
	const char *p[] = {pg_i64(t, now), user_id, kind};
	return pg_exec_write(c,
	                     "UPDATE one_time_links SET used_at = $1 WHERE user_id = $2 "
	                     "AND kind = $3 AND used_at IS NULL",
	                     3, p, 0);
}

int pg_link_delete_all(struct store_conn *c, const char *user_id)
{
	const char *p[] = {user_id};
	return pg_exec_write(c, "DELETE FROM one_time_links WHERE user_id = $1", 1, p, 0);
}

/* ---- authentication: the credential and its live user in one query ---- */

/* A token and its live user by one key: sql selects TOKEN_COLS_T then USER_COLS_U. */
static int auth_token_one(struct store_conn *c, const char *sql, const char *key,
                          struct token_rec *t, struct user_rec *u)
{
	PGresult *r;
	const char *p[] = {key};
	int rc = pg_exec_row(c, sql, 1, p, &r);
	if (rc == 0) {
		read_token(r, 0, t);
		read_user_at(r, TOKEN_NCOLS, u);
	}
	PQclear(r);
	return rc;
}

#define AUTH_TOKEN_SELECT                                                                          \
	"SELECT t.id, t.user_id, t.name, t.version, t.created_at, t.issued_at, "                   \
	"t.last_used_at, " USER_COLS_U                                                             \
	" FROM tokens t JOIN users u ON u.id = t.user_id WHERE u.deleted_at IS NULL "

int pg_auth_token_by_id(struct store_conn *c, const char *id, struct token_rec *t,
                        struct user_rec *u)
{
	return auth_token_one(c, AUTH_TOKEN_SELECT "AND t.id = $1", id, t, u);
}

int pg_auth_token_by_hash(struct store_conn *c, const char *hash, struct token_rec *t,
                          struct user_rec *u)
{
	return auth_token_one(c, AUTH_TOKEN_SELECT "AND t.secret_hash = $1", hash, t, u);
}

int pg_auth_session_by_hash(struct store_conn *c, const char *hash, struct session_rec *s,
                            struct user_rec *u)
{
	PGresult *r;
	const char *p[] = {hash};
	int rc = pg_exec_row(c,
	                     "SELECT s.id, s.user_id, s.csrf_token, s.created_at, "
	                     "s.last_seen_at, s.expires_at, s.remote_ip, s.user_agent, " USER_COLS_U
	                     " FROM sessions s JOIN users u ON u.id = "
	                     "s.user_id WHERE s.secret_hash = $1 AND u.deleted_at IS NULL",
	                     1, p, &r);
	if (rc == 0) {
		read_session(r, 0, s);
		read_user_at(r, SESSION_NCOLS, u);
	}
	PQclear(r);
	return rc;
}
