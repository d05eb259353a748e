/*
 * test_store_pg.c - what only the PostgreSQL engine has to prove (the shared
 * contract is test_store.c's): a server that cannot be reached at start, nodes
 * migrating at once, the login failure count across nodes, a lost connection
 * (503 meanwhile, recovery after), a conflict inside a transaction, a deadlock
 * answered as PP_ERETRY. Runs when PAASPORT_TEST_PG_URI names a database the
 * suite may wipe; skipped otherwise.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <libpq-fe.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/store.h"
#include "store/store_acct.h"
#include "util/err.h"

#define NODES        3
#define OPENERS      4
#define FAIL_THREADS 6
#define FAILS_EACH   20
#define LOCK_EVERY   4

static const char *uri(void)
{
	const char *u = getenv("PAASPORT_TEST_PG_URI");
	return u && *u ? u : NULL;
}

/* Runs sql on a connection of its own; the first value of its result, or "". */
static void admin(const char *sql, char *out, size_t cap)
{
	PGconn *pg = PQconnectdb(uri());
	PGresult *r = PQexec(pg, sql);
	ExecStatusType st = PQresultStatus(r);
	assert_true(st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK);
	if (out)
		snprintf(out, cap, "%s", PQntuples(r) > 0 ? PQgetvalue(r, 0, 0) : "");
	PQclear(r);
	PQfinish(pg);
}

static int setup(void **state)
{
	(void)state;
	if (!uri())
		return 0;
	if (sodium_init() < 0)
		return -1;
	admin("SET client_min_messages = warning; DROP SCHEMA public CASCADE; CREATE SCHEMA "
	      "public",
	      NULL, 0);
	return 0;
}

static void make_user(struct store_conn *c, const char *id, const char *username)
{
	struct user_rec u;
	memset(&u, 0, sizeof u);
	snprintf(u.id, sizeof u.id, "%s", id);
	snprintf(u.username, sizeof u.username, "%s", username);
	snprintf(u.email, sizeof u.email, "%s@example.com", username);
	snprintf(u.referral_code, sizeof u.referral_code, "ref-%s", id);
	u.created_at = 1700000000000LL;
	assert_int_equal(store_user_insert(c, &u, "h", NULL, NULL), 0);
}

static void test_unreachable_at_start(void **state)
{
	(void)state;
	if (!uri())
		skip();
	struct store *s = (struct store *)&s;
	/* nothing listens on port 1: refused at once, reported, *out untouched */
	assert_int_equal(store_open("postgresql://paasport@127.0.0.1:1/none", 4, &s), PP_EDB);
	assert_ptr_equal(s, (struct store *)&s);
}

static void *open_one(void *arg)
{
	struct store **s = arg;
	if (store_open(uri(), 2, s) != 0)
		*s = NULL;
	return NULL;
}

static void test_nodes_migrate_once(void **state)
{
	(void)state;
	if (!uri())
		skip();
	pthread_t t[OPENERS];
	struct store *s[OPENERS];
	char n[32];
	for (int i = 0; i < OPENERS; i++)
		assert_int_equal(pthread_create(&t[i], NULL, open_one, &s[i]), 0);
	for (int i = 0; i < OPENERS; i++)
		pthread_join(t[i], NULL);
	for (int i = 0; i < OPENERS; i++) {
		assert_non_null(s[i]);
		struct store_conn *c = store_acquire(s[i]);
		int v = -1;
		assert_int_equal(store_schema_applied(c, &v), 0);
		assert_int_equal(v, store_schema_version());
		store_release(s[i], c);
	}
	/* every version recorded once: each migration ran once */
	admin("SELECT COUNT(*) FROM schema_version", n, sizeof n);
	assert_int_equal(atoi(n), store_schema_version());
	for (int i = 0; i < OPENERS; i++)
		store_close(s[i]);
}

struct failer {
	struct store *s;
	int locks;
	int errors;
};

static void *fail_logins(void *arg)
{
	struct failer *f = arg;
	for (int i = 0; i < FAILS_EACH; i++) {
		struct store_conn *c = store_acquire(f->s);
		int locked = 0;
		if (store_user_login_failed(c, "us-1", 1000 + i, LOCK_EVERY, 60000, &locked) != 0)
			f->errors++;
		f->locks += locked;
		store_release(f->s, c);
	}
	return NULL;
}

static void test_login_failures_counted_across_nodes(void **state)
{
	(void)state;
	if (!uri())
		skip();
	struct store *node[NODES];
	for (int i = 0; i < NODES; i++)
		assert_int_equal(store_open(uri(), 2, &node[i]), 0);
	struct store_conn *c = store_acquire(node[0]);
	make_user(c, "us-1", "alice");
	store_release(node[0], c);

	pthread_t t[FAIL_THREADS];
	struct failer f[FAIL_THREADS];
	for (int i = 0; i < FAIL_THREADS; i++) {
		f[i] = (struct failer){node[i % NODES], 0, 0};
		assert_int_equal(pthread_create(&t[i], NULL, fail_logins, &f[i]), 0);
	}
	int locks = 0;
	for (int i = 0; i < FAIL_THREADS; i++) {
		pthread_join(t[i], NULL);
		assert_int_equal(f[i].errors, 0);
		locks += f[i].locks;
	}
	/* every failure counted once: one lock per LOCK_EVERY failures, the rest pending */
	int total = FAIL_THREADS * FAILS_EACH;
	struct user_rec u;
	c = store_acquire(node[1]);
	assert_int_equal(store_user_get(c, "us-1", &u), 0);
	store_release(node[1], c);
	assert_int_equal(locks, total / LOCK_EVERY);
	assert_int_equal(u.failed_logins, total % LOCK_EVERY);
	assert_true(u.locked_until > 0);
	for (int i = 0; i < NODES; i++)
		store_close(node[i]);
}

/* Ends the server sessions of paasportd (the engine's application_name). */
static void kill_sessions(void)
{
	char n[32] = "1";
	admin("SELECT COUNT(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE "
	      "application_name = 'paasportd'",
	      NULL, 0);
	for (int i = 0; i < 100 && atoi(n) > 0; i++) {
		usleep(20000);
		admin("SELECT COUNT(*) FROM pg_stat_activity WHERE application_name = 'paasportd'",
		      n, sizeof n);
	}
	assert_int_equal(atoi(n), 0);
}

static void test_lost_connection(void **state)
{
	(void)state;
	if (!uri())
		skip();
	struct store *s;
	struct user_rec u;
	assert_int_equal(store_open(uri(), 1, &s), 0);
	struct store_conn *c = store_acquire(s);
	make_user(c, "us-1", "alice");
	assert_int_equal(store_user_get(c, "us-1", &u), 0); /* a prepared statement */

	/* lost while lent: unavailable (never "not found"), inside a transaction too */
	assert_int_equal(store_tx_begin(c, STORE_TX_READ), 0);
	kill_sessions();
	assert_int_equal(store_user_get(c, "us-1", &u), PP_EUNAVAIL);
	assert_int_equal(store_ping(c), PP_EUNAVAIL);
	assert_int_equal(store_tx_commit(c), PP_EUNAVAIL);
	store_release(s, c);

	/* the next acquire resets it: statements prepared again, data there */
	c = store_acquire(s);
	assert_int_equal(store_ping(c), 0);
	assert_int_equal(store_user_get(c, "us-1", &u), 0);
	assert_string_equal(u.username, "alice");
	store_release(s, c);

	/* lost while idle in the pool (a server restart): noticed at acquire */
	kill_sessions();
	c = store_acquire(s);
	assert_int_equal(store_user_get(c, "us-1", &u), 0);
	store_release(s, c);
	store_close(s);
}

static void test_conflict_keeps_transaction(void **state)
{
	(void)state;
	if (!uri())
		skip();
	struct store *s;
	struct user_rec u;
	unsigned taken = 0;
	assert_int_equal(store_open(uri(), 1, &s), 0);
	struct store_conn *c = store_acquire(s);
	make_user(c, "us-1", "alice");
	make_user(c, "us-2", "bob");
	assert_int_equal(store_tx_begin(c, STORE_TX_WRITE), 0);
	assert_int_equal(store_user_get(c, "us-1", &u), 0);
	snprintf(u.username, sizeof u.username, "bob");
	assert_int_equal(store_user_update_profile(c, &u, &taken), PP_ECONFLICT);
	assert_int_equal(taken, STORE_USER_USERNAME);
	snprintf(u.username, sizeof u.username, "alice2");
	assert_int_equal(store_user_update_profile(c, &u, &taken), 0);
	assert_int_equal(store_tx_commit(c), 0);
	assert_int_equal(store_user_by_login(c, "alice2", &u), 0);
	assert_string_equal(u.id, "us-1");
	store_release(s, c);
	store_close(s);
}

struct crossing {
	struct store_conn *c;
	int rc;
};

static void *second_lock(void *arg)
{
	struct crossing *x = arg;
	x->rc = store_user_set_password(x->c, "us-2", "h-a", 0);
	return NULL;
}

static void test_deadlock_is_retry(void **state)
{
	(void)state;
	if (!uri())
		skip();
	struct store *s;
	assert_int_equal(store_open(uri(), 2, &s), 0);
	struct store_conn *a = store_acquire(s), *b = store_acquire(s);
	make_user(a, "us-1", "alice");
	make_user(a, "us-2", "bob");
	assert_int_equal(store_tx_begin(a, STORE_TX_WRITE), 0);
	assert_int_equal(store_tx_begin(b, STORE_TX_WRITE), 0);
	assert_int_equal(store_user_set_password(a, "us-1", "h-a", 0), 0);
	assert_int_equal(store_user_set_password(b, "us-2", "h-b", 0), 0);
	/* a waits for us-2 (b's), b then waits for us-1 (a's): one is chosen */
	struct crossing x = {a, 1};
	pthread_t t;
	assert_int_equal(pthread_create(&t, NULL, second_lock, &x), 0);
	usleep(200000);
	int rb = store_user_set_password(b, "us-1", "h-b", 0);
	if (rb == PP_ERETRY)
		store_tx_rollback(b); /* lets a through */
	pthread_join(t, NULL);
	assert_true((rb == PP_ERETRY && x.rc == 0) || (rb == 0 && x.rc == PP_ERETRY));
	store_tx_rollback(a);
	store_tx_rollback(b);
	store_release(s, a);
	store_release(s, b);
	store_close(s);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, NULL)

int main(void)
{
	const struct CMUnitTest tests[] = {
	        T(test_unreachable_at_start),
	        T(test_nodes_migrate_once),
	        T(test_login_failures_counted_across_nodes),
	        T(test_lost_connection),
	        T(test_conflict_keeps_transaction),
	        T(test_deadlock_is_retry),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
