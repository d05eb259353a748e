/* store_apps.c - SQL for apps, formations, collaborators and account erasure. */
#include "store/store_apps.h"
#include "store/store_events.h"
#include "util/err.h"

#include <stdio.h>
#include <string.h>

#define APP_COLS                                                                                   \
	"a.id, a.name, a.owner_id, u.username, u.email, u.suspended_at, a.status, "                \
	"a.created_at, a.updated_at"

static void read_app(sqlite3_stmt *st, struct app_rec *a)
{
	store_col_text(st, 0, a->id, sizeof a->id);
	store_col_text(st, 1, a->name, sizeof a->name);
	store_col_text(st, 2, a->owner_id, sizeof a->owner_id);
	store_col_text(st, 3, a->owner_username, sizeof a->owner_username);
	store_col_text(st, 4, a->owner_email, sizeof a->owner_email);
	a->owner_suspended_at = sqlite3_column_int64(st, 5);
	store_col_text(st, 6, a->status, sizeof a->status);
	a->created_at = sqlite3_column_int64(st, 7);
	a->updated_at = sqlite3_column_int64(st, 8);
}

int store_app_insert(struct store_conn *c, const struct app_rec *a)
{
	sqlite3_stmt *st = store_stmt(c, "INSERT INTO apps(id, name, owner_id, status, created_at, "
	                                 "updated_at) VALUES (?,?,?,?,?,?)");
	if (!st)
		return PP_EDB;
	store_bind_text(st, 1, a->id);
	store_bind_text(st, 2, a->name);
	store_bind_text(st, 3, a->owner_id);
	store_bind_text(st, 4, a->status);
	sqlite3_bind_int64(st, 5, a->created_at);
	sqlite3_bind_int64(st, 6, a->updated_at);
	return store_step_write(c, st, 0);
}

int store_app_name_taken(struct store_conn *c, const char *name)
{
	sqlite3_stmt *st = store_stmt(c, "SELECT 1 FROM apps WHERE name = ?");
	if (!st)
		return PP_EDB;
	store_bind_text(st, 1, name);
	int rc = sqlite3_step(st);
	store_done(st);
	if (rc == SQLITE_ROW)
		return 1;
	return rc == SQLITE_DONE ? 0 : store_rc(c, rc);
}

int store_app_for_user(struct store_conn *c, const char *name_or_id, const char *user_id,
                       struct app_rec *a)
{
	sqlite3_stmt *st = store_stmt(
	        c, "SELECT " APP_COLS ", CASE WHEN a.owner_id = ?2 THEN 1 WHEN k.is_limited = 0 "
	           "THEN 2 WHEN k.is_limited = 1 THEN 3 ELSE 0 END "
	           "FROM apps a JOIN users u ON u.id = a.owner_id "
	           "LEFT JOIN collaborators k ON k.app_id = a.id AND k.user_id = ?2 AND "
	           "k.status = 'accepted' "
	           "WHERE (a.name = ?1 OR a.id = ?1) AND a.deleted_at IS NULL");
	if (!st)
		return PP_EDB;
	store_bind_text(st, 1, name_or_id);
	store_bind_text(st, 2, user_id);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		read_app(st, a);
		a->role = (enum app_role)sqlite3_column_int(st, 9);
		rc = a->role == ROLE_NONE ? PP_ENOTFOUND : 0;
	} else {
		rc = rc == SQLITE_DONE ? PP_ENOTFOUND : store_rc(c, rc);
	}
	store_done(st);
	return rc;
}

int store_app_list_for_user(struct store_conn *c, const char *user_id,
                            void (*cb)(const struct app_rec *, void *), void *arg)
{
	sqlite3_stmt *st = store_stmt(
	        c, "SELECT " APP_COLS ", CASE WHEN a.owner_id = ?1 THEN 1 WHEN k.is_limited = 0 "
	           "THEN 2 ELSE 3 END "
	           "FROM apps a JOIN users u ON u.id = a.owner_id "
	           "LEFT JOIN collaborators k ON k.app_id = a.id AND k.user_id = ?1 AND "
	           "k.status = 'accepted' "
	           "WHERE a.deleted_at IS NULL AND (a.owner_id = ?1 OR k.id IS NOT NULL) "
	           "ORDER BY a.name");
	if (!st)
		return PP_EDB;
	store_bind_text(st, 1, user_id);
	int rc;
	struct app_rec a;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		read_app(st, &a);
		a.role = (enum app_role)sqlite3_column_int(st, 9);
		cb(&a, arg);
	}
	store_done(st);
	return rc == SQLITE_DONE ? 0 : store_rc(c, rc);
}

int store_app_owned(struct store_conn *c, const char *user_id, void (*cb)(const char *, void *),
                    void *arg)
{
	sqlite3_stmt *st = store_stmt(c, "SELECT name FROM apps WHERE owner_id = ? AND deleted_at "
	                                 "IS NULL ORDER BY name");
	if (!st)
		return PP_EDB;
	store_bind_text(st, 1, user_id);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		cb((const char *)sqlite3_column_text(st, 0), arg);
	store_done(st);
	return rc == SQLITE_DONE ? 0 : store_rc(c, rc);
}

int store_app_delete(struct store_conn *c, const char *app_id, int64_t now)
{
	sqlite3_stmt *st = store_stmt(c, "UPDATE apps SET deleted_name = name, name = NULL, "
	                                 "deleted_at = ?, updated_at = ?, status = 'deleted' "
	                                 "WHERE id = ? AND deleted_at IS NULL");
	if (!st)
		return PP_EDB;
	sqlite3_bind_int64(st, 1, now);
	sqlite3_bind_int64(st, 2, now);
	store_bind_text(st, 3, app_id);
	return store_step_write(c, st, 1);
}

int store_app_touch(struct store_conn *c, const char *app_id, const char *status, int64_t now)
{
	sqlite3_stmt *st = store_stmt(c, "UPDATE apps SET status = ?, updated_at = ? WHERE id = ?");
	if (!st)
		return PP_EDB;
	store_bind_text(st, 1, status);
	sqlite3_bind_int64(st, 2, now);
	store_bind_text(st, 3, app_id);
	return store_step_write(c, st, 1);
}

int store_formation_get(struct store_conn *c, const char *app_id, struct formation_rec *out,
                        int max, int *n)
{
	sqlite3_stmt *st = store_stmt(c, "SELECT type, amount, size FROM formation WHERE app_id = "
	                                 "? ORDER BY type");
	if (!st)
		return PP_EDB;
	store_bind_text(st, 1, app_id);
	int rc;
	*n = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && *n < max) {
		store_col_text(st, 0, out[*n].type, sizeof out[*n].type);
		out[*n].amount = sqlite3_column_int(st, 1);
		store_col_text(st, 2, out[*n].size, sizeof out[*n].size);
		(*n)++;
	}
	store_done(st);
	return (rc == SQLITE_DONE || rc == SQLITE_ROW) ? 0 : store_rc(c, rc);
}

int store_formation_set(struct store_conn *c, const char *app_id, const char *owner_id,
                        const struct formation_rec *f, int64_t changed_at)
{
	sqlite3_stmt *st = store_stmt(c, "INSERT INTO formation(app_id, type, amount, size) "
	                                 "VALUES (?,?,?,?) ON CONFLICT(app_id, type) DO UPDATE "
	                                 "SET amount = excluded.amount, size = excluded.size");
	if (!st)
		return PP_EDB;
	store_bind_text(st, 1, app_id);
	store_bind_text(st, 2, f->type);
	sqlite3_bind_int(st, 3, f->amount);
	store_bind_text(st, 4, f->size);
	int rc = store_step_write(c, st, 0);
	if (rc)
		return rc;
	st = store_stmt(c, "INSERT INTO formation_history(app_id, owner_id, type, amount, size, "
	                   "changed_at) VALUES (?,?,?,?,?,?)");
	if (!st)
		return PP_EDB;
	store_bind_text(st, 1, app_id);
	store_bind_text(st, 2, owner_id);
	store_bind_text(st, 3, f->type);
	sqlite3_bind_int(st, 4, f->amount);
	store_bind_text(st, 5, f->size);
	sqlite3_bind_int64(st, 6, changed_at - changed_at % 1000);
	return store_step_write(c, st, 0);
}

#define COLLAB_COLS                                                                                \
	"k.id, k.app_id, COALESCE(a.name, a.deleted_name), k.email, k.user_id, u.username, "       \
	"k.status, k.is_limited, k.inviter_id, k.created_at, k.expires_at"

static void read_collab(sqlite3_stmt *st, struct collab_rec *k)
{
	store_col_text(st, 0, k->id, sizeof k->id);
	store_col_text(st, 1, k->app_id, sizeof k->app_id);
	store_col_text(st, 2, k->app_name, sizeof k->app_name);
	store_col_text(st, 3, k->email, sizeof k->email);
	store_col_text(st, 4, k->user_id, sizeof k->user_id);
	store_col_text(st, 5, k->username, sizeof k->username);
	store_col_text(st, 6, k->status, sizeof k->status);
	k->is_limited = sqlite3_column_int(st, 7);
	store_col_text(st, 8, k->inviter_id, sizeof k->inviter_id);
	k->created_at = sqlite3_column_int64(st, 9);
	k->expires_at = sqlite3_column_int64(st, 10);
}

int store_collab_insert(struct store_conn *c, const struct collab_rec *k,
                        const char *invitation_hash)
{
	sqlite3_stmt *st =
	        store_stmt(c, "INSERT INTO collaborators(id, app_id, email, user_id, "
	                      "status, is_limited, invitation_hash, inviter_id, "
	                      "created_at, expires_at) VALUES (?,?,?,NULL,'pending',?,?,?,"
	                      "?,?)");
	if (!st)
		return PP_EDB;
	store_bind_text(st, 1, k->id);
	store_bind_text(st, 2, k->app_id);
	store_bind_text(st, 3, k->email);
	sqlite3_bind_int(st, 4, k->is_limited);
	store_bind_text(st, 5, invitation_hash);
	store_bind_text(st, 6, k->inviter_id);
	sqlite3_bind_int64(st, 7, k->created_at);
	sqlite3_bind_int64(st, 8, k->expires_at);
	return store_step_write(c, st, 0);
}

int store_collab_list(struct store_conn *c, const char *app_id,
                      void (*cb)(const struct collab_rec *, void *), void *arg)
{
	sqlite3_stmt *st = store_stmt(c, "SELECT " COLLAB_COLS " FROM collaborators k "
	                                 "JOIN apps a ON a.id = k.app_id "
	                                 "LEFT JOIN users u ON u.id = k.user_id "
	                                 "WHERE k.app_id = ? ORDER BY k.created_at, k.id");
	if (!st)
		return PP_EDB;
	store_bind_text(st, 1, app_id);
	int rc;
	struct collab_rec k;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		read_collab(st, &k);
		cb(&k, arg);
	}
	store_done(st);
	return rc == SQLITE_DONE ? 0 : store_rc(c, rc);
}

static int collab_one(struct store_conn *c, sqlite3_stmt *st, struct collab_rec *k)
{
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		read_collab(st, k);
		rc = 0;
	} else {
		rc = rc == SQLITE_DONE ? PP_ENOTFOUND : store_rc(c, rc);
	}
	store_done(st);
	return rc;
}

int store_collab_get(struct store_conn *c, const char *app_id, const char *id, struct collab_rec *k)
{
	sqlite3_stmt *st = store_stmt(c, "SELECT " COLLAB_COLS " FROM collaborators k "
	                                 "JOIN apps a ON a.id = k.app_id "
	                                 "LEFT JOIN users u ON u.id = k.user_id "
	                                 "WHERE k.app_id = ? AND k.id = ?");
	if (!st)
		return PP_EDB;
	store_bind_text(st, 1, app_id);
	store_bind_text(st, 2, id);
	return collab_one(c, st, k);
}

int store_collab_by_invitation(struct store_conn *c, const char *hash, struct collab_rec *k)
{
	sqlite3_stmt *st = store_stmt(c, "SELECT " COLLAB_COLS " FROM collaborators k "
	                                 "JOIN apps a ON a.id = k.app_id "
	                                 "LEFT JOIN users u ON u.id = k.user_id "
	                                 "WHERE k.invitation_hash = ? AND a.deleted_at IS NULL");
	if (!st)
		return PP_EDB;
	store_bind_text(st, 1, hash);
	return collab_one(c, st, k);
}

int store_collab_exists(struct store_conn *c, const char *app_id, const char *user_id,
                        const char *email)
{
	sqlite3_stmt *st = store_stmt(
	        c, "SELECT 1 FROM collaborators WHERE app_id = ?1 AND ((user_id = ?2 AND status = "
	           "'accepted') OR (status = 'pending' AND lower(email) = lower(?3)))");
	if (!st)
		return PP_EDB;
	store_bind_text(st, 1, app_id);
	store_bind_text(st, 2, user_id ? user_id : "");
	store_bind_text(st, 3, email ? email : "");
	int rc = sqlite3_step(st);
	store_done(st);
	if (rc == SQLITE_ROW)
		return 1;
	return rc == SQLITE_DONE ? 0 : store_rc(c, rc);
}

int store_collab_accept(struct store_conn *c, const char *id, const char *user_id, int64_t now)
{
	sqlite3_stmt *st = store_stmt(c, "UPDATE collaborators SET user_id = ?, status = "
	                                 "'accepted', accepted_at = ?, invitation_hash = NULL "
	                                 "WHERE id = ? AND status = 'pending'");
	if (!st)
		return PP_EDB;
	store_bind_text(st, 1, user_id);
	sqlite3_bind_int64(st, 2, now);
	store_bind_text(st, 3, id);
	return store_step_write(c, st, 1);
}

int store_collab_set_limited(struct store_conn *c, const char *id, int is_limited)
{
	sqlite3_stmt *st = store_stmt(c, "UPDATE collaborators SET is_limited = ? WHERE id = ?");
	if (!st)
		return PP_EDB;
	sqlite3_bind_int(st, 1, is_limited);
	store_bind_text(st, 2, id);
	return store_step_write(c, st, 1);
}

int store_collab_delete(struct store_conn *c, const char *id)
{
	sqlite3_stmt *st = store_stmt(c, "DELETE FROM collaborators WHERE id = ?");
	if (!st)
		return PP_EDB;
	store_bind_text(st, 1, id);
	return store_step_write(c, st, 1);
}

int store_collab_delete_app(struct store_conn *c, const char *app_id)
{
	sqlite3_stmt *st = store_stmt(c, "DELETE FROM collaborators WHERE app_id = ?");
	if (!st)
		return PP_EDB;
	store_bind_text(st, 1, app_id);
	return store_step_write(c, st, 0);
}

/* Runs sql binding each of the n strings in order. */
static int exec_texts(struct store_conn *c, const char *sql, int n, const char *const *v)
{
	sqlite3_stmt *st = store_stmt(c, sql);
	if (!st)
		return PP_EDB;
	for (int i = 0; i < n; i++)
		store_bind_text(st, i + 1, v[i]);
	return store_step_write(c, st, 0);
}

/* The addresses the account accepted invitations under, other than its own (an
 * older address, a work one): events naming them are about this account, and
 * the invitation mails sent there are its data too. */
static int erase_invited_addresses(struct store_conn *c, const struct user_rec *u)
{
	sqlite3_stmt *st = store_stmt(c, "SELECT DISTINCT lower(email) FROM collaborators "
	                                 "WHERE user_id = ? AND email <> '' AND "
	                                 "lower(email) <> lower(?)");
	if (!st)
		return PP_EDB;
	store_bind_text(st, 1, u->id);
	store_bind_text(st, 2, u->email);
	int rc = 0, src;
	while ((src = sqlite3_step(st)) == SQLITE_ROW) {
		char addr[TXT(EMAIL_MAX)];
		snprintf(addr, sizeof addr, "%s", (const char *)sqlite3_column_text(st, 0));
		const char *em[] = {addr};
		/* each pass finds events by the account's id too: subjects are dropped
		 * only after the last one (store_user_erase) */
		if ((rc = store_event_scrub(c, u->id, addr, u->username)) ||
		    (rc = exec_texts(c, "DELETE FROM mail_outbox WHERE lower(to_addr) = ?", 1, em)))
			break;
	}
	store_done(st);
	if (rc)
		return rc;
	return src == SQLITE_DONE ? 0 : store_rc(c, src);
}

int store_user_erase(struct store_conn *c, const char *user_id, int64_t now)
{
	int rc;
	struct user_rec u;
	if ((rc = store_user_get(c, user_id, &u)) != 0)
		return rc;
	const char *uid[] = {user_id};
	const char *em[] = {u.email};
	const char *addrs[] = {u.email, u.unconfirmed_email};
	const char *subjects[] = {user_id, u.email, user_id};
	if ((rc = erase_invited_addresses(c, &u)) ||
	    (rc = store_event_scrub(c, user_id, u.email, u.username)) ||
	    /* every event is scrubbed: forget who they named */
	    (rc = exec_texts(c,
	                     "DELETE FROM event_subjects WHERE subject IN (?, lower(?)) OR "
	                     "subject IN (SELECT lower(email) FROM collaborators WHERE "
	                     "user_id = ?)",
	                     3, subjects)) ||
	    (rc = exec_texts(c,
	                     "UPDATE collaborators SET status = 'user account deleted', "
	                     "email = '', invitation_hash = NULL WHERE user_id = ?",
	                     1, uid)) ||
	    /* invitations sent to the address and never accepted */
	    (rc = exec_texts(c,
	                     "DELETE FROM collaborators WHERE status = 'pending' AND "
	                     "lower(email) = lower(?)",
	                     1, em)) ||
	    (rc = exec_texts(c, "DELETE FROM sessions WHERE user_id = ?", 1, uid)) ||
	    (rc = exec_texts(c, "DELETE FROM tokens WHERE user_id = ?", 1, uid)) ||
	    (rc = exec_texts(c, "DELETE FROM one_time_links WHERE user_id = ?", 1, uid)) ||
	    /* mails to its address and to a pending new one (sent or not) are personal
	     * data too ("" when none: no mail has an empty address) */
	    (rc = exec_texts(c,
	                     "DELETE FROM mail_outbox WHERE lower(to_addr) IN (lower(?), lower(?))",
	                     2, addrs)))
		return rc;
	sqlite3_stmt *st =
	        store_stmt(c, "UPDATE users SET username = NULL, email = NULL, "
	                      "email_lc = NULL, unconfirmed_email = NULL, "
	                      "password_hash = NULL, fullname = '', company = NULL, "
	                      "location = NULL, email_newsletter = 0, suspension_reason = "
	                      "NULL, deleted_at = ? WHERE id = ?");
	if (!st)
		return PP_EDB;
	sqlite3_bind_int64(st, 1, now);
	store_bind_text(st, 2, user_id);
	return store_step_write(c, st, 1);
}
