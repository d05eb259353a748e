/*
 * pg_tfa.c - PostgreSQL: two-factor authentication state and recovery codes
 * (store_tfa.h). store_tfa_get(for_update) takes the row lock (SELECT ... FOR
 * UPDATE), so of two nodes checking the same code at once the second waits and
 * then sees the first one's last_step: a replay fails.
 * Schema: migration 6 of pg_migrations.c (enabled is a BIGINT 0/1, as every
 * SQLite INTEGER is).
 */
#include "store/pg/pg.h"
#include "util/err.h"

#include <string.h>

int pg_tfa_get(struct store_conn *c, const char *user_id, int for_update, struct tfa_rec *t)
{
	const char *p[] = {user_id};
	PGresult *res = NULL;
	int rc = for_update ? pg_exec_row(c,
	                                  "SELECT user_id, enabled, "
	                                  "secret, pending, last_step, created_at, enabled_at "
	                                  "FROM user_tfa WHERE user_id = $1 FOR UPDATE",
	                                  1, p, &res)
	                    : pg_exec_row(c,
	                                  "SELECT user_id, enabled, "
	                                  "secret, pending, last_step, created_at, enabled_at "
	                                  "FROM user_tfa WHERE user_id = $1",
	                                  1, p, &res);
	if (rc == 0) {
		memset(t, 0, sizeof *t);
		pg_col_text(res, 0, 0, t->user_id, sizeof t->user_id);
		t->enabled = pg_col_i64(res, 0, 1) != 0;
		pg_col_text(res, 0, 2, t->secret, sizeof t->secret);
		pg_col_text(res, 0, 3, t->pending, sizeof t->pending);
		t->last_step = pg_col_i64(res, 0, 4);
		t->created_at = pg_col_i64(res, 0, 5);
		t->enabled_at = pg_col_i64(res, 0, 6);
	}
	PQclear(res);
	return rc;
}

int pg_tfa_set_pending(struct store_conn *c, const char *user_id, const char *sealed, int64_t now)
{
	char a[PG_I64_BUF];
	const char *p[] = {user_id, sealed, pg_i64(a, now)};
	return pg_exec_write(c,
	                     "INSERT INTO user_tfa(user_id, pending, created_at) VALUES ($1, $2, "
	                     "$3) ON CONFLICT(user_id) DO UPDATE SET pending = $2",
	                     3, p, 1);
}

int pg_tfa_enable(struct store_conn *c, const char *user_id, int64_t step, int64_t now)
{
	char a[PG_I64_BUF], b[PG_I64_BUF];
	const char *p[] = {pg_i64(a, step), pg_i64(b, now), user_id};
	return pg_exec_write(c,
	                     "UPDATE user_tfa SET secret = pending, pending = NULL, enabled = 1, "
	                     "last_step = $1, enabled_at = $2 WHERE user_id = $3 AND pending IS "
	                     "NOT NULL",
	                     3, p, 1);
}

int pg_tfa_set_step(struct store_conn *c, const char *user_id, int64_t step)
{
	char a[PG_I64_BUF];
	const char *p[] = {pg_i64(a, step), user_id};
	return pg_exec_write(c, "UPDATE user_tfa SET last_step = $1 WHERE user_id = $2", 2, p, 1);
}

int pg_tfa_delete(struct store_conn *c, const char *user_id)
{
	const char *p[] = {user_id};
	int rc = pg_exec_write(c, "DELETE FROM user_tfa_codes WHERE user_id = $1", 1, p, 0);
	return rc ? rc : pg_exec_write(c, "DELETE FROM user_tfa WHERE user_id = $1", 1, p, 0);
}

int pg_tfa_codes_replace(struct store_conn *c, const char *user_id, const char *const *hashes,
                         int n, int64_t now)
{
	char a[PG_I64_BUF];
	const char *p1[] = {user_id};
	int rc = pg_exec_write(c, "DELETE FROM user_tfa_codes WHERE user_id = $1", 1, p1, 0);
	for (int i = 0; rc == 0 && i < n; i++) {
		const char *p[] = {user_id, hashes[i], pg_i64(a, now)};
		rc = pg_exec_write(c,
		                   "INSERT INTO user_tfa_codes(user_id, code_hash, created_at) "
		                   "VALUES ($1, $2, $3)",
		                   3, p, 1);
	}
	return rc;
}

int pg_tfa_codes_left(struct store_conn *c, const char *user_id, int *left)
{
	const char *p[] = {user_id};
	PGresult *res = NULL;
	int rc = pg_exec_row(c,
	                     "SELECT COUNT(*) FROM user_tfa_codes WHERE user_id = $1 AND used_at "
	                     "IS NULL",
	                     1, p, &res);
	*left = rc == 0 ? (int)pg_col_i64(res, 0, 0) : 0;
	PQclear(res);
	return rc == PP_ENOTFOUND ? PP_EDB : rc;
}

int pg_tfa_code_use(struct store_conn *c, const char *user_id, const char *hash, int64_t now,
                    int *left)
{
	char a[PG_I64_BUF];
	const char *p[] = {pg_i64(a, now), user_id, hash};
	int rc = pg_exec_write(c,
	                       "UPDATE user_tfa_codes SET used_at = $1 WHERE user_id = $2 AND "
	                       "code_hash = $3 AND used_at IS NULL",
	                       3, p, 1);
	*left = 0;
	return rc ? rc : pg_tfa_codes_left(c, user_id, left);
}
