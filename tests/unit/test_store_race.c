/*
 * test_store_race.c - the store under concurrent writers, as several nodes
 * make it: the timeline anchor when event transactions commit out of id order,
 * the mail outbox claimed once across nodes, and the read-then-write steps
 * (app quota, invitation check) that must see each other's commits. Runs on
 * SQLite (a temp file) and, with PAASPORT_TEST_PG_URI set (a postgresql:// URI
 * of a database the suite may wipe), on PostgreSQL. Each "node" is a store of
 * its own (its own pool) on the same database.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <libpq-fe.h>
#include <pthread.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "store/store.h"
#include "store/store_acct.h"
#include "store/store_apps.h"
#include "store/store_events.h"
#include "util/err.h"

#define NOW        1700000000000LL
#define HOLD_MS    600 /* how long the first writer keeps its transaction open */
#define SETTLE_MS  250 /* time given to the second writer to commit if it could */
#define MAILS      40
#define RACERS     2
#define EVENTS_MAX 16

struct fx {
	char dir[64];
	char path[256];
	int pg;
	struct store *node[2];
};

static void pg_wipe(const char *uri)
{
	PGconn *pg = PQconnectdb(uri);
	PGresult *r = PQexec(pg, "SET client_min_messages = warning; DROP SCHEMA public CASCADE; "
	                         "CREATE SCHEMA public");
	if (PQresultStatus(r) != PGRES_COMMAND_OK)
		fprintf(stderr, "test_store_race: cannot wipe %s: %s", uri, PQerrorMessage(pg));
	PQclear(r);
	PQfinish(pg);
}

static void sleep_ms(int ms)
{
	struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
}

static int setup(void **state)
{
	if (sodium_init() < 0)
		return -1;
	struct fx *f = calloc(1, sizeof *f);
	if (!f)
		return -1;
	const char *uri = getenv("PAASPORT_TEST_PG_URI");
	if (uri && *uri) {
		f->pg = 1;
		snprintf(f->path, sizeof f->path, "%s", uri);
		pg_wipe(f->path);
	} else {
		snprintf(f->dir, sizeof f->dir, "/tmp/pp-test-race-XXXXXX");
		if (!mkdtemp(f->dir))
			return -1;
		snprintf(f->path, sizeof f->path, "%s/db.sqlite", f->dir);
	}
	for (int i = 0; i < 2; i++)
		if (store_open(f->path, 4, &f->node[i]) != 0)
			return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	for (int i = 0; i < 2; i++)
		store_close(f->node[i]);
	if (f->pg) {
		pg_wipe(f->path);
	} else {
		static const char *const sfx[] = {"", "-wal", "-shm", "-journal"};
		char p[300];
		for (size_t i = 0; i < sizeof sfx / sizeof sfx[0]; i++) {
			snprintf(p, sizeof p, "%s%s", f->path, sfx[i]);
			unlink(p);
		}
		rmdir(f->dir);
	}
	free(f);
	return 0;
}

static void make_user(struct store *s, const char *id, const char *username)
{
	struct store_conn *c = store_acquire(s);
	struct user_rec u;
	memset(&u, 0, sizeof u);
	snprintf(u.id, sizeof u.id, "%s", id);
	snprintf(u.username, sizeof u.username, "%s", username);
	snprintf(u.email, sizeof u.email, "%s@example.com", username);
	snprintf(u.referral_code, sizeof u.referral_code, "ref-%s", id);
	u.created_at = NOW;
	assert_int_equal(store_user_insert(c, &u, "$argon2id$fakehash", NULL, NULL), 0);
	store_release(s, c);
}

/* ---- the timeline anchor ---- */

struct page {
	int64_t anchor, total;
	int n;
	int64_t ids[EVENTS_MAX];
};

static void collect(const struct event_rec *e, void *arg)
{
	struct page *p = arg;
	if (p->n < EVENTS_MAX)
		p->ids[p->n++] = e->id;
}

static void read_page(struct store *s, const char *user_id, int64_t anchor, struct page *p)
{
	struct store_conn *c = store_acquire(s);
	struct event_query q = {.user_id = user_id, .anchor = anchor, .limit = EVENTS_MAX};
	memset(p, 0, sizeof *p);
	assert_int_equal(store_event_list(c, &q, &p->total, collect, p), 0);
	p->anchor = q.anchor;
	store_release(s, c);
}

struct writer {
	struct store *s;
	const char *user_id;
	int hold_ms; /* > 0: in an explicit transaction kept open that long after the insert */
	atomic_int inserted;
	int rc;
	int64_t id;
};

static void *write_event(void *arg)
{
	struct writer *w = arg;
	struct store_conn *c = store_acquire(w->s);
	if (w->hold_ms > 0) {
		w->rc = store_tx_begin(c, STORE_TX_WRITE);
		if (w->rc == 0)
			w->rc = store_event_add(c, "race", w->user_id, NULL, NULL, NULL, NOW,
			                        &w->id);
		atomic_store(&w->inserted, 1);
		sleep_ms(w->hold_ms);
		if (w->rc == 0)
			w->rc = store_tx_commit(c);
		else
			store_tx_rollback(c);
	} else {
		w->rc = store_event_add(c, "race", w->user_id, NULL, NULL, NULL, NOW, &w->id);
	}
	store_release(w->s, c);
	return NULL;
}

/*
 * Node 1 inserts an event on alice's timeline and keeps its transaction open;
 * node 2 then inserts one on bob's (a larger id where ids come from a
 * sequence) and would commit first. A reader of alice's timeline in between
 * gets an anchor: the same anchor must give the same page once both have
 * committed. Without ordered commits (PostgreSQL without the events lock) the
 * anchor is bob's id and alice's smaller id appears under it afterwards.
 */
static void test_anchor_out_of_order_commits(void **state)
{
	struct fx *f = *state;
	make_user(f->node[0], "us-a", "alice");
	make_user(f->node[0], "us-b", "bob");
	struct store_conn *c = store_acquire(f->node[0]);
	assert_int_equal(store_event_add(c, "seed", "us-a", NULL, NULL, NULL, NOW, NULL), 0);
	store_release(f->node[0], c);

	struct writer slow = {.s = f->node[0], .user_id = "us-a", .hold_ms = HOLD_MS};
	struct writer fast = {.s = f->node[1], .user_id = "us-b"};
	pthread_t t1, t2;
	assert_int_equal(pthread_create(&t1, NULL, write_event, &slow), 0);
	while (!atomic_load(&slow.inserted))
		sleep_ms(5);
	assert_int_equal(pthread_create(&t2, NULL, write_event, &fast), 0);
	sleep_ms(SETTLE_MS);
	struct page before, after;
	read_page(f->node[1], "us-a", 0, &before);
	pthread_join(t1, NULL);
	pthread_join(t2, NULL);
	assert_int_equal(slow.rc, 0);
	assert_int_equal(fast.rc, 0);

	/* the anchored page does not change... */
	read_page(f->node[0], "us-a", before.anchor, &after);
	assert_int_equal(after.total, before.total);
	assert_int_equal(after.n, before.n);
	assert_memory_equal(after.ids, before.ids, sizeof before.ids[0] * (size_t)before.n);
	assert_int_equal(before.total, 1); /* only the seed had committed */
	/* ...and a new anchor shows the new event */
	read_page(f->node[0], "us-a", 0, &after);
	assert_int_equal(after.total, 2);
	assert_true(after.anchor >= slow.id && after.anchor >= fast.id);
	assert_int_equal(after.ids[0], slow.id);
}

/* ---- the mail outbox ---- */

static void test_mail_claim_lease(void **state)
{
	struct fx *f = *state;
	struct store_conn *a = store_acquire(f->node[0]), *b = store_acquire(f->node[1]);
	struct mail_rec m1, m2;
	memset(&m1, 0, sizeof m1);
	memset(&m2, 0, sizeof m2);
	assert_int_equal(store_mail_enqueue(a, "x@example.com", "Hi", "body", NOW), 0);
	assert_int_equal(store_mail_next(a, NOW, &m1), 0);
	assert_string_equal(m1.body, "body");
	/* claimed by node 1: node 2 does not get it while node 1 sends it */
	assert_int_equal(store_mail_next(b, NOW + 1000, &m2), PP_ENOTFOUND);
	assert_int_equal(store_mail_next(a, NOW + 1000, &m2), PP_ENOTFOUND);
	/* node 1 died before marking it: due again once the lease is over */
	assert_int_equal(store_mail_next(b, NOW + STORE_MAIL_LEASE_MS - 1, &m2), PP_ENOTFOUND);
	assert_int_equal(store_mail_next(b, NOW + STORE_MAIL_LEASE_MS, &m2), 0);
	assert_int_equal(m2.id, m1.id);
	assert_int_equal(store_mail_sent(b, m2.id, NOW + STORE_MAIL_LEASE_MS), 0);
	assert_int_equal(store_mail_next(a, NOW + 10 * STORE_MAIL_LEASE_MS, &m2), PP_ENOTFOUND);
	free(m1.subject);
	free(m1.body);
	free(m2.subject);
	free(m2.body);
	store_release(f->node[0], a);
	store_release(f->node[1], b);
}

struct mailer {
	struct store *s;
	int claimed[MAILS + 1];
	int n, rc;
};

static void *drain(void *arg)
{
	struct mailer *m = arg;
	struct store_conn *c = store_acquire(m->s);
	struct mail_rec r;
	for (;;) {
		memset(&r, 0, sizeof r);
		int rc = store_mail_next(c, NOW, &r);
		if (rc == PP_ENOTFOUND)
			break;
		if (rc == PP_EBUSY || rc == PP_ERETRY)
			continue;
		if (rc) {
			m->rc = rc;
			break;
		}
		if (r.id >= 1 && r.id <= MAILS)
			m->claimed[r.id]++;
		m->n++;
		free(r.subject);
		free(r.body);
		if ((m->rc = store_mail_sent(c, r.id, NOW)) != 0)
			break;
	}
	store_release(m->s, c);
	return NULL;
}

/* Two nodes drain one outbox at once: every mail is taken exactly once. */
static void test_mail_sent_once_by_two_nodes(void **state)
{
	struct fx *f = *state;
	struct store_conn *c = store_acquire(f->node[0]);
	for (int i = 0; i < MAILS; i++)
		assert_int_equal(store_mail_enqueue(c, "x@example.com", "Hi", "body", NOW), 0);
	store_release(f->node[0], c);
	static struct mailer m[2];
	memset(m, 0, sizeof m);
	pthread_t t[2];
	for (int i = 0; i < 2; i++) {
		m[i].s = f->node[i];
		assert_int_equal(pthread_create(&t[i], NULL, drain, &m[i]), 0);
	}
	for (int i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	assert_int_equal(m[0].rc, 0);
	assert_int_equal(m[1].rc, 0);
	assert_int_equal(m[0].n + m[1].n, MAILS);
	for (int id = 1; id <= MAILS; id++)
		assert_int_equal(m[0].claimed[id] + m[1].claimed[id], 1);
	c = store_acquire(f->node[1]);
	int64_t pending = -1;
	assert_int_equal(store_mail_pending(c, &pending), 0);
	assert_int_equal(pending, 0);
	store_release(f->node[1], c);
}

/* ---- read, then write: the quota and the invitation check ---- */

struct racer {
	struct store *s;
	int idx;
	int made, rc;
};

/* Creates an app for us-a if the owner has none yet (quota 1), slowly. */
static void *create_if_under_quota(void *arg)
{
	struct racer *r = arg;
	struct store_conn *c = store_acquire(r->s);
	int n = -1, rc = store_tx_begin(c, STORE_TX_WRITE);
	if (rc == 0)
		rc = store_app_count_owned(c, "us-a", &n);
	sleep_ms(SETTLE_MS); /* the other node checks meanwhile if it can */
	if (rc == 0 && n < 1) {
		struct app_rec a;
		memset(&a, 0, sizeof a);
		snprintf(a.id, sizeof a.id, "ap-%d", r->idx);
		snprintf(a.name, sizeof a.name, "app-%d", r->idx);
		snprintf(a.owner_id, sizeof a.owner_id, "us-a");
		snprintf(a.status, sizeof a.status, "new");
		a.created_at = a.updated_at = NOW;
		rc = store_app_insert(c, &a);
		r->made = rc == 0;
	}
	if (rc == 0)
		rc = store_tx_commit(c);
	else
		store_tx_rollback(c);
	r->rc = rc;
	store_release(r->s, c);
	return NULL;
}

static void test_app_quota_across_nodes(void **state)
{
	struct fx *f = *state;
	make_user(f->node[0], "us-a", "alice");
	struct racer r[RACERS];
	pthread_t t[RACERS];
	for (int i = 0; i < RACERS; i++) {
		r[i] = (struct racer){.s = f->node[i % 2], .idx = i};
		assert_int_equal(pthread_create(&t[i], NULL, create_if_under_quota, &r[i]), 0);
	}
	int made = 0;
	for (int i = 0; i < RACERS; i++) {
		pthread_join(t[i], NULL);
		assert_int_equal(r[i].rc, 0);
		made += r[i].made;
	}
	assert_int_equal(made, 1);
	struct store_conn *c = store_acquire(f->node[0]);
	int n = 0;
	assert_int_equal(store_app_count_owned(c, "us-a", &n), 0);
	assert_int_equal(n, 1);
	store_release(f->node[0], c);
}

/* Invites bob@example.com to ap-1 unless invited already, slowly. */
static void *invite_if_new(void *arg)
{
	struct racer *r = arg;
	struct store_conn *c = store_acquire(r->s);
	int rc = store_tx_begin(c, STORE_TX_WRITE);
	if (rc == 0)
		rc = store_collab_exists(c, "ap-1", NULL, "Bob@Example.com");
	sleep_ms(SETTLE_MS);
	if (rc == 0) {
		struct collab_rec k;
		memset(&k, 0, sizeof k);
		snprintf(k.id, sizeof k.id, "co-%d", r->idx);
		snprintf(k.app_id, sizeof k.app_id, "ap-1");
		snprintf(k.email, sizeof k.email, "bob@example.com");
		snprintf(k.inviter_id, sizeof k.inviter_id, "us-a");
		k.created_at = NOW;
		k.expires_at = NOW + 1000;
		char hash[32];
		snprintf(hash, sizeof hash, "hash-%d", r->idx);
		rc = store_collab_insert(c, &k, hash);
		r->made = rc == 0;
	}
	if (rc == 0)
		rc = store_tx_commit(c);
	else
		store_tx_rollback(c);
	r->rc = rc == PP_ECONFLICT ? 0 : rc; /* "already invited" is the expected refusal */
	store_release(r->s, c);
	return NULL;
}

static void test_invitation_check_across_nodes(void **state)
{
	struct fx *f = *state;
	make_user(f->node[0], "us-a", "alice");
	struct store_conn *c = store_acquire(f->node[0]);
	struct app_rec a;
	memset(&a, 0, sizeof a);
	snprintf(a.id, sizeof a.id, "ap-1");
	snprintf(a.name, sizeof a.name, "app-1");
	snprintf(a.owner_id, sizeof a.owner_id, "us-a");
	snprintf(a.status, sizeof a.status, "new");
	assert_int_equal(store_app_insert(c, &a), 0);
	store_release(f->node[0], c);
	struct racer r[RACERS];
	pthread_t t[RACERS];
	for (int i = 0; i < RACERS; i++) {
		r[i] = (struct racer){.s = f->node[i % 2], .idx = i};
		assert_int_equal(pthread_create(&t[i], NULL, invite_if_new, &r[i]), 0);
	}
	int made = 0;
	for (int i = 0; i < RACERS; i++) {
		pthread_join(t[i], NULL);
		assert_int_equal(r[i].rc, 0);
		made += r[i].made;
	}
	assert_int_equal(made, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test_setup_teardown(test_anchor_out_of_order_commits, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_mail_claim_lease, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_mail_sent_once_by_two_nodes, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_app_quota_across_nodes, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_invitation_check_across_nodes, setup,
	                                        teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
