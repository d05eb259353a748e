/*
 * pg_events.c - PostgreSQL: the events timeline (its exact anchor) and the mail
 * outbox (claimed by one node at a time); the twin of store/sqlite/sq_events.c
 * (same results, same codes).
 *
 * The timeline's anchor with out-of-order commits. An identity value is taken
 * when the INSERT runs but becomes visible when its transaction commits, in
 * any order: if T1 takes id 10, T2 takes 11 and commits, a reader's snapshot
 * has max(id) = 11 without 10, and 10 appears under that anchor when T1
 * commits (a page then shows an event the total did not count, or a later
 * page repeats one). store_events.h promises that no event with id <= anchor
 * commits after the anchor was read, so every event insertion takes the
 * transaction-level advisory lock PG_LOCK_EVENTS just before its INSERT and
 * holds it to commit: ids are then allocated and made visible one transaction
 * at a time, in id order (PostgreSQL releases a transaction's locks after its
 * commit is visible), and max(id) in a snapshot is a watermark again.
 *
 * Cost: the event-writing transactions of all nodes are serialized from their
 * event INSERT to their COMMIT (the event is the last or nearly last write of a
 * use case, so that is one or two statements and the commit's WAL flush:
 * roughly 1 / (commit latency) event transactions per second in total, ~1000/s
 * with a 1 ms fsync; reads never wait). Alternatives weighed:
 *  - a lock per timeline (hash of user id / app id) would let unrelated users
 *    write in parallel, but an event is in two timelines (its user's and its
 *    app's) and the anchor is one global id shared by both, so a reader would
 *    still see ids of other timelines overtake; it needs per-scope anchors, two
 *    locks per insert in a fixed order, and the same serialization per app;
 *  - an xid8 watermark (store pg_current_xact_id() in each event; the anchor
 *    admits only events whose transaction is older than
 *    pg_snapshot_xmin(pg_current_snapshot())) needs no lock at all, but adds a
 *    column and an index, makes the anchor a pair (id, xid) or an extra query,
 *    and hides every new event while any long transaction (a backup, a vacuum
 *    of a big table, an idle-in-transaction client) is open: fresh events vanish
 *    from the first page for as long as that lasts.
 * The single lock is exact, simple, and its throughput is far above what the
 * account side of the PaaS writes; see docs/decisions.md.
 *
 * Lock order (no deadlock between writers): row locks first, PG_LOCK_EVENTS
 * last. The INSERT's foreign key check takes FOR KEY SHARE on the user's row,
 * so that lock is taken before PG_LOCK_EVENTS; the counters' rows are only ever
 * locked under PG_LOCK_EVENTS. A use case that took PG_LOCK_EVENTS and then
 * waited for a row lock held by a transaction waiting for PG_LOCK_EVENTS would
 * deadlock: PostgreSQL detects it (40P01) and the request is rerun (PP_ERETRY).
 */
#include "store/pg/pg.h"
#include "store/store_events.h"
#include "util/err.h"
#include "util/str.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* The advisory lock keys of this file: the events' (one bigint, "ppEVENTS" in
 * ASCII) and the first half of the per-recipient mail locks (two int4, "MAIL"). */
#define PG_LOCK_EVENTS  "8102051966471787603"
#define PG_LOCK_MAIL_TO "1296124236"

static int exec_discard(struct store_conn *c, const char *sql, int n, const char *const *p)
{
	PGresult *r = NULL;
	int rc = pg_exec(c, sql, n, p, &r);
	PQclear(r);
	return rc;
}

static int event_insert(struct store_conn *c, const char *type, const char *user_id,
                        const char *app_id, const char *app_name, const char *type_data,
                        int64_t now, int64_t *id)
{
	int rc;
	if (user_id) {
		/* the FK check's lock on the user's row, before PG_LOCK_EVENTS (lock order) */
		const char *u[1] = {user_id};
		if ((rc = exec_discard(c, "SELECT 1 FROM users WHERE id = $1 FOR KEY SHARE", 1, u)))
			return rc;
	}
	/* ids become visible in id order: see the top of this file */
	if ((rc = exec_discard(c, "SELECT pg_advisory_xact_lock(" PG_LOCK_EVENTS ")", 0, NULL)))
		return rc;
	char b[PG_I64_BUF];
	const char *p[6] = {pg_i64(b, now), type,     user_id,
	                    app_id,         app_name, type_data ? type_data : "{}"};
	PGresult *r = NULL;
	/* the event and its timelines' counters in one statement */
	rc = pg_exec_row(c,
	                 "WITH e AS (INSERT INTO events(created_at, type, user_id, app_id, "
	                 "app_name, type_data) VALUES ($1, $2, $3, $4, $5, $6) "
	                 "RETURNING id, user_id, app_id), "
	                 "cu AS (INSERT INTO event_counts(scope, n) SELECT 'u:' || user_id, 1 "
	                 "FROM e WHERE user_id IS NOT NULL "
	                 "ON CONFLICT (scope) DO UPDATE SET n = event_counts.n + 1), "
	                 "ca AS (INSERT INTO event_counts(scope, n) SELECT 'a:' || app_id, 1 "
	                 "FROM e WHERE app_id IS NOT NULL "
	                 "ON CONFLICT (scope) DO UPDATE SET n = event_counts.n + 1) "
	                 "SELECT id FROM e",
	                 6, p, &r);
	if (rc == 0 && id)
		*id = pg_col_i64(r, 0, 0);
	PQclear(r);
	return rc == PP_ENOTFOUND ? PP_EDB : rc;
}

int pg_event_add(struct store_conn *c, const char *type, const char *user_id, const char *app_id,
                 const char *app_name, const char *type_data, int64_t now, int64_t *id)
{
	/* the event and its counters land together: in the caller's transaction,
	 * or in one of their own */
	if (c->in_tx == STORE_TX_READ)
		return PP_EINVAL; /* no writes in a read snapshot */
	if (c->in_tx)
		return event_insert(c, type, user_id, app_id, app_name, type_data, now, id);
	int rc = pg_tx_begin(c, STORE_TX_WRITE);
	if (rc)
		return rc;
	rc = event_insert(c, type, user_id, app_id, app_name, type_data, now, id);
	if (rc == 0)
		return pg_tx_commit(c);
	pg_tx_rollback(c);
	return rc;
}

int pg_event_subject_add(struct store_conn *c, int64_t id, const char *subject)
{
	char b[PG_I64_BUF];
	const char *p[2] = {pg_i64(b, id), subject};
	return pg_exec_write(c, "INSERT INTO event_subjects(event_id, subject) VALUES ($1, $2)", 2,
	                     p, 0);
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
	const char *p[3] = {user_id, subject, own ? "1" : "0"};
	PGresult *r = NULL;
	int rc = pg_exec(c,
	                 "SELECT id, type_data FROM events WHERE id IN (SELECT event_id FROM "
	                 "event_subjects WHERE subject = $2) OR ($3::int <> 0 AND user_id = $1 "
	                 "AND app_id IS NOT NULL)",
	                 3, p, &r);
	if (rc)
		return rc;
	for (int i = 0; rc == 0 && i < PQntuples(r); i++) {
		json_t *v = json_loads(PQgetvalue(r, i, 1), 0, NULL);
		if (v && scrub_json(v, ids)) {
			char *txt = json_dumps(v, JSON_COMPACT);
			if (txt) {
				const char *u[2] = {txt, PQgetvalue(r, i, 0)};
				rc = pg_exec_write(c,
				                   "UPDATE events SET type_data = $1 WHERE id = $2",
				                   2, u, 0);
				free(txt);
			}
		}
		json_decref(v);
	}
	PQclear(r);
	return rc;
}

int pg_event_scrub(struct store_conn *c, const char *user_id, const char *const *emails,
                   int nemails, const char *const *usernames, int nusernames)
{
	struct scrub_ids ids = {emails, nemails, usernames, nusernames};
	const char *p[1] = {user_id};
	int rc = pg_exec_write(c,
	                       "UPDATE events SET type_data = '{}' WHERE user_id = $1 AND "
	                       "app_id IS NULL",
	                       1, p, 0);
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

int pg_event_subjects_forget(struct store_conn *c, const char *user_id, const char *const *emails,
                             int nemails)
{
	static const char sql[] = "DELETE FROM event_subjects WHERE subject = lower($1)";
	const char *p[1] = {user_id};
	int rc = pg_exec_write(c, sql, 1, p, 0);
	for (int i = 0; rc == 0 && i < nemails; i++) {
		if (!*emails[i])
			continue;
		p[0] = emails[i];
		rc = pg_exec_write(c, sql, 1, p, 0);
	}
	return rc;
}

#define EVENT_SELECT                                                                               \
	"SELECT e.id, e.created_at, e.type, e.user_id, u.username, u.email, e.app_id, "            \
	"e.app_name, e.type_data FROM events e LEFT JOIN users u ON u.id = e.user_id "

/* One integer of a one-row query (0 when the row is missing). */
static int one_i64(struct store_conn *c, const char *sql, int n, const char *const *p, int64_t *out)
{
	PGresult *r = NULL;
	int rc = pg_exec_row(c, sql, n, p, &r);
	*out = rc == 0 ? pg_col_i64(r, 0, 0) : 0;
	PQclear(r);
	return rc == PP_ENOTFOUND ? 0 : rc;
}

/*
 * The anchor (see store_events.h): the newest event id in this read snapshot.
 * A watermark because event insertions hold PG_LOCK_EVENTS from the id's
 * allocation to the commit (top of this file): a snapshot that holds id N holds
 * every committed id below N, and no id below N commits later.
 */
static int max_event_id(struct store_conn *c, int64_t *out)
{
	return one_i64(c, "SELECT COALESCE(MAX(id), 0) FROM events", 0, NULL, out);
}

static int count_window(struct store_conn *c, const struct event_query *q, int64_t *total)
{
	const char *key = q->user_id ? q->user_id : q->app_id;
	char b1[PG_I64_BUF], b2[PG_I64_BUF];
	int rc;
	if (q->since_ms > 0) {
		/* ?from= (at most 72 hours): count that window */
		const char *p[3] = {key, pg_i64(b1, q->anchor), pg_i64(b2, q->since_ms)};
		return q->user_id ? one_i64(c,
		                            "SELECT COUNT(*) FROM events WHERE user_id = $1 AND "
		                            "id <= $2 AND created_at >= $3",
		                            3, p, total)
		                  : one_i64(c,
		                            "SELECT COUNT(*) FROM events WHERE app_id = $1 AND "
		                            "id <= $2 AND created_at >= $3",
		                            3, p, total);
	}
	/* the timeline's counter, less what came after the anchor */
	int64_t n = 0, newer = 0;
	const char *s[2] = {q->user_id ? "u:" : "a:", key};
	if ((rc = one_i64(c, "SELECT n FROM event_counts WHERE scope = $1::text || $2::text", 2, s,
	                  &n)))
		return rc;
	const char *p[2] = {key, pg_i64(b1, q->anchor)};
	rc = q->user_id ? one_i64(c, "SELECT COUNT(*) FROM events WHERE user_id = $1 AND id > $2",
	                          2, p, &newer)
	                : one_i64(c, "SELECT COUNT(*) FROM events WHERE app_id = $1 AND id > $2", 2,
	                          p, &newer);
	if (rc)
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
	char b1[PG_I64_BUF], b2[PG_I64_BUF], b3[PG_I64_BUF], b4[PG_I64_BUF];
	const char *p[5] = {q->user_id ? q->user_id : q->app_id, pg_i64(b1, q->anchor),
	                    pg_i64(b2, q->since_ms), pg_i64(b3, q->limit), pg_i64(b4, q->offset)};
	PGresult *r = NULL;
	rc = q->user_id ? pg_exec(c,
	                          EVENT_SELECT "WHERE e.user_id = $1 AND e.id <= $2 AND "
	                                       "e.created_at >= $3 ORDER BY e.id DESC "
	                                       "LIMIT $4 OFFSET $5",
	                          5, p, &r)
	                : pg_exec(c,
	                          EVENT_SELECT "WHERE e.app_id = $1 AND e.id <= $2 AND "
	                                       "e.created_at >= $3 ORDER BY e.id DESC "
	                                       "LIMIT $4 OFFSET $5",
	                          5, p, &r);
	if (rc)
		return rc;
	struct event_rec e;
	for (int i = 0; i < PQntuples(r); i++) {
		memset(&e, 0, sizeof e);
		e.id = pg_col_i64(r, i, 0);
		e.created_at = pg_col_i64(r, i, 1);
		pg_col_text(r, i, 2, e.type, sizeof e.type);
		pg_col_text(r, i, 3, e.user_id, sizeof e.user_id);
		pg_col_text(r, i, 4, e.username, sizeof e.username);
		pg_col_text(r, i, 5, e.email, sizeof e.email);
		pg_col_text(r, i, 6, e.app_id, sizeof e.app_id);
		pg_col_text(r, i, 7, e.app_name, sizeof e.app_name);
		e.type_data = PQgetvalue(r, i, 8);
		cb(&e, arg);
	}
	PQclear(r);
	return 0;
}

int pg_event_list(struct store_conn *c, struct event_query *q, int64_t *total,
                  void (*cb)(const struct event_rec *, void *), void *arg)
{
	/* one read snapshot: the anchor, the counter and the page agree */
	if (c->in_tx)
		return list_page(c, q, total, cb, arg);
	int rc = pg_tx_begin(c, STORE_TX_READ);
	if (rc)
		return rc;
	rc = list_page(c, q, total, cb, arg);
	if (rc == 0)
		return pg_tx_commit(c);
	pg_tx_rollback(c);
	return rc;
}

int pg_mail_enqueue(struct store_conn *c, const char *to, const char *subject, const char *body,
                    int64_t now)
{
	char b[PG_I64_BUF];
	const char *p[4] = {pg_i64(b, now), to, subject, body};
	return pg_exec_write(c,
	                     "INSERT INTO mail_outbox(created_at, to_addr, subject, body, "
	                     "next_attempt_at) VALUES ($1, $2, $3, $4, $1)",
	                     4, p, 0);
}

int pg_mail_next(struct store_conn *c, int64_t now, struct mail_rec *m)
{
	/* a claim (store_events.h): the oldest due mail is leased to this node in
	 * one statement; SKIP LOCKED passes over a mail another node is claiming
	 * at this instant, and the pushed next_attempt_at keeps the others off it
	 * until it is marked sent/failed/logged or the lease runs out */
	char b1[PG_I64_BUF], b2[PG_I64_BUF];
	const char *p[2] = {pg_i64(b1, now), pg_i64(b2, now + STORE_MAIL_LEASE_MS)};
	PGresult *r = NULL;
	int rc = pg_exec_row(c,
	                     "UPDATE mail_outbox SET next_attempt_at = $2 WHERE id = (SELECT id "
	                     "FROM mail_outbox WHERE sent_at IS NULL AND next_attempt_at <= $1 "
	                     "ORDER BY next_attempt_at, id LIMIT 1 FOR UPDATE SKIP LOCKED) "
	                     "RETURNING id, to_addr, subject, body, attempts",
	                     2, p, &r);
	if (rc == 0) {
		m->id = pg_col_i64(r, 0, 0);
		pg_col_text(r, 0, 1, m->to_addr, sizeof m->to_addr);
		m->subject = strdup(PQgetvalue(r, 0, 2));
		m->body = strdup(PQgetvalue(r, 0, 3));
		m->attempts = (int)pg_col_i64(r, 0, 4);
		rc = (m->subject && m->body) ? 0 : PP_ENOMEM;
		if (rc) {
			free(m->subject);
			free(m->body);
			m->subject = m->body = NULL;
		}
	}
	PQclear(r);
	return rc;
}

int pg_mail_sent(struct store_conn *c, int64_t id, int64_t now)
{
	/* the body (live links) is dropped: who, what kind and when remain */
	char b1[PG_I64_BUF], b2[PG_I64_BUF];
	const char *p[2] = {pg_i64(b1, now), pg_i64(b2, id)};
	return pg_exec_write(c,
	                     "UPDATE mail_outbox SET sent_at = $1, attempts = attempts + 1, "
	                     "last_error = NULL, body = '' WHERE id = $2",
	                     2, p, 0);
}

int pg_mail_failed(struct store_conn *c, int64_t id, const char *err, int64_t next_at)
{
	char b1[PG_I64_BUF], b2[PG_I64_BUF];
	const char *p[3] = {err, pg_i64(b1, next_at), pg_i64(b2, id)};
	return pg_exec_write(c,
	                     "UPDATE mail_outbox SET attempts = attempts + 1, last_error = $1, "
	                     "next_attempt_at = $2 WHERE id = $3",
	                     3, p, 0);
}

int pg_mail_logged(struct store_conn *c, int64_t id, const char *marker, int64_t next_at)
{
	char b1[PG_I64_BUF], b2[PG_I64_BUF];
	const char *p[3] = {marker, pg_i64(b1, next_at), pg_i64(b2, id)};
	return pg_exec_write(c,
	                     "UPDATE mail_outbox SET attempts = attempts + 1, last_error = $1, "
	                     "next_attempt_at = $2, body = '' WHERE id = $3",
	                     3, p, 0);
}

int pg_mail_forget_bodies(struct store_conn *c, const char *marker)
{
	const char *p[1] = {marker};
	return pg_exec_write(c,
	                     "UPDATE mail_outbox SET body = '' WHERE body <> '' AND "
	                     "(sent_at IS NOT NULL OR last_error = $1)",
	                     1, p, 0);
}

int pg_mail_pending(struct store_conn *c, int64_t *count)
{
	return one_i64(c, "SELECT COUNT(*) FROM mail_outbox WHERE sent_at IS NULL", 0, NULL, count);
}

int pg_mail_delete_to(struct store_conn *c, const char *addr)
{
	/* "" matches nothing: no mail has an empty address */
	const char *p[1] = {addr};
	return pg_exec_write(c, "DELETE FROM mail_outbox WHERE lower(to_addr) = lower($1)", 1, p,
	                     0);
}

int pg_mail_delete_to_between(struct store_conn *c, const char *addr, int64_t from, int64_t until)
{
	char b1[PG_I64_BUF], b2[PG_I64_BUF];
	const char *p[3] = {addr, pg_i64(b1, from), pg_i64(b2, until)};
	return pg_exec_write(c,
	                     "DELETE FROM mail_outbox WHERE lower(to_addr) = lower($1) AND "
	                     "created_at >= $2 AND created_at <= $3",
	                     3, p, 0);
}

int pg_mail_replace_text(struct store_conn *c, const char *subject, const char *old,
                         const char *repl, int64_t from, int64_t until)
{
	char b1[PG_I64_BUF], b2[PG_I64_BUF];
	const char *p[5] = {old, repl, subject, pg_i64(b1, from), pg_i64(b2, until)};
	return pg_exec_write(c,
	                     "UPDATE mail_outbox SET body = replace(body, $1, $2) WHERE "
	                     "subject = $3 AND created_at >= $4 AND created_at <= $5 AND "
	                     "strpos(body, $1) > 0",
	                     5, p, 0);
}

int pg_mail_requeue(struct store_conn *c, const char *marker, int64_t now)
{
	char b[PG_I64_BUF];
	const char *p[2] = {pg_i64(b, now), marker};
	return pg_exec_write(c,
	                     "UPDATE mail_outbox SET next_attempt_at = $1, last_error = NULL "
	                     "WHERE sent_at IS NULL AND last_error = $2",
	                     2, p, 0);
}

/* One COUNT(*), MIN(created_at) row into *count and *oldest (0 when none). */
static int count_row(struct store_conn *c, const char *sql, int n, const char *const *p,
                     int64_t *count, int64_t *oldest)
{
	PGresult *r = NULL;
	int rc = pg_exec_row(c, sql, n, p, &r);
	*count = rc == 0 ? pg_col_i64(r, 0, 0) : 0;
	*oldest = rc == 0 ? pg_col_i64(r, 0, 1) : 0;
	PQclear(r);
	return rc;
}

int pg_mail_count_to(struct store_conn *c, const char *addr, const char *subject, int64_t since,
                     int64_t *count, int64_t *oldest)
{
	const char *p[3] = {addr, subject, NULL};
	char b[PG_I64_BUF];
	int rc;
	/* an outbound mail limit is checked, then the mail enqueued, in one write
	 * transaction: a lock per recipient (hashed) makes that one step for the
	 * other nodes writing to the same address */
	if (c->in_tx == STORE_TX_WRITE &&
	    (rc = exec_discard(
	             c, "SELECT pg_advisory_xact_lock(" PG_LOCK_MAIL_TO ", hashtext(lower($1)))", 1,
	             p)))
		return rc;
	p[2] = pg_i64(b, since);
	return count_row(c,
	                 "SELECT COUNT(*), COALESCE(MIN(created_at), 0) FROM mail_outbox WHERE "
	                 "lower(to_addr) = lower($1) AND subject = $2 AND created_at >= $3",
	                 3, p, count, oldest);
}

int pg_event_count(struct store_conn *c, const char *user_id, const char *type,
                   const char *data_part, int64_t since, int64_t *count, int64_t *oldest)
{
	int rc;
	/* a per-user limit checked then acted on in one write transaction: the
	 * user's row lock serializes it with the user's other requests */
	if (c->in_tx == STORE_TX_WRITE) {
		const char *u[1] = {user_id};
		if ((rc = exec_discard(c, "SELECT 1 FROM users WHERE id = $1 FOR NO KEY UPDATE", 1,
		                       u)))
			return rc;
	}
	char b[PG_I64_BUF];
	const char *p[4] = {user_id, type, pg_i64(b, since), data_part};
	return count_row(c,
	                 "SELECT COUNT(*), COALESCE(MIN(created_at), 0) FROM events WHERE "
	                 "user_id = $1 AND type = $2 AND created_at >= $3 AND "
	                 "($4::text IS NULL OR strpos(type_data, $4::text) > 0)",
	                 4, p, count, oldest);
}
