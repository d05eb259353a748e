/* sq_apps.c - SQLite: apps, formations and collaborators. */
#include "store/sqlite/sq.h"
#include "store/store_apps.h"
#include "util/err.h"

#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#define APP_COLS                                                                                   \
	"a.id, a.name, a.owner_id, u.username, u.email, u.suspended_at, a.status, "                \
	"a.created_at, a.updated_at"

static void read_app(sqlite3_stmt *st, struct app_rec *a)
{
	sq_col_text(st, 0, a->id, sizeof a->id);
	sq_col_text(st, 1, a->name, sizeof a->name);
	sq_col_text(st, 2, a->owner_id, sizeof a->owner_id);
	sq_col_text(st, 3, a->owner_username, sizeof a->owner_username);
	sq_col_text(st, 4, a->owner_email, sizeof a->owner_email);
	a->owner_suspended_at = sqlite3_column_int64(st, 5);
	sq_col_text(st, 6, a->status, sizeof a->status);
	a->created_at = sqlite3_column_int64(st, 7);
	a->updated_at = sqlite3_column_int64(st, 8);
}

int sq_app_insert(struct store_conn *c, const struct app_rec *a)
{
	sqlite3_stmt *st = sq_stmt(c, "INSERT INTO apps(id, name, owner_id, status, created_at, "
	                              "updated_at) VALUES (?,?,?,?,?,?)");
	if (!st)
		return PP_EDB;
	sq_bind_text(st, 1, a->id);
	sq_bind_text(st, 2, a->name);
	sq_bind_text(st, 3, a->owner_id);
	sq_bind_text(st, 4, a->status);
	sqlite3_bind_int64(st, 5, a->created_at);
	sqlite3_bind_int64(st, 6, a->updated_at);
	return sq_step_write(c, st, 0);
}

static int app_for_user(struct store_conn *c, const char *sql, const char *key, const char *user_id,
                        struct app_rec *a)
{
	sqlite3_stmt *st = sq_stmt(c, sql);
	if (!st)
		return PP_EDB;
	sq_bind_text(st, 1, key);
	sq_bind_text(st, 2, user_id);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		read_app(st, a);
		a->role = (enum app_role)sqlite3_column_int(st, 9);
		rc = a->role == ROLE_NONE ? PP_ENOTFOUND : 0;
	} else {
		rc = rc == SQLITE_DONE ? PP_ENOTFOUND : sq_rc(c, rc);
	}
	sq_done(st);
	return rc;
}

#define APP_FOR_USER_SQL                                                                           \
	"SELECT " APP_COLS ", CASE WHEN a.owner_id = ?2 THEN 1 WHEN k.is_limited = 0 "             \
	"THEN 2 WHEN k.is_limited = 1 THEN 3 ELSE 0 END "                                          \
	"FROM apps a JOIN users u ON u.id = a.owner_id "                                           \
	"LEFT JOIN collaborators k ON k.app_id = a.id AND k.user_id = ?2 AND "                     \
	"k.status = 'accepted' "

int sq_app_for_user(struct store_conn *c, const char *app_id, const char *user_id,
                    struct app_rec *a)
{
	return app_for_user(c, APP_FOR_USER_SQL "WHERE a.id = ?1 AND a.deleted_at IS NULL", app_id,
	                    user_id, a);
}

int sq_app_for_user_by_name(struct store_conn *c, const char *name, const char *user_id,
                            struct app_rec *a)
{
	return app_for_user(c, APP_FOR_USER_SQL "WHERE a.name = ?1 AND a.deleted_at IS NULL", name,
	                    user_id, a);
}

int sq_app_count_owned(struct store_conn *c, const char *owner_id, int *n)
{
	sqlite3_stmt *st = sq_stmt(c, "SELECT count(*) FROM apps WHERE owner_id = ? AND "
	                              "deleted_at IS NULL");
	if (!st)
		return PP_EDB;
	sq_bind_text(st, 1, owner_id);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*n = sqlite3_column_int(st, 0);
		rc = 0;
	} else {
		rc = sq_rc(c, rc);
	}
	sq_done(st);
	return rc;
}

int sq_app_list_for_user(struct store_conn *c, const char *user_id,
                         void (*cb)(const struct app_rec *, void *), void *arg)
{
	sqlite3_stmt *st = sq_stmt(
	        c, "SELECT " APP_COLS ", CASE WHEN a.owner_id = ?1 THEN 1 WHEN k.is_limited = 0 "
	           "THEN 2 ELSE 3 END "
	           "FROM apps a JOIN users u ON u.id = a.owner_id "
	           "LEFT JOIN collaborators k ON k.app_id = a.id AND k.user_id = ?1 AND "
	           "k.status = 'accepted' "
	           "WHERE a.deleted_at IS NULL AND (a.owner_id = ?1 OR k.id IS NOT NULL) "
	           "ORDER BY a.name");
	if (!st)
		return PP_EDB;
	sq_bind_text(st, 1, user_id);
	int rc;
	struct app_rec a;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		read_app(st, &a);
		a.role = (enum app_role)sqlite3_column_int(st, 9);
		cb(&a, arg);
	}
	sq_done(st);
	return rc == SQLITE_DONE ? 0 : sq_rc(c, rc);
}

int sq_app_owned(struct store_conn *c, const char *user_id, void (*cb)(const char *, void *),
                 void *arg)
{
	sqlite3_stmt *st = sq_stmt(c, "SELECT name FROM apps WHERE owner_id = ? AND deleted_at "
	                              "IS NULL ORDER BY name");
	if (!st)
		return PP_EDB;
	sq_bind_text(st, 1, user_id);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		cb((const char *)sqlite3_column_text(st, 0), arg);
	sq_done(st);
	return rc == SQLITE_DONE ? 0 : sq_rc(c, rc);
}

int sq_app_delete(struct store_conn *c, const char *app_id, int64_t now)
{
	sqlite3_stmt *st = sq_stmt(c, "UPDATE apps SET deleted_name = name, name = NULL, "
	                              "deleted_at = ?, updated_at = ?, status = 'deleted' "
	                              "WHERE id = ? AND deleted_at IS NULL");
	if (!st)
		return PP_EDB;
	sqlite3_bind_int64(st, 1, now);
	sqlite3_bind_int64(st, 2, now);
	sq_bind_text(st, 3, app_id);
	return sq_step_write(c, st, 1);
}

int sq_app_touch(struct store_conn *c, const char *app_id, const char *status, int64_t now)
{
	sqlite3_stmt *st = sq_stmt(c, "UPDATE apps SET status = ?, updated_at = ? WHERE id = ?");
	if (!st)
		return PP_EDB;
	sq_bind_text(st, 1, status);
	sqlite3_bind_int64(st, 2, now);
	sq_bind_text(st, 3, app_id);
	return sq_step_write(c, st, 1);
}

int sq_formation_get(struct store_conn *c, const char *app_id, struct formation_rec *out, int max,
                     int *n)
{
	sqlite3_stmt *st = sq_stmt(c, "SELECT type, amount, size FROM formation WHERE app_id = "
	                              "? ORDER BY type");
	if (!st)
		return PP_EDB;
	sq_bind_text(st, 1, app_id);
	int rc;
	*n = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && *n < max) {
		sq_col_text(st, 0, out[*n].type, sizeof out[*n].type);
		out[*n].amount = sqlite3_column_int(st, 1);
		sq_col_text(st, 2, out[*n].size, sizeof out[*n].size);
		(*n)++;
	}
	sq_done(st);
	return (rc == SQLITE_DONE || rc == SQLITE_ROW) ? 0 : sq_rc(c, rc);
}

int sq_formation_set(struct store_conn *c, const char *app_id, const char *owner_id,
                     const struct formation_rec *f, int64_t changed_at)
{
	sqlite3_stmt *st = sq_stmt(c, "INSERT INTO formation(app_id, type, amount, size) "
	                              "VALUES (?,?,?,?) ON CONFLICT(app_id, type) DO UPDATE "
	                              "SET amount = excluded.amount, size = excluded.size");
	if (!st)
		return PP_EDB;
	sq_bind_text(st, 1, app_id);
	sq_bind_text(st, 2, f->type);
	sqlite3_bind_int(st, 3, f->amount);
	sq_bind_text(st, 4, f->size);
	int rc = sq_step_write(c, st, 0);
	if (rc)
		return rc;
	st = sq_stmt(c, "INSERT INTO formation_history(app_id, owner_id, type, amount, size, "
	                "changed_at) VALUES (?,?,?,?,?,?)");
	if (!st)
		return PP_EDB;
	sq_bind_text(st, 1, app_id);
	sq_bind_text(st, 2, owner_id);
	sq_bind_text(st, 3, f->type);
	sqlite3_bind_int(st, 4, f->amount);
	sq_bind_text(st, 5, f->size);
	sqlite3_bind_int64(st, 6, changed_at - changed_at % 1000);
	return sq_step_write(c, st, 0);
}

#define COLLAB_COLS                                                                                \
	"k.id, k.app_id, COALESCE(a.name, a.deleted_name), k.email, k.user_id, u.username, "       \
	"k.status, k.is_limited, k.inviter_id, k.created_at, k.expires_at"

static void read_collab(sqlite3_stmt *st, struct collab_rec *k)
{
	sq_col_text(st, 0, k->id, sizeof k->id);
	sq_col_text(st, 1, k->app_id, sizeof k->app_id);
	sq_col_text(st, 2, k->app_name, sizeof k->app_name);
	sq_col_text(st, 3, k->email, sizeof k->email);
	sq_col_text(st, 4, k->user_id, sizeof k->user_id);
	sq_col_text(st, 5, k->username, sizeof k->username);
	sq_col_text(st, 6, k->status, sizeof k->status);
	k->is_limited = sqlite3_column_int(st, 7);
	sq_col_text(st, 8, k->inviter_id, sizeof k->inviter_id);
	k->created_at = sqlite3_column_int64(st, 9);
	k->expires_at = sqlite3_column_int64(st, 10);
}

int sq_collab_insert(struct store_conn *c, const struct collab_rec *k, const char *invitation_hash)
{
	sqlite3_stmt *st = sq_stmt(c, "INSERT INTO collaborators(id, app_id, email, user_id, "
	                              "status, is_limited, invitation_hash, inviter_id, "
	                              "created_at, expires_at) VALUES (?,?,?,NULL,'pending',?,?,?,"
	                              "?,?)");
	if (!st)
		return PP_EDB;
	sq_bind_text(st, 1, k->id);
	sq_bind_text(st, 2, k->app_id);
	sq_bind_text(st, 3, k->email);
	sqlite3_bind_int(st, 4, k->is_limited);
	sq_bind_text(st, 5, invitation_hash);
	sq_bind_text(st, 6, k->inviter_id);
	sqlite3_bind_int64(st, 7, k->created_at);
	sqlite3_bind_int64(st, 8, k->expires_at);
	return sq_step_write(c, st, 0);
}

int sq_collab_list(struct store_conn *c, const char *app_id,
                   void (*cb)(const struct collab_rec *, void *), void *arg)
{
	sqlite3_stmt *st = sq_stmt(c, "SELECT " COLLAB_COLS " FROM collaborators k "
	                              "JOIN apps a ON a.id = k.app_id "
	                              "LEFT JOIN users u ON u.id = k.user_id "
	                              "WHERE k.app_id = ? ORDER BY k.created_at, k.id");
	if (!st)
		return PP_EDB;
	sq_bind_text(st, 1, app_id);
	int rc;
	struct collab_rec k;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		read_collab(st, &k);
		cb(&k, arg);
	}
	sq_done(st);
	return rc == SQLITE_DONE ? 0 : sq_rc(c, rc);
}

static int collab_one(struct store_conn *c, sqlite3_stmt *st, struct collab_rec *k)
{
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		read_collab(st, k);
		rc = 0;
	} else {
		rc = rc == SQLITE_DONE ? PP_ENOTFOUND : sq_rc(c, rc);
	}
	sq_done(st);
	return rc;
}

int sq_collab_get(struct store_conn *c, const char *app_id, const char *id, struct collab_rec *k)
{
	sqlite3_stmt *st = sq_stmt(c, "SELECT " COLLAB_COLS " FROM collaborators k "
	                              "JOIN apps a ON a.id = k.app_id "
	                              "LEFT JOIN users u ON u.id = k.user_id "
	                              "WHERE k.app_id = ? AND k.id = ?");
	if (!st)
		return PP_EDB;
	sq_bind_text(st, 1, app_id);
	sq_bind_text(st, 2, id);
	return collab_one(c, st, k);
}

int sq_collab_by_invitation(struct store_conn *c, const char *hash, struct collab_rec *k)
{
	sqlite3_stmt *st = sq_stmt(c, "SELECT " COLLAB_COLS " FROM collaborators k "
	                              "JOIN apps a ON a.id = k.app_id "
	                              "LEFT JOIN users u ON u.id = k.user_id "
	                              "WHERE k.invitation_hash = ? AND a.deleted_at IS NULL");
	if (!st)
		return PP_EDB;
	sq_bind_text(st, 1, hash);
	return collab_one(c, st, k);
}

int sq_collab_exists(struct store_conn *c, const char *app_id, const char *user_id,
                     const char *email)
{
	sqlite3_stmt *st = sq_stmt(
	        c, "SELECT 1 FROM collaborators WHERE app_id = ?1 AND ((user_id = ?2 AND status = "
	           "'accepted') OR (status = 'pending' AND lower(email) = lower(?3)))");
	if (!st)
		return PP_EDB;
	sq_bind_text(st, 1, app_id);
	sq_bind_text(st, 2, user_id ? user_id : "");
	sq_bind_text(st, 3, email ? email : "");
	int rc = sqlite3_step(st);
	rc = rc == SQLITE_ROW ? PP_ECONFLICT : rc == SQLITE_DONE ? 0 : sq_rc(c, rc);
	sq_done(st);
	return rc;
}

int sq_collab_accept(struct store_conn *c, const char *id, const char *user_id, int64_t now)
{
	sqlite3_stmt *st = sq_stmt(c, "UPDATE collaborators SET user_id = ?, status = "
	                              "'accepted', accepted_at = ?, invitation_hash = NULL "
	                              "WHERE id = ? AND status = 'pending'");
	if (!st)
		return PP_EDB;
	sq_bind_text(st, 1, user_id);
	sqlite3_bind_int64(st, 2, now);
	sq_bind_text(st, 3, id);
	return sq_step_write(c, st, 1);
}

int sq_collab_set_limited(struct store_conn *c, const char *id, int is_limited)
{
	sqlite3_stmt *st = sq_stmt(c, "UPDATE collaborators SET is_limited = ? WHERE id = ?");
	if (!st)
		return PP_EDB;
	sqlite3_bind_int(st, 1, is_limited);
	sq_bind_text(st, 2, id);
	return sq_step_write(c, st, 1);
}

int sq_collab_delete(struct store_conn *c, const char *id)
{
	sqlite3_stmt *st = sq_stmt(c, "DELETE FROM collaborators WHERE id = ?");
	if (!st)
		return PP_EDB;
	sq_bind_text(st, 1, id);
	return sq_step_write(c, st, 1);
}

int sq_collab_delete_app(struct store_conn *c, const char *app_id)
{
	sqlite3_stmt *st = sq_stmt(c, "DELETE FROM collaborators WHERE app_id = ?");
	if (!st)
		return PP_EDB;
	sq_bind_text(st, 1, app_id);
	return sq_step_write(c, st, 0);
}

int sq_collab_addresses(struct store_conn *c, const char *user_id, const char *except_email,
                        int (*cb)(const char *, void *), void *arg)
{
	char **v = NULL;
	size_t n = 0, cap = 0;
	int rc = 0, src;
	sqlite3_stmt *st = sq_stmt(c, "SELECT DISTINCT lower(email) FROM collaborators "
	                              "WHERE user_id = ? AND email <> '' AND "
	                              "lower(email) <> lower(?)");
	if (!st)
		return PP_EDB;
	sq_bind_text(st, 1, user_id);
	sq_bind_text(st, 2, except_email);
	/* read them all first: the callback may write to the tables scanned (and
	 * a PostgreSQL engine reads a whole result before the next query anyway) */
	while ((src = sqlite3_step(st)) == SQLITE_ROW) {
		if (n == cap) {
			size_t ncap = cap ? cap * 2 : 8;
			char **nv = realloc(v, ncap * sizeof *nv);
			if (!nv) {
				rc = PP_ENOMEM;
				break;
			}
			v = nv;
			cap = ncap;
		}
		if (!(v[n] = strdup((const char *)sqlite3_column_text(st, 0)))) {
			rc = PP_ENOMEM;
			break;
		}
		n++;
	}
	sq_done(st);
	if (rc == 0 && src != SQLITE_DONE)
		rc = sq_rc(c, src);
	for (size_t i = 0; i < n; i++) {
		if (rc == 0)
			rc = cb(v[i], arg);
		free(v[i]);
	}
	free(v);
	return rc;
}

int sq_collab_mark_deleted(struct store_conn *c, const char *user_id)
{
	sqlite3_stmt *st = sq_stmt(c, "UPDATE collaborators SET status = 'user account deleted', "
	                              "email = '', invitation_hash = NULL WHERE user_id = ?");
	if (!st)
		return PP_EDB;
	sq_bind_text(st, 1, user_id);
	return sq_step_write(c, st, 0);
}

int sq_collab_delete_pending_to(struct store_conn *c, const char *email)
{
	sqlite3_stmt *st = sq_stmt(c, "DELETE FROM collaborators WHERE status = 'pending' AND "
	                              "lower(email) = lower(?)");
	if (!st)
		return PP_EDB;
	sq_bind_text(st, 1, email);
	return sq_step_write(c, st, 0);
}
