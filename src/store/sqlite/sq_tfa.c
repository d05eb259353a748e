/* sq_tfa.c - SQLite: two-factor authentication state and recovery codes (store_tfa.h). */
#include "store/sqlite/sq.h"
#include "util/err.h"

#include <stdio.h>
#include <string.h>

int sq_tfa_get(struct store_conn *c, const char *user_id, int for_update, struct tfa_rec *t)
{
	(void)for_update; /* a write transaction (BEGIN IMMEDIATE) already excludes others */
	sqlite3_stmt *st = sq_stmt(c, "SELECT user_id, enabled, secret, pending, last_step, "
	                              "created_at, enabled_at FROM user_tfa WHERE user_id = ?");
	if (!st)
		return PP_EDB;
	sq_bind_text(st, 1, user_id);
	int rc = sq_step_row(c, st);
	if (rc == 0) {
		memset(t, 0, sizeof *t);
		sq_col_text(st, 0, t->user_id, sizeof t->user_id);
		t->enabled = sqlite3_column_int(st, 1);
		sq_col_text(st, 2, t->secret, sizeof t->secret);
		sq_col_text(st, 3, t->pending, sizeof t->pending);
		t->last_step = sqlite3_column_int64(st, 4);
		t->created_at = sqlite3_column_int64(st, 5);
		t->enabled_at = sqlite3_column_int64(st, 6);
	}
	sq_done(st);
	return rc;
}

int sq_tfa_set_pending(struct store_conn *c, const char *user_id, const char *sealed, int64_t now)
{
	sqlite3_stmt *st = sq_stmt(c, "INSERT INTO user_tfa(user_id, pending, created_at) "
	                              "VALUES (?1, ?2, ?3) ON CONFLICT(user_id) DO UPDATE SET "
	                              "pending = ?2");
	if (!st)
		return PP_EDB;
	sq_bind_text(st, 1, user_id);
	sq_bind_text(st, 2, sealed);
	sqlite3_bind_int64(st, 3, now);
	return sq_step_write(c, st, 1);
}

int sq_tfa_enable(struct store_conn *c, const char *user_id, int64_t step, int64_t now)
{
	sqlite3_stmt *st = sq_stmt(c, "UPDATE user_tfa SET secret = pending, pending = NULL, "
	                              "enabled = 1, last_step = ?, enabled_at = ? "
	                              "WHERE user_id = ? AND pending IS NOT NULL");
	if (!st)
		return PP_EDB;
	sqlite3_bind_int64(st, 1, step);
	sqlite3_bind_int64(st, 2, now);
	sq_bind_text(st, 3, user_id);
	return sq_step_write(c, st, 1);
}

int sq_tfa_set_step(struct store_conn *c, const char *user_id, int64_t step)
{
	sqlite3_stmt *st = sq_stmt(c, "UPDATE user_tfa SET last_step = ? WHERE user_id = ?");
	if (!st)
		return PP_EDB;
	sqlite3_bind_int64(st, 1, step);
	sq_bind_text(st, 2, user_id);
	return sq_step_write(c, st, 1);
}

int sq_tfa_delete(struct store_conn *c, const char *user_id)
{
	sqlite3_stmt *st = sq_stmt(c, "DELETE FROM user_tfa_codes WHERE user_id = ?");
	if (!st)
		return PP_EDB;
	sq_bind_text(st, 1, user_id);
	int rc = sq_step_write(c, st, 0);
	if (rc)
		return rc;
	if (!(st = sq_stmt(c, "DELETE FROM user_tfa WHERE user_id = ?")))
		return PP_EDB;
	sq_bind_text(st, 1, user_id);
	return sq_step_write(c, st, 0);
}

int sq_tfa_codes_replace(struct store_conn *c, const char *user_id, const char *const *hashes,
                         int n, int64_t now)
{
	sqlite3_stmt *st = sq_stmt(c, "DELETE FROM user_tfa_codes WHERE user_id = ?");
	if (!st)
		return PP_EDB;
	sq_bind_text(st, 1, user_id);
	int rc = sq_step_write(c, st, 0);
	for (int i = 0; rc == 0 && i < n; i++) {
		if (!(st = sq_stmt(c, "INSERT INTO user_tfa_codes(user_id, code_hash, created_at) "
		                      "VALUES (?, ?, ?)")))
			return PP_EDB;
		sq_bind_text(st, 1, user_id);
		sq_bind_text(st, 2, hashes[i]);
		sqlite3_bind_int64(st, 3, now);
		rc = sq_step_write(c, st, 1);
	}
	return rc;
}

int sq_tfa_codes_left(struct store_conn *c, const char *user_id, int *left)
{
	sqlite3_stmt *st = sq_stmt(c, "SELECT COUNT(*) FROM user_tfa_codes WHERE user_id = ? "
	                              "AND used_at IS NULL");
	if (!st)
		return PP_EDB;
	sq_bind_text(st, 1, user_id);
	int rc = sq_step_row(c, st);
	*left = 0;
	if (rc == 0)
		*left = sqlite3_column_int(st, 0);
	sq_done(st);
	return rc;
}

int sq_tfa_code_use(struct store_conn *c, const char *user_id, const char *hash, int64_t now,
                    int *left)
{
	sqlite3_stmt *st = sq_stmt(c, "UPDATE user_tfa_codes SET used_at = ? WHERE user_id = ? "
	                              "AND code_hash = ? AND used_at IS NULL");
	if (!st)
		return PP_EDB;
	sqlite3_bind_int64(st, 1, now);
	sq_bind_text(st, 2, user_id);
	sq_bind_text(st, 3, hash);
	int rc = sq_step_write(c, st, 1);
	*left = 0;
	return rc ? rc : sq_tfa_codes_left(c, user_id, left);
}
