/*
 * pg_keys.c - PostgreSQL: the SSH keys of accounts (store_keys.h). Its table is
 * migration 7 of pg_migrations.c, the twin of SQLite's.
 */
#include "store/pg/pg.h"
#include "store/store_keys.h"
#include "util/err.h"

#include <string.h>

#define KEY_COLS                                                                                   \
	"k.id, k.user_id, k.name, k.type, k.content, k.fingerprint, k.created_at, "                \
	"k.last_used_at"
#define KEY_NCOLS  8
#define OWNER_COLS "u.id, u.username, u.email, u.suspended_at, u.suspension_reason"

static void read_key(const PGresult *r, int row, struct key_rec *k)
{
	pg_col_text(r, row, 0, k->id, sizeof k->id);
	pg_col_text(r, row, 1, k->user_id, sizeof k->user_id);
	pg_col_text(r, row, 2, k->name, sizeof k->name);
	pg_col_text(r, row, 3, k->type, sizeof k->type);
	pg_col_text(r, row, 4, k->content, sizeof k->content);
	pg_col_text(r, row, 5, k->fingerprint, sizeof k->fingerprint);
	k->created_at = pg_col_i64(r, row, 6);
	k->last_used_at = pg_col_i64(r, row, 7);
}

static void read_owner(const PGresult *r, struct user_rec *u)
{
	memset(u, 0, sizeof *u);
	pg_col_text(r, 0, KEY_NCOLS, u->id, sizeof u->id);
	pg_col_text(r, 0, KEY_NCOLS + 1, u->username, sizeof u->username);
	pg_col_text(r, 0, KEY_NCOLS + 2, u->email, sizeof u->email);
	u->suspended_at = pg_col_i64(r, 0, KEY_NCOLS + 3);
	pg_col_text(r, 0, KEY_NCOLS + 4, u->suspension_reason, sizeof u->suspension_reason);
}

int pg_key_insert(struct store_conn *c, const struct key_rec *k, const char *blob_sha256)
{
	char a[PG_I64_BUF];
	const char *p[] = {k->id,      k->user_id,     k->name,     k->type,
	                   k->content, k->fingerprint, blob_sha256, pg_i64(a, k->created_at)};
	/* under a savepoint: the caller asks which constraint a conflict hit, in the
	 * same transaction, which a failed statement would otherwise have aborted */
	return pg_exec_write_keep(c,
	                          "INSERT INTO keys(id, user_id, name, type, content, fingerprint, "
	                          "blob_sha256, created_at, last_used_at) "
	                          "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 0)",
	                          8, p, 0);
}

int pg_key_list(struct store_conn *c, const char *user_id,
                void (*cb)(const struct key_rec *, void *), void *arg)
{
	const char *p[] = {user_id};
	PGresult *res = NULL;
	int rc = pg_exec(c,
	                 "SELECT " KEY_COLS " FROM keys k WHERE k.user_id = $1 "
	                 "ORDER BY k.created_at, k.id",
	                 1, p, &res);
	if (rc == 0) {
		struct key_rec k;
		for (int i = 0; i < PQntuples(res); i++) {
			read_key(res, i, &k);
			cb(&k, arg);
		}
	}
	PQclear(res);
	return rc;
}

static int key_one(struct store_conn *c, const char *sql, int n, const char *const *p,
                   struct key_rec *k, struct user_rec *u)
{
	PGresult *res = NULL;
	int rc = pg_exec_row(c, sql, n, p, &res);
	if (rc == 0) {
		read_key(res, 0, k);
		if (u)
			read_owner(res, u);
	}
	PQclear(res);
	return rc;
}

int pg_key_get(struct store_conn *c, const char *user_id, const char *id, struct key_rec *k)
{
	const char *p[] = {user_id, id};
	return key_one(c, "SELECT " KEY_COLS " FROM keys k WHERE k.user_id = $1 AND k.id = $2", 2,
	               p, k, NULL);
}

int pg_key_by_name(struct store_conn *c, const char *user_id, const char *name, struct key_rec *k)
{
	const char *p[] = {user_id, name};
	return key_one(c, "SELECT " KEY_COLS " FROM keys k WHERE k.user_id = $1 AND k.name = $2", 2,
	               p, k, NULL);
}

int pg_key_delete(struct store_conn *c, const char *user_id, const char *id)
{
	const char *p[] = {user_id, id};
	return pg_exec_write(c, "DELETE FROM keys WHERE user_id = $1 AND id = $2", 2, p, 1);
}

int pg_key_delete_all(struct store_conn *c, const char *user_id)
{
	const char *p[] = {user_id};
	return pg_exec_write(c, "DELETE FROM keys WHERE user_id = $1", 1, p, 0);
}

int pg_key_auth_by_sha256(struct store_conn *c, const char *blob_sha256, struct key_rec *k,
                          struct user_rec *u)
{
	const char *p[] = {blob_sha256};
	return key_one(c,
	               "SELECT " KEY_COLS ", " OWNER_COLS " FROM keys k JOIN users u ON u.id = "
	               "k.user_id WHERE k.blob_sha256 = $1 AND u.deleted_at IS NULL",
	               1, p, k, u);
}

int pg_key_auth_by_id(struct store_conn *c, const char *id, struct key_rec *k, struct user_rec *u)
{
	const char *p[] = {id};
	return key_one(c,
	               "SELECT " KEY_COLS ", " OWNER_COLS " FROM keys k JOIN users u ON u.id = "
	               "k.user_id WHERE k.id = $1 AND u.deleted_at IS NULL",
	               1, p, k, u);
}

int pg_key_touch(struct store_conn *c, const char *id, int64_t now)
{
	char a[PG_I64_BUF], b[PG_I64_BUF];
	const char *p[] = {pg_i64(a, now), id, pg_i64(b, now - STORE_KEY_TOUCH_MS)};
	return pg_exec_write(c,
	                     "UPDATE keys SET last_used_at = $1 WHERE id = $2 AND "
	                     "last_used_at < $3",
	                     3, p, 0);
}
