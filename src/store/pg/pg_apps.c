/*
 * pg_apps.c - PostgreSQL: apps, formations and collaborators; the twin of
 * store/sqlite/sq_apps.c (same results, same codes).
 *
 * Read-modify-write under READ COMMITTED with several writers (SQLite had its
 * one write lock for this): inside a STORE_TX_WRITE transaction,
 *  - store_app_count_owned first locks the owner's users row, so the quota
 *    count and the insert that follows are serialized per owner;
 *  - store_formation_get locks the app's row, so a scale (read the formation,
 *    write the change and its event "from -> to") is serialized per app;
 *  - store_collab_exists and store_collab_by_invitation lock the app's row, so
 *    "no such invitation yet, insert it" and "not a collaborator yet, accept"
 *    see the other nodes' commits before they decide.
 * The locks are FOR NO KEY UPDATE: they do not block the FOR KEY SHARE locks
 * of foreign key checks (events, formation, collaborators referencing the row).
 * Each lock is taken by its own statement before the read it protects: in READ
 * COMMITTED the next statement sees everything committed before the lock was
 * granted.
 */
#include "store/pg/pg.h"
#include "store/store_apps.h"
#include "util/err.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define APP_COLS                                                                                   \
	"a.id, a.name, a.owner_id, u.username, u.email, u.suspended_at, a.status, "                \
	"a.created_at, a.updated_at"

static void read_app(const PGresult *r, int row, struct app_rec *a)
{
	pg_col_text(r, row, 0, a->id, sizeof a->id);
	pg_col_text(r, row, 1, a->name, sizeof a->name);
	pg_col_text(r, row, 2, a->owner_id, sizeof a->owner_id);
	pg_col_text(r, row, 3, a->owner_username, sizeof a->owner_username);
	pg_col_text(r, row, 4, a->owner_email, sizeof a->owner_email);
	a->owner_suspended_at = pg_col_i64(r, row, 5);
	pg_col_text(r, row, 6, a->status, sizeof a->status);
	a->created_at = pg_col_i64(r, row, 7);
	a->updated_at = pg_col_i64(r, row, 8);
}

/* In a write transaction, locks one row (sql selects it FOR NO KEY UPDATE by
 * $1); a missing row is no error (the read that follows finds nothing). */
static int lock_row(struct store_conn *c, const char *sql, const char *key)
{
	if (c->in_tx != STORE_TX_WRITE)
		return 0;
	const char *p[1] = {key};
	PGresult *r = NULL;
	int rc = pg_exec(c, sql, 1, p, &r);
	PQclear(r);
	return rc;
}

static const char LOCK_APP[] = "SELECT 1 FROM apps WHERE id = $1 FOR NO KEY UPDATE";
static const char LOCK_USER[] = "SELECT 1 FROM users WHERE id = $1 FOR NO KEY UPDATE";

int pg_app_insert(struct store_conn *c, const struct app_rec *a)
{
	char b1[PG_I64_BUF], b2[PG_I64_BUF];
	const char *p[6] = {a->id,
	                    a->name,
	                    a->owner_id,
	                    a->status,
	                    pg_i64(b1, a->created_at),
	                    pg_i64(b2, a->updated_at)};
	return pg_exec_write(c,
	                     "INSERT INTO apps(id, name, owner_id, status, created_at, updated_at) "
	                     "VALUES ($1, $2, $3, $4, $5, $6)",
	                     6, p, 0);
}

static int app_for_user(struct store_conn *c, const char *sql, const char *key, const char *user_id,
                        struct app_rec *a)
{
	const char *p[2] = {key, user_id};
	PGresult *r = NULL;
	int rc = pg_exec_row(c, sql, 2, p, &r);
	if (rc == 0) {
		read_app(r, 0, a);
		a->role = (enum app_role)pg_col_i64(r, 0, 9);
		rc = a->role == ROLE_NONE ? PP_ENOTFOUND : 0;
	}
	PQclear(r);
	return rc;
}

#define APP_FOR_USER_SQL                                                                           \
	"SELECT " APP_COLS ", CASE WHEN a.owner_id = $2 THEN 1 WHEN k.is_limited = 0 "             \
	"THEN 2 WHEN k.is_limited = 1 THEN 3 ELSE 0 END "                                          \
	"FROM apps a JOIN users u ON u.id = a.owner_id "                                           \
	"LEFT JOIN collaborators k ON k.app_id = a.id AND k.user_id = $2 AND "                     \
	"k.status = 'accepted' "

int pg_app_for_user(struct store_conn *c, const char *app_id, const char *user_id,
                    struct app_rec *a)
{
	return app_for_user(c, APP_FOR_USER_SQL "WHERE a.id = $1 AND a.deleted_at IS NULL", app_id,
	                    user_id, a);
}

int pg_app_for_user_by_name(struct store_conn *c, const char *name, const char *user_id,
                            struct app_rec *a)
{
	return app_for_user(c, APP_FOR_USER_SQL "WHERE a.name = $1 AND a.deleted_at IS NULL", name,
	                    user_id, a);
}

int pg_app_count_owned(struct store_conn *c, const char *owner_id, int *n)
{
	/* the quota check that counts runs in the creating write transaction: the
	 * owner's row lock serializes it with the other nodes' creations */
	int rc = lock_row(c, LOCK_USER, owner_id);
	if (rc)
		return rc;
	const char *p[1] = {owner_id};
	PGresult *r = NULL;
	rc = pg_exec_row(c, "SELECT count(*) FROM apps WHERE owner_id = $1 AND deleted_at IS NULL",
	                 1, p, &r);
	if (rc == 0)
		*n = (int)pg_col_i64(r, 0, 0);
	PQclear(r);
	return rc;
}

int pg_app_list_for_user(struct store_conn *c, const char *user_id,
                         void (*cb)(const struct app_rec *, void *), void *arg)
{
	const char *p[1] = {user_id};
	PGresult *r = NULL;
	int rc = pg_exec(c,
	                 "SELECT " APP_COLS ", CASE WHEN a.owner_id = $1 THEN 1 WHEN "
	                 "k.is_limited = 0 THEN 2 ELSE 3 END "
	                 "FROM apps a JOIN users u ON u.id = a.owner_id "
	                 "LEFT JOIN collaborators k ON k.app_id = a.id AND k.user_id = $1 AND "
	                 "k.status = 'accepted' "
	                 "WHERE a.deleted_at IS NULL AND (a.owner_id = $1 OR k.id IS NOT NULL) "
	                 "ORDER BY a.name",
	                 1, p, &r);
	if (rc)
		return rc;
	struct app_rec a;
	for (int i = 0; i < PQntuples(r); i++) {
		read_app(r, i, &a);
		a.role = (enum app_role)pg_col_i64(r, i, 9);
		cb(&a, arg);
	}
	PQclear(r);
	return 0;
}

int pg_app_owned(struct store_conn *c, const char *user_id, void (*cb)(const char *, void *),
                 void *arg)
{
	const char *p[1] = {user_id};
	PGresult *r = NULL;
	int rc = pg_exec(c,
	                 "SELECT name FROM apps WHERE owner_id = $1 AND deleted_at IS NULL "
	                 "ORDER BY name",
	                 1, p, &r);
	if (rc)
		return rc;
	for (int i = 0; i < PQntuples(r); i++)
		cb(PQgetvalue(r, i, 0), arg);
	PQclear(r);
	return 0;
}

int pg_app_delete(struct store_conn *c, const char *app_id, int64_t now)
{
	char b[PG_I64_BUF];
	const char *p[2] = {pg_i64(b, now), app_id};
	return pg_exec_write(c,
	                     "UPDATE apps SET deleted_name = name, name = NULL, deleted_at = $1, "
	                     "updated_at = $1, status = 'deleted' "
	                     "WHERE id = $2 AND deleted_at IS NULL",
	                     2, p, 1);
}

int pg_app_touch(struct store_conn *c, const char *app_id, const char *status, int64_t now)
{
	char b[PG_I64_BUF];
	const char *p[3] = {status, pg_i64(b, now), app_id};
	return pg_exec_write(c, "UPDATE apps SET status = $1, updated_at = $2 WHERE id = $3", 3, p,
	                     1);
}

int pg_formation_get(struct store_conn *c, const char *app_id, struct formation_rec *out, int max,
                     int *n)
{
	/* in a write transaction the formation is about to change: the app's
	 * row lock makes read-then-write one step against the other nodes */
	int rc = lock_row(c, LOCK_APP, app_id);
	if (rc)
		return rc;
	const char *p[1] = {app_id};
	PGresult *r = NULL;
	*n = 0;
	rc = pg_exec(c, "SELECT type, amount, size FROM formation WHERE app_id = $1 ORDER BY type",
	             1, p, &r);
	if (rc)
		return rc;
	for (int i = 0; i < PQntuples(r) && *n < max; i++) {
		pg_col_text(r, i, 0, out[*n].type, sizeof out[*n].type);
		out[*n].amount = (int)pg_col_i64(r, i, 1);
		pg_col_text(r, i, 2, out[*n].size, sizeof out[*n].size);
		(*n)++;
	}
	PQclear(r);
	return 0;
}

int pg_formation_set(struct store_conn *c, const char *app_id, const char *owner_id,
                     const struct formation_rec *f, int64_t changed_at)
{
	char b1[PG_I64_BUF], b2[PG_I64_BUF];
	const char *p[4] = {app_id, f->type, pg_i64(b1, f->amount), f->size};
	int rc = pg_exec_write(c,
	                       "INSERT INTO formation(app_id, type, amount, size) "
	                       "VALUES ($1, $2, $3, $4) ON CONFLICT (app_id, type) DO UPDATE "
	                       "SET amount = excluded.amount, size = excluded.size",
	                       4, p, 0);
	if (rc)
		return rc;
	const char *h[6] = {app_id,  owner_id,
	                    f->type, pg_i64(b1, f->amount),
	                    f->size, pg_i64(b2, changed_at - changed_at % 1000)};
	return pg_exec_write(c,
	                     "INSERT INTO formation_history(app_id, owner_id, type, amount, size, "
	                     "changed_at) VALUES ($1, $2, $3, $4, $5, $6)",
	                     6, h, 0);
}

#define COLLAB_COLS                                                                                \
	"k.id, k.app_id, COALESCE(a.name, a.deleted_name), k.email, k.user_id, u.username, "       \
	"k.status, k.is_limited, k.inviter_id, k.created_at, k.expires_at"

static void read_collab(const PGresult *r, int row, struct collab_rec *k)
{
	pg_col_text(r, row, 0, k->id, sizeof k->id);
	pg_col_text(r, row, 1, k->app_id, sizeof k->app_id);
	pg_col_text(r, row, 2, k->app_name, sizeof k->app_name);
	pg_col_text(r, row, 3, k->email, sizeof k->email);
	pg_col_text(r, row, 4, k->user_id, sizeof k->user_id);
	pg_col_text(r, row, 5, k->username, sizeof k->username);
	pg_col_text(r, row, 6, k->status, sizeof k->status);
	k->is_limited = (int)pg_col_i64(r, row, 7);
	pg_col_text(r, row, 8, k->inviter_id, sizeof k->inviter_id);
	k->created_at = pg_col_i64(r, row, 9);
	k->expires_at = pg_col_i64(r, row, 10);
}

int pg_collab_insert(struct store_conn *c, const struct collab_rec *k, const char *invitation_hash)
{
	char b1[PG_I64_BUF], b2[PG_I64_BUF], b3[PG_I64_BUF];
	const char *p[8] = {k->id,
	                    k->app_id,
	                    k->email,
	                    pg_i64(b1, k->is_limited),
	                    invitation_hash,
	                    k->inviter_id,
	                    pg_i64(b2, k->created_at),
	                    pg_i64(b3, k->expires_at)};
	return pg_exec_write(c,
	                     "INSERT INTO collaborators(id, app_id, email, user_id, status, "
	                     "is_limited, invitation_hash, inviter_id, created_at, expires_at) "
	                     "VALUES ($1, $2, $3, NULL, 'pending', $4, $5, $6, $7, $8)",
	                     8, p, 0);
}

int pg_collab_list(struct store_conn *c, const char *app_id,
                   void (*cb)(const struct collab_rec *, void *), void *arg)
{
	const char *p[1] = {app_id};
	PGresult *r = NULL;
	int rc = pg_exec(c,
	                 "SELECT " COLLAB_COLS " FROM collaborators k "
	                 "JOIN apps a ON a.id = k.app_id "
	                 "LEFT JOIN users u ON u.id = k.user_id "
	                 "WHERE k.app_id = $1 ORDER BY k.created_at, k.id",
	                 1, p, &r);
	if (rc)
		return rc;
	struct collab_rec k;
	for (int i = 0; i < PQntuples(r); i++) {
		read_collab(r, i, &k);
		cb(&k, arg);
	}
	PQclear(r);
	return 0;
}

static int collab_one(struct store_conn *c, const char *sql, int n, const char *const *p,
                      struct collab_rec *k)
{
	PGresult *r = NULL;
	int rc = pg_exec_row(c, sql, n, p, &r);
	if (rc == 0)
		read_collab(r, 0, k);
	PQclear(r);
	return rc;
}

int pg_collab_get(struct store_conn *c, const char *app_id, const char *id, struct collab_rec *k)
{
	const char *p[2] = {app_id, id};
	return collab_one(c,
	                  "SELECT " COLLAB_COLS " FROM collaborators k "
	                  "JOIN apps a ON a.id = k.app_id "
	                  "LEFT JOIN users u ON u.id = k.user_id "
	                  "WHERE k.app_id = $1 AND k.id = $2",
	                  2, p, k);
}

int pg_collab_by_invitation(struct store_conn *c, const char *hash, struct collab_rec *k)
{
	const char *p[1] = {hash};
	if (c->in_tx == STORE_TX_WRITE)
		/* about to be accepted: the app's row lock orders this accept after
		 * any other on the app, so the "already collaborates" check that
		 * follows sees them (two invitations of one user, two nodes) */
		return collab_one(c,
		                  "SELECT " COLLAB_COLS " FROM collaborators k "
		                  "JOIN apps a ON a.id = k.app_id "
		                  "LEFT JOIN users u ON u.id = k.user_id "
		                  "WHERE k.invitation_hash = $1 AND a.deleted_at IS NULL "
		                  "FOR NO KEY UPDATE OF a",
		                  1, p, k);
	return collab_one(c,
	                  "SELECT " COLLAB_COLS " FROM collaborators k "
	                  "JOIN apps a ON a.id = k.app_id "
	                  "LEFT JOIN users u ON u.id = k.user_id "
	                  "WHERE k.invitation_hash = $1 AND a.deleted_at IS NULL",
	                  1, p, k);
}

int pg_collab_exists(struct store_conn *c, const char *app_id, const char *user_id,
                     const char *email)
{
	/* check-then-insert of an invitation: the app's row lock serializes it */
	int rc = lock_row(c, LOCK_APP, app_id);
	if (rc)
		return rc;
	const char *p[3] = {app_id, user_id ? user_id : "", email ? email : ""};
	PGresult *r = NULL;
	rc = pg_exec_row(c,
	                 "SELECT 1 FROM collaborators WHERE app_id = $1 AND ((user_id = $2 AND "
	                 "status = 'accepted') OR (status = 'pending' AND lower(email) = "
	                 "lower($3)))",
	                 3, p, &r);
	PQclear(r);
	return rc == 0 ? PP_ECONFLICT : rc == PP_ENOTFOUND ? 0 : rc;
}

int pg_collab_accept(struct store_conn *c, const char *id, const char *user_id, int64_t now)
{
	/* first writer wins: a second accept waits for the first's row lock, then
	 * finds the row no longer pending (PP_ENOTFOUND) */
	char b[PG_I64_BUF];
	const char *p[3] = {user_id, pg_i64(b, now), id};
	return pg_exec_write(c,
	                     "UPDATE collaborators SET user_id = $1, status = 'accepted', "
	                     "accepted_at = $2, invitation_hash = NULL "
	                     "WHERE id = $3 AND status = 'pending'",
	                     3, p, 1);
}

int pg_collab_set_limited(struct store_conn *c, const char *id, int is_limited)
{
	char b[PG_I64_BUF];
	const char *p[2] = {pg_i64(b, is_limited), id};
	return pg_exec_write(c, "UPDATE collaborators SET is_limited = $1 WHERE id = $2", 2, p, 1);
}

int pg_collab_delete(struct store_conn *c, const char *id)
{
	const char *p[1] = {id};
	return pg_exec_write(c, "DELETE FROM collaborators WHERE id = $1", 1, p, 1);
}

int pg_collab_delete_app(struct store_conn *c, const char *app_id)
{
	const char *p[1] = {app_id};
	return pg_exec_write(c, "DELETE FROM collaborators WHERE app_id = $1", 1, p, 0);
}

int pg_collab_addresses(struct store_conn *c, const char *user_id, const char *except_email,
                        int (*cb)(const char *, void *), void *arg)
{
	const char *p[2] = {user_id, except_email};
	PGresult *r = NULL;
	/* the whole result is read before the first call: cb may write */
	int rc = pg_exec(c,
	                 "SELECT DISTINCT lower(email) FROM collaborators WHERE user_id = $1 AND "
	                 "email <> '' AND lower(email) <> lower($2)",
	                 2, p, &r);
	if (rc)
		return rc;
	for (int i = 0; rc == 0 && i < PQntuples(r); i++)
		rc = cb(PQgetvalue(r, i, 0), arg);
	PQclear(r);
	return rc;
}

int pg_collab_mark_deleted(struct store_conn *c, const char *user_id)
{
	const char *p[1] = {user_id};
	return pg_exec_write(c,
	                     "UPDATE collaborators SET status = 'user account deleted', "
	                     "email = '', invitation_hash = NULL WHERE user_id = $1",
	                     1, p, 0);
}

int pg_collab_delete_pending_to(struct store_conn *c, const char *email)
{
	const char *p[1] = {email};
	return pg_exec_write(c,
	                     "DELETE FROM collaborators WHERE status = 'pending' AND "
	                     "lower(email) = lower($1)",
	                     1, p, 0);
}
