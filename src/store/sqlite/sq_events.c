/* sq_events.c - SQLite: the events timeline (its anchor) and the mail outbox. */
#include "store/sqlite/sq.h"
#include "util/str.h"
#include "store/store_events.h"
#include "util/err.h"

#include <jansson.h>
#include <stdlib.h>
#include <strings.h>
#include <string.h>

static int count_up(struct store_conn *c, const char *prefix, const char *key)
{
	sqlite3_stmt *st = sq_stmt(c, "INSERT INTO event_counts(scope, n) VALUES (? || ?, 1) "
	                              "ON CONFLICT(scope) DO UPDATE SET n = n + 1");
	if (!st)
		return PP_EDB;
	sqlite3_bind_text(st, 1, prefix, -1, SQLITE_STATIC);
	sq_bind_text(st, 2, key);
	return sq_step_write(c, st, 0);
}

static int event_insert(struct store_conn *c, const char *type, const char *user_id,
                        const char *app_id, const char *app_name, const char *type_data,
                        int64_t now, int64_t *id)
{
	sqlite3_stmt *st = sq_stmt(c, "INSERT INTO events(created_at, type, user_id, app_id, "
	                              "app_name, type_data) VALUES (?,?,?,?,?,?) RETURNING id");
	if (!st)
		return PP_EDB;
	sqlite3_bind_int64(st, 1, now);
	sq_bind_text(st, 2, type);
	sq_bind_text(st, 3, user_id);
	sq_bind_text(st, 4, app_id);
	sq_bind_text(st, 5, app_name);
	sq_bind_text(st, 6, type_data ? type_data : "{}");
	int src = sqlite3_step(st);
	if (src == SQLITE_ROW && id)
		*id = sqlite3_column_int64(st, 0);
	if (src == SQLITE_ROW)
		src = sqlite3_step(st);
	sq_done(st);
	int rc = src == SQLITE_DONE ? 0 : sq_rc(c, src);
	if (rc == 0 && user_id)
		rc = count_up(c, "u:", user_id);
	if (rc == 0 && app_id)
		rc = count_up(c, "a:", app_id);
	return rc;
}

int sq_event_add(struct store_conn *c, const char *type, const char *user_id, const char *app_id,
                 const char *app_name, const char *type_data, int64_t now, int64_t *id)
{
	/* the event and its counters land together: in the caller's transaction,
	 * or in one of their own (never a savepoint outside a transaction) */
	if (c->in_tx == STORE_TX_READ)
		return PP_EINVAL; /* no writes in a read snapshot */
	if (c->in_tx)
		return event_insert(c, type, user_id, app_id, app_name, type_data, now, id);
	int rc = sq_tx_begin(c, STORE_TX_WRITE);
	if (rc)
		return rc;
	rc = event_insert(c, type, user_id, app_id, app_name, type_data, now, id);
	if (rc == 0)
		return sq_tx_commit(c);
	sq_tx_rollback(c);
	return rc;
}

int sq_event_subject_add(struct store_conn *c, int64_t id, const char *subject)
{
	sqlite3_stmt *st =
	        sq_stmt(c, "INSERT INTO event_subjects(event_id, subject) VALUES (?, ?)");
	if (!st)
		return PP_EDB;
	sqlite3_bind_int64(st, 1, id);
	sq_bind_text(st, 2, subject);
	return sq_step_write(c, st, 0);
}

/* What an erasure replaces: the person's addresses (any case) and usernames. */
#define SCRUB_MARK "user account deleted"

struct scrub_ids {
	const char *const *emails;
	int nemails;
	const char *const *usernames;
	int nusernames;
};

/* 1 when x is a string that names the person. */
static int names_person(const json_t *x, const struct scrub_ids *ids)
{
	const char *s = json_string_value(x);
	if (!s)
		return 0;
	for (int i = 0; i < ids->nemails; i++)
		if (*ids->emails[i] && strcasecmp(s, ids->emails[i]) == 0)
			return 1;
	for (int i = 0; i < ids->nusernames; i++)
		if (*ids->usernames[i] && strcmp(s, ids->usernames[i]) == 0)
			return 1;
	return 0;
}

/* Replaces every string naming the person, at any depth, by a mark. 1 when v changed. */
static int scrub_json(json_t *v, const struct scrub_ids *ids)
{
	int changed = 0;
	const char *k;
	json_t *x;
	size_t i;
	json_object_foreach (v, k, x) {
		if (names_person(x, ids))
			changed = !json_object_set_new(v, k, json_string(SCRUB_MARK)) || changed;
		else
			changed |= scrub_json(x, ids);
	}
	json_array_foreach (v, i, x) {
		if (names_person(x, ids))
			changed = !json_array_set_new(v, i, json_string(SCRUB_MARK)) || changed;
		else
			changed |= scrub_json(x, ids);
	}
	return changed;
}

/* Scrubs the events naming subject (and, with own, the user's app events). */
static int scrub_pass(struct store_conn *c, const char *user_id, const char *subject, int own,
                      const struct scrub_ids *ids)
{
	int rc;
	sqlite3_stmt *st = sq_stmt(c, "SELECT id, type_data FROM events WHERE id IN (SELECT "
	                              "event_id FROM event_subjects WHERE subject = ?2) OR (?3 "
	                              "AND user_id = ?1 AND app_id IS NOT NULL)");
	sqlite3_stmt *up = sq_stmt(c, "UPDATE events SET type_data = ? WHERE id = ?");
	if (!st || !up)
		return PP_EDB;
	sq_bind_text(st, 1, user_id);
	sq_bind_text(st, 2, subject);
	sqlite3_bind_int(st, 3, own);
	/* read and rewrite in the same pass: updates touch type_data only, not the scan's index */
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		json_t *v = json_loads((const char *)sqlite3_column_text(st, 1), 0, NULL);
		if (v && scrub_json(v, ids)) {
			char *txt = json_dumps(v, JSON_COMPACT);
			if (txt) {
				sqlite3_bind_text(up, 1, txt, -1, SQLITE_TRANSIENT);
				sqlite3_bind_int64(up, 2, sqlite3_column_int64(st, 0));
				int urc = sqlite3_step(up);
				sq_done(up);
				free(txt);
				if (urc != SQLITE_DONE) {
					json_decref(v);
					sq_done(st);
					return sq_rc(c, urc);
				}
			}
		}
		json_decref(v);
	}
	sq_done(st);
	return rc == SQLITE_DONE ? 0 : sq_rc(c, rc);
}

int sq_event_scrub(struct store_conn *c, const char *user_id, const char *const *emails,
                   int nemails, const char *const *usernames, int nusernames)
{
	struct scrub_ids ids = {emails, nemails, usernames, nusernames};
	sqlite3_stmt *st = sq_stmt(c, "UPDATE events SET type_data = '{}' WHERE user_id = ? AND "
	                              "app_id IS NULL");
	if (!st)
		return PP_EDB;
	sq_bind_text(st, 1, user_id);
	int rc = sq_step_write(c, st, 0);
	if (rc == 0)
		rc = scrub_pass(c, user_id, user_id, 1, &ids);
	for (int i = 0; rc == 0 && i < nemails; i++) {
		char lc[TXT(EMAIL_MAX)];
		str_lower(lc, sizeof lc, emails[i]);
		if (*lc)
			rc = scrub_pass(c, user_id, lc, 0, &ids);
	}
	return rc;
}

int sq_event_subjects_forget(struct store_conn *c, const char *user_id, const char *const *emails,
                             int nemails)
{
	sqlite3_stmt *st = sq_stmt(c, "DELETE FROM event_subjects WHERE subject = lower(?)");
	if (!st)
		return PP_EDB;
	sq_bind_text(st, 1, user_id);
	int rc = sq_step_write(c, st, 0);
	for (int i = 0; rc == 0 && i < nemails; i++) {
		if (!*emails[i])
			continue;
		st = sq_stmt(c, "DELETE FROM event_subjects WHERE subject = lower(?)");
		if (!st)
			return PP_EDB;
		sq_bind_text(st, 1, emails[i]);
		rc = sq_step_write(c, st, 0);
	}
	return rc;
}

#define EVENT_SELECT                                                                               \
	"SELECT e.id, e.created_at, e.type, e.user_id, u.username, u.email, e.app_id, "            \
	"e.app_name, e.type_data FROM events e LEFT JOIN users u ON u.id = e.user_id "

/*
 * The anchor (see store_events.h): the newest event id in this read snapshot.
 * Correct for SQLite because its writers are serialized: an event's id is
 * allocated (max rowid + 1) inside the write transaction that commits it, so
 * ids commit in increasing order, and a snapshot that holds id N holds every
 * id below N and no later commit can bring one; the count and the page are
 * read in the same snapshot. A multi-writer engine allocates ids from a
 * sequence before commit and needs another watermark: see docs/decisions.md.
 */
static int max_event_id(struct store_conn *c, int64_t *out)
{
	sqlite3_stmt *st = sq_stmt(c, "SELECT COALESCE(MAX(id), 0) FROM events");
	if (!st)
		return PP_EDB;
	int rc = sqlite3_step(st);
	*out = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sq_done(st);
	return rc == SQLITE_ROW ? 0 : sq_rc(c, rc);
}

/* Events of the timeline newer than the anchor (usually none: an index range). */
static int count_newer(struct store_conn *c, const struct event_query *q, int64_t *n)
{
	sqlite3_stmt *st =
	        q->user_id ? sq_stmt(c, "SELECT COUNT(*) FROM events WHERE user_id = ? AND id > ?")
	                   : sq_stmt(c, "SELECT COUNT(*) FROM events WHERE app_id = ? AND id > ?");
	if (!st)
		return PP_EDB;
	sq_bind_text(st, 1, q->user_id ? q->user_id : q->app_id);
	sqlite3_bind_int64(st, 2, q->anchor);
	int rc = sqlite3_step(st);
	*n = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sq_done(st);
	return rc == SQLITE_ROW ? 0 : sq_rc(c, rc);
}

static int count_window(struct store_conn *c, const struct event_query *q, int64_t *total)
{
	const char *key = q->user_id ? q->user_id : q->app_id;
	int rc;
	if (q->since_ms > 0) {
		/* ?from= (at most 72 hours): count that window */
		sqlite3_stmt *st =
		        q->user_id ? sq_stmt(c, "SELECT COUNT(*) FROM events WHERE user_id = ? "
		                                "AND id <= ? AND created_at >= ?")
		                   : sq_stmt(c, "SELECT COUNT(*) FROM events WHERE app_id = ? "
		                                "AND id <= ? AND created_at >= ?");
		if (!st)
			return PP_EDB;
		sq_bind_text(st, 1, key);
		sqlite3_bind_int64(st, 2, q->anchor);
		sqlite3_bind_int64(st, 3, q->since_ms);
		rc = sqlite3_step(st);
		*total = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
		sq_done(st);
		return rc == SQLITE_ROW ? 0 : sq_rc(c, rc);
	}
	/* the timeline's counter, less what came after the anchor */
	sqlite3_stmt *st = sq_stmt(c, "SELECT n FROM event_counts WHERE scope = ? || ?");
	if (!st)
		return PP_EDB;
	sqlite3_bind_text(st, 1, q->user_id ? "u:" : "a:", -1, SQLITE_STATIC);
	sq_bind_text(st, 2, key);
	rc = sqlite3_step(st);
	int64_t n = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sq_done(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return sq_rc(c, rc);
	int64_t newer = 0;
	if ((rc = count_newer(c, q, &newer)) != 0)
		return rc;
	*total = n - newer;
	return 0;
}

static int list_page(struct store_conn *c, struct event_query *q, int64_t *total,
                     void (*cb)(const struct event_rec *, void *), void *arg)
{
	int rc;
	if (q->anchor <= 0 && (rc = max_event_id(c, &q->anchor)) != 0)
		return rc;
	if ((rc = count_window(c, q, total)) != 0)
		return rc;
	const char *key = q->user_id ? q->user_id : q->app_id;
	sqlite3_stmt *st;
	st = q->user_id ? sq_stmt(c, EVENT_SELECT "WHERE e.user_id = ? AND e.id <= ? AND "
	                                          "e.created_at >= ? ORDER BY e.id DESC LIMIT ? "
	                                          "OFFSET ?")
	                : sq_stmt(c, EVENT_SELECT "WHERE e.app_id = ? AND e.id <= ? AND "
	                                          "e.created_at >= ? ORDER BY e.id DESC LIMIT ? "
	                                          "OFFSET ?");
	if (!st)
		return PP_EDB;
	sq_bind_text(st, 1, key);
	sqlite3_bind_int64(st, 2, q->anchor);
	sqlite3_bind_int64(st, 3, q->since_ms);
	sqlite3_bind_int(st, 4, q->limit);
	sqlite3_bind_int64(st, 5, q->offset);
	struct event_rec e;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		memset(&e, 0, sizeof e);
		e.id = sqlite3_column_int64(st, 0);
		e.created_at = sqlite3_column_int64(st, 1);
		sq_col_text(st, 2, e.type, sizeof e.type);
		sq_col_text(st, 3, e.user_id, sizeof e.user_id);
		sq_col_text(st, 4, e.username, sizeof e.username);
		sq_col_text(st, 5, e.email, sizeof e.email);
		sq_col_text(st, 6, e.app_id, sizeof e.app_id);
		sq_col_text(st, 7, e.app_name, sizeof e.app_name);
		e.type_data = (const char *)sqlite3_column_text(st, 8);
		cb(&e, arg);
	}
	sq_done(st);
	return rc == SQLITE_DONE ? 0 : sq_rc(c, rc);
}

int sq_event_list(struct store_conn *c, struct event_query *q, int64_t *total,
                  void (*cb)(const struct event_rec *, void *), void *arg)
{
	/* one read snapshot: the anchor, the counter and the page agree */
	if (c->in_tx)
		return list_page(c, q, total, cb, arg);
	int rc = sq_tx_begin(c, STORE_TX_READ);
	if (rc)
		return rc;
	rc = list_page(c, q, total, cb, arg);
	if (rc == 0)
		return sq_tx_commit(c);
	sq_tx_rollback(c);
	return rc;
}

int sq_mail_enqueue(struct store_conn *c, const char *to, const char *subject, const char *body,
                    int64_t now)
{
	sqlite3_stmt *st = sq_stmt(c, "INSERT INTO mail_outbox(created_at, to_addr, subject, "
	                              "body, next_attempt_at) VALUES (?,?,?,?,?)");
	if (!st)
		return PP_EDB;
	sqlite3_bind_int64(st, 1, now);
	sq_bind_text(st, 2, to);
	sq_bind_text(st, 3, subject);
	sq_bind_text(st, 4, body);
	sqlite3_bind_int64(st, 5, now);
	return sq_step_write(c, st, 0);
}

int sq_mail_next(struct store_conn *c, int64_t now, struct mail_rec *m)
{
	/* a claim (store_events.h): read and leased in one statement, under the
	 * write lock that UPDATE takes, so two mailers never take the same mail */
	sqlite3_stmt *st = sq_stmt(c, "UPDATE mail_outbox SET next_attempt_at = ?2 WHERE id = "
	                              "(SELECT id FROM mail_outbox WHERE sent_at IS NULL AND "
	                              "next_attempt_at <= ?1 ORDER BY next_attempt_at, id LIMIT 1) "
	                              "RETURNING id, to_addr, subject, body, attempts");
	if (!st)
		return PP_EDB;
	sqlite3_bind_int64(st, 1, now);
	sqlite3_bind_int64(st, 2, now + STORE_MAIL_LEASE_MS);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		m->id = sqlite3_column_int64(st, 0);
		sq_col_text(st, 1, m->to_addr, sizeof m->to_addr);
		m->subject = strdup((const char *)sqlite3_column_text(st, 2));
		m->body = strdup((const char *)sqlite3_column_text(st, 3));
		m->attempts = sqlite3_column_int(st, 4);
		rc = (m->subject && m->body) ? 0 : PP_ENOMEM;
		/* step to the end: the UPDATE completes (and commits) there */
		int src = sqlite3_step(st);
		if (rc == 0 && src != SQLITE_DONE)
			rc = sq_rc(c, src);
		if (rc) {
			free(m->subject);
			free(m->body);
			m->subject = m->body = NULL;
		}
	} else {
		rc = rc == SQLITE_DONE ? PP_ENOTFOUND : sq_rc(c, rc);
	}
	sq_done(st);
	return rc;
}

int sq_mail_sent(struct store_conn *c, int64_t id, int64_t now)
{
	/* the body (live links) is dropped: who, what kind and when remain */
	sqlite3_stmt *st = sq_stmt(c, "UPDATE mail_outbox SET sent_at = ?, attempts = attempts "
	                              "+ 1, last_error = NULL, body = '' WHERE id = ?");
	if (!st)
		return PP_EDB;
	sqlite3_bind_int64(st, 1, now);
	sqlite3_bind_int64(st, 2, id);
	return sq_step_write(c, st, 0);
}

int sq_mail_failed(struct store_conn *c, int64_t id, const char *err, int64_t next_at)
{
	sqlite3_stmt *st = sq_stmt(c, "UPDATE mail_outbox SET attempts = attempts + 1, "
	                              "last_error = ?, next_attempt_at = ? WHERE id = ?");
	if (!st)
		return PP_EDB;
	sq_bind_text(st, 1, err);
	sqlite3_bind_int64(st, 2, next_at);
	sqlite3_bind_int64(st, 3, id);
	return sq_step_write(c, st, 0);
}

int sq_mail_logged(struct store_conn *c, int64_t id, const char *marker, int64_t next_at)
{
	sqlite3_stmt *st =
	        sq_stmt(c, "UPDATE mail_outbox SET attempts = attempts + 1, "
	                   "last_error = ?, next_attempt_at = ?, body = '' WHERE id = ?");
	if (!st)
		return PP_EDB;
	sq_bind_text(st, 1, marker);
	sqlite3_bind_int64(st, 2, next_at);
	sqlite3_bind_int64(st, 3, id);
	return sq_step_write(c, st, 0);
}

int sq_mail_forget_bodies(struct store_conn *c, const char *marker)
{
	sqlite3_stmt *st = sq_stmt(c, "UPDATE mail_outbox SET body = '' WHERE body != '' AND "
	                              "(sent_at IS NOT NULL OR last_error = ?)");
	if (!st)
		return PP_EDB;
	sq_bind_text(st, 1, marker);
	return sq_step_write(c, st, 0);
}

int sq_mail_pending(struct store_conn *c, int64_t *count)
{
	sqlite3_stmt *st = sq_stmt(c, "SELECT COUNT(*) FROM mail_outbox WHERE sent_at IS NULL");
	if (!st)
		return PP_EDB;
	int rc = sqlite3_step(st);
	*count = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sq_done(st);
	return rc == SQLITE_ROW ? 0 : sq_rc(c, rc);
}

int sq_mail_delete_to(struct store_conn *c, const char *addr)
{
	/* "" matches nothing: no mail has an empty address */
	sqlite3_stmt *st = sq_stmt(c, "DELETE FROM mail_outbox WHERE lower(to_addr) = lower(?)");
	if (!st)
		return PP_EDB;
	sq_bind_text(st, 1, addr);
	return sq_step_write(c, st, 0);
}

int sq_mail_delete_to_between(struct store_conn *c, const char *addr, int64_t from, int64_t until)
{
	sqlite3_stmt *st = sq_stmt(c, "DELETE FROM mail_outbox WHERE lower(to_addr) = lower(?) "
	                              "AND created_at >= ? AND created_at <= ?");
	if (!st)
		return PP_EDB;
	sq_bind_text(st, 1, addr);
	sqlite3_bind_int64(st, 2, from);
	sqlite3_bind_int64(st, 3, until);
	return sq_step_write(c, st, 0);
}

int sq_mail_replace_text(struct store_conn *c, const char *subject, const char *old,
                         const char *repl, int64_t from, int64_t until)
{
	sqlite3_stmt *st = sq_stmt(c, "UPDATE mail_outbox SET body = replace(body, ?1, ?2) "
	                              "WHERE subject = ?3 AND created_at >= ?4 AND created_at <= "
	                              "?5 AND instr(body, ?1) > 0");
	if (!st)
		return PP_EDB;
	sq_bind_text(st, 1, old);
	sq_bind_text(st, 2, repl);
	sq_bind_text(st, 3, subject);
	sqlite3_bind_int64(st, 4, from);
	sqlite3_bind_int64(st, 5, until);
	return sq_step_write(c, st, 0);
}

int sq_mail_requeue(struct store_conn *c, const char *marker, int64_t now)
{
	sqlite3_stmt *st = sq_stmt(c, "UPDATE mail_outbox SET next_attempt_at = ?, last_error = "
	                              "NULL WHERE sent_at IS NULL AND last_error = ?");
	if (!st)
		return PP_EDB;
	sqlite3_bind_int64(st, 1, now);
	sq_bind_text(st, 2, marker);
	return sq_step_write(c, st, 0);
}

/* One COUNT(*), MIN(created_at) row into *count and *oldest (0 when none). */
static int count_row(struct store_conn *c, sqlite3_stmt *st, int64_t *count, int64_t *oldest)
{
	int rc = sqlite3_step(st);
	*count = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	*oldest = rc == SQLITE_ROW ? sqlite3_column_int64(st, 1) : 0;
	sq_done(st);
	return rc == SQLITE_ROW ? 0 : sq_rc(c, rc);
}

int sq_mail_count_to(struct store_conn *c, const char *addr, const char *subject, int64_t since,
                     int64_t *count, int64_t *oldest)
{
	sqlite3_stmt *st = sq_stmt(c, "SELECT COUNT(*), COALESCE(MIN(created_at), 0) FROM "
	                              "mail_outbox WHERE lower(to_addr) = lower(?) AND "
	                              "subject = ? AND created_at >= ?");
	if (!st)
		return PP_EDB;
	sq_bind_text(st, 1, addr);
	sq_bind_text(st, 2, subject);
	sqlite3_bind_int64(st, 3, since);
	return count_row(c, st, count, oldest);
}

int sq_event_count(struct store_conn *c, const char *user_id, const char *type,
                   const char *data_part, int64_t since, int64_t *count, int64_t *oldest)
{
	sqlite3_stmt *st = sq_stmt(c, "SELECT COUNT(*), COALESCE(MIN(created_at), 0) FROM events "
	                              "WHERE user_id = ? AND type = ? AND created_at >= ? AND "
	                              "(?4 IS NULL OR instr(type_data, ?4) > 0)");
	if (!st)
		return PP_EDB;
	sq_bind_text(st, 1, user_id);
	sq_bind_text(st, 2, type);
	sqlite3_bind_int64(st, 3, since);
	if (data_part)
		sq_bind_text(st, 4, data_part);
	else
		sqlite3_bind_null(st, 4);
	return count_row(c, st, count, oldest);
}
