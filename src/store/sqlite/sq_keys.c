/* sq_keys.c - SQLite: the SSH keys of accounts (store_keys.h). */
#include "store/sqlite/sq.h"
#include "store/store_keys.h"
#include "util/err.h"

#include <string.h>

#define KEY_COLS                                                                                   \
	"k.id, k.user_id, k.name, k.type, k.content, k.fingerprint, k.created_at, "                \
	"k.last_used_at"
#define KEY_NCOLS  8
#define OWNER_COLS "u.id, u.username, u.email, u.suspended_at, u.suspension_reason"

static void read_key(sqlite3_stmt *st, struct key_rec *k)
{
	sq_col_text(st, 0, k->id, sizeof k->id);
	sq_col_text(st, 1, k->user_id, sizeof k->user_id);
	sq_col_text(st, 2, k->name, sizeof k->name);
	sq_col_text(st, 3, k->type, sizeof k->type);
	sq_col_text(st, 4, k->content, sizeof k->content);
	sq_col_text(st, 5, k->fingerprint, sizeof k->fingerprint);
	k->created_at = sqlite3_column_int64(st, 6);
	k->last_used_at = sqlite3_column_int64(st, 7);
}

static void read_owner(sqlite3_stmt *st, struct user_rec *u)
{
	memset(u, 0, sizeof *u);
	sq_col_text(st, KEY_NCOLS, u->id, sizeof u->id);
	sq_col_text(st, KEY_NCOLS + 1, u->username, sizeof u->username);
	sq_col_text(st, KEY_NCOLS + 2, u->email, sizeof u->email);
	u->suspended_at = sqlite3_column_int64(st, KEY_NCOLS + 3);
	sq_col_text(st, KEY_NCOLS + 4, u->suspension_reason, sizeof u->suspension_reason);
}

int sq_key_insert(struct store_conn *c, const struct key_rec *k, const char *blob_sha256)
{
	sqlite3_stmt *st = sq_stmt(c, "INSERT INTO keys(id, user_id, name, type, content, "
	                              "fingerprint, blob_sha256, created_at, last_used_at) "
	                              "VALUES (?,?,?,?,?,?,?,?,0)");
	if (!st)
		return PP_EDB;
	sq_bind_text(st, 1, k->id);
	sq_bind_text(st, 2, k->user_id);
	sq_bind_text(st, 3, k->name);
	sq_bind_text(st, 4, k->type);
	sq_bind_text(st, 5, k->content);
	sq_bind_text(st, 6, k->fingerprint);
	sq_bind_text(st, 7, blob_sha256);
	sqlite3_bind_int64(st, 8, k->created_at);
	return sq_step_write(c, st, 0);
}

int sq_key_list(struct store_conn *c, const char *user_id,
                void (*cb)(const struct key_rec *, void *), void *arg)
{
	sqlite3_stmt *st = sq_stmt(c, "SELECT " KEY_COLS " FROM keys k WHERE k.user_id = ? "
	                              "ORDER BY k.created_at, k.id");
	if (!st)
		return PP_EDB;
	sq_bind_text(st, 1, user_id);
	int rc;
	struct key_rec k;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		read_key(st, &k);
		cb(&k, arg);
	}
	sq_done(st);
	return rc == SQLITE_DONE ? 0 : sq_rc(c, rc);
}

static int key_one(struct store_conn *c, sqlite3_stmt *st, const char *a, const char *b,
                   struct key_rec *k, struct user_rec *u)
{
	if (!st)
		return PP_EDB;
	sq_bind_text(st, 1, a);
	if (b)
		sq_bind_text(st, 2, b);
	int rc = sq_step_row(c, st);
	if (rc == 0) {
		read_key(st, k);
		if (u)
			read_owner(st, u);
	}
	sq_done(st);
	return rc;
}

int sq_key_get(struct store_conn *c, const char *user_id, const char *id, struct key_rec *k)
{
	return key_one(c,
	               sq_stmt(c, "SELECT " KEY_COLS " FROM keys k WHERE k.user_id = ? AND "
	                          "k.id = ?"),
	               user_id, id, k, NULL);
}

int sq_key_by_name(struct store_conn *c, const char *user_id, const char *name, struct key_rec *k)
{
	return key_one(c,
	               sq_stmt(c, "SELECT " KEY_COLS " FROM keys k WHERE k.user_id = ? AND "
	                          "k.name = ?"),
	               user_id, name, k, NULL);
}

int sq_key_delete(struct store_conn *c, const char *user_id, const char *id)
{
	sqlite3_stmt *st = sq_stmt(c, "DELETE FROM keys WHERE user_id = ? AND id = ?");
	if (!st)
		return PP_EDB;
	sq_bind_text(st, 1, user_id);
	sq_bind_text(st, 2, id);
	return sq_step_write(c, st, 1);
}

int sq_key_delete_all(struct store_conn *c, const char *user_id)
{
	sqlite3_stmt *st = sq_stmt(c, "DELETE FROM keys WHERE user_id = ?");
	if (!st)
		return PP_EDB;
	sq_bind_text(st, 1, user_id);
	return sq_step_write(c, st, 0);
}

int sq_key_auth_by_sha256(struct store_conn *c, const char *blob_sha256, struct key_rec *k,
                          struct user_rec *u)
{
	return key_one(c,
	               sq_stmt(c, "SELECT " KEY_COLS ", " OWNER_COLS " FROM keys k JOIN users u "
	                          "ON u.id = k.user_id WHERE k.blob_sha256 = ? AND "
	                          "u.deleted_at IS NULL"),
	               blob_sha256, NULL, k, u);
}

int sq_key_auth_by_id(struct store_conn *c, const char *id, struct key_rec *k, struct user_rec *u)
{
	return key_one(c,
	               sq_stmt(c, "SELECT " KEY_COLS ", " OWNER_COLS " FROM keys k JOIN users u "
	                          "ON u.id = k.user_id WHERE k.id = ? AND u.deleted_at IS NULL"),
	               id, NULL, k, u);
}

int sq_key_touch(struct store_conn *c, const char *id, int64_t now)
{
	sqlite3_stmt *st = sq_stmt(c, "UPDATE keys SET last_used_at = ? WHERE id = ? AND "
	                              "last_used_at < ?");
	if (!st)
		return PP_EDB;
	sqlite3_bind_int64(st, 1, now);
	sq_bind_text(st, 2, id);
	sqlite3_bind_int64(st, 3, now - STORE_KEY_TOUCH_MS);
	return sq_step_write(c, st, 0);
}
