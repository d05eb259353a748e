/*
 * test_store.c - the store's conformance suite: migrations, transactions,
 * users (unique constraints), API tokens, one-time links, the timeline anchor
 * and account erasure's primitives. Only the public store API is used, so the
 * same suite can run against another engine: with PAASPORT_TEST_PG_URI set (a
 * postgresql:// URI of a database the suite may wipe), every test runs on
 * PostgreSQL instead, each on an emptied database (its public schema dropped
 * and made again) instead of a fresh file.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <libpq-fe.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/store.h"
#include "store/store_acct.h"
#include "store/store_apps.h"
#include "store/store_events.h"
#include "util/err.h"

struct fx {
	char dir[64];
	char path[512]; /* the SQLite file, or the PostgreSQL URI */
	int pg;
	struct store *s;
	struct store_conn *c;
};

/* PostgreSQL: the database emptied, as a removed file would be. */
static void pg_wipe(const char *uri)
{
	PGconn *pg = PQconnectdb(uri);
	PGresult *r = PQexec(pg, "SET client_min_messages = warning; DROP SCHEMA public CASCADE; "
	                         "CREATE SCHEMA public");
	if (PQresultStatus(r) != PGRES_COMMAND_OK)
		fprintf(stderr, "test_store: cannot wipe %s: %s", uri, PQerrorMessage(pg));
	PQclear(r);
	PQfinish(pg);
}

static void rm_db(struct fx *f)
{
	static const char *const sfx[] = {"", "-wal", "-shm", "-journal"};
	char p[600];
	if (f->pg) {
		pg_wipe(f->path);
		return;
	}
	for (size_t i = 0; i < sizeof sfx / sizeof sfx[0]; i++) {
		snprintf(p, sizeof p, "%s%s", f->path, sfx[i]);
		unlink(p);
	}
}

static int setup(void **state)
{
	if (sodium_init() < 0)
		return -1;
	struct fx *f = calloc(1, sizeof *f);
	if (!f)
		return -1;
	snprintf(f->dir, sizeof f->dir, "/tmp/pp-test-store-XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->path, sizeof f->path, "%s/db.sqlite", f->dir);
	const char *uri = getenv("PAASPORT_TEST_PG_URI");
	if (uri && *uri) {
		f->pg = 1;
		snprintf(f->path, sizeof f->path, "%s", uri);
		pg_wipe(f->path);
	}
	if (store_open(f->path, 2, &f->s) != 0)
		return -1;
	f->c = store_acquire(f->s);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	if (f->c)
		store_release(f->s, f->c);
	store_close(f->s);
	rm_db(f);
	rmdir(f->dir);
	free(f);
	return 0;
}

static int applied(struct store_conn *c)
{
	int v = -1;
	assert_int_equal(store_schema_applied(c, &v), 0);
	return v;
}

static void make_user(struct store_conn *c, const char *id, const char *username, const char *email)
{
	struct user_rec u;
	memset(&u, 0, sizeof u);
	snprintf(u.id, sizeof u.id, "%s", id);
	snprintf(u.username, sizeof u.username, "%s", username);
	snprintf(u.email, sizeof u.email, "%s", email);
	snprintf(u.fullname, sizeof u.fullname, "Full %s", username);
	snprintf(u.referral_code, sizeof u.referral_code, "ref-%s", id);
	u.newsletter = 1;
	u.created_at = 1700000000000LL;
	assert_int_equal(store_user_insert(c, &u, "$argon2id$fakehash", NULL, NULL), 0);
}

static void test_migrations(void **state)
{
	struct fx *f = *state;
	int v = store_schema_version();
	assert_true(v >= 1);
	assert_int_equal(applied(f->c), v);
	assert_int_equal(store_ping(f->c), 0);
	make_user(f->c, "us-1", "alice", "alice@example.com");
	/* foreign keys are enforced: a token of an unknown user */
	struct token_rec t;
	memset(&t, 0, sizeof t);
	snprintf(t.id, sizeof t.id, "tk-x");
	snprintf(t.user_id, sizeof t.user_id, "us-ghost");
	assert_int_equal(store_token_insert(f->c, &t, "hash-x"), PP_ECONFLICT);

	/* reopening applies nothing twice and keeps the data */
	store_release(f->s, f->c);
	f->c = NULL;
	store_close(f->s);
	f->s = NULL;
	assert_int_equal(store_open(f->path, 2, &f->s), 0);
	f->c = store_acquire(f->s);
	assert_int_equal(applied(f->c), v);
	struct user_rec u;
	assert_int_equal(store_user_get(f->c, "us-1", &u), 0);
	assert_string_equal(u.username, "alice");
}

static void test_newer_schema_refused(void **state)
{
	struct fx *f = *state;
	assert_int_equal(store_test_record_schema_version(f->c, store_schema_version() + 1), 0);
	assert_int_equal(applied(f->c), store_schema_version() + 1);
	store_release(f->s, f->c);
	f->c = NULL;
	store_close(f->s);
	f->s = NULL;
	struct store *s2 = (struct store *)&s2;
	assert_int_not_equal(store_open(f->path, 2, &s2), 0);
	assert_ptr_equal(s2, (struct store *)&s2); /* *out untouched */
	/* a fresh database still opens, for teardown */
	rm_db(f);
	assert_int_equal(store_open(f->path, 1, &f->s), 0);
}

static void test_users(void **state)
{
	struct fx *f = *state;
	struct user_rec u;
	make_user(f->c, "us-1", "alice", "Alice.Smith@Example.com");
	make_user(f->c, "us-2", "bob", "bob@example.com");

	assert_int_equal(store_user_get(f->c, "us-1", &u), 0);
	assert_string_equal(u.id, "us-1");
	assert_string_equal(u.username, "alice");
	assert_string_equal(u.email, "Alice.Smith@Example.com");
	assert_string_equal(u.fullname, "Full alice");
	assert_string_equal(u.password_hash, "$argon2id$fakehash");
	assert_string_equal(u.referral_code, "ref-us-1");
	assert_string_equal(u.unconfirmed_email, "");
	assert_int_equal(u.newsletter, 1);
	assert_int_equal(u.created_at, 1700000000000LL);
	assert_int_equal(u.auth_epoch, 0);
	assert_int_equal(u.failed_logins, 0);
	assert_int_equal(u.suspended_at, 0);
	assert_int_equal(store_user_get(f->c, "us-nope", &u), PP_ENOTFOUND);

	/* login by username or by email in any case */
	assert_int_equal(store_user_by_login(f->c, "alice", &u), 0);
	assert_string_equal(u.id, "us-1");
	assert_int_equal(store_user_by_login(f->c, "alice.smith@example.com", &u), 0);
	assert_string_equal(u.id, "us-1");
	assert_int_equal(store_user_by_login(f->c, "ALICE.SMITH@EXAMPLE.COM", &u), 0);
	assert_string_equal(u.id, "us-1");
	assert_int_equal(store_user_by_login(f->c, "bob", &u), 0);
	assert_string_equal(u.id, "us-2");
	assert_int_equal(store_user_by_login(f->c, "carol", &u), PP_ENOTFOUND);
	assert_int_equal(store_user_by_login(f->c, "", &u), PP_ENOTFOUND);
	assert_int_equal(store_user_by_login(f->c, "alice@example.com", &u), PP_ENOTFOUND);

	/* uniqueness decided by the constraints, and the conflicting fields named:
	 * username, email regardless of case, or both */
	struct user_rec d;
	unsigned taken = 99;
	memset(&d, 0, sizeof d);
	snprintf(d.id, sizeof d.id, "us-3");
	snprintf(d.username, sizeof d.username, "alice");
	snprintf(d.email, sizeof d.email, "other@example.com");
	snprintf(d.referral_code, sizeof d.referral_code, "ref-3");
	assert_int_equal(store_user_insert(f->c, &d, "h", NULL, &taken), PP_ECONFLICT);
	assert_int_equal(taken, STORE_USER_USERNAME);
	snprintf(d.username, sizeof d.username, "carol");
	snprintf(d.email, sizeof d.email, "BOB@example.COM");
	assert_int_equal(store_user_insert(f->c, &d, "h", NULL, &taken), PP_ECONFLICT);
	assert_int_equal(taken, STORE_USER_EMAIL);
	snprintf(d.username, sizeof d.username, "alice");
	assert_int_equal(store_user_insert(f->c, &d, "h", NULL, &taken), PP_ECONFLICT);
	assert_int_equal(taken, STORE_USER_USERNAME | STORE_USER_EMAIL);
	/* another unique column (the referral code): a conflict naming no field */
	snprintf(d.username, sizeof d.username, "carol");
	snprintf(d.email, sizeof d.email, "carol@example.com");
	snprintf(d.referral_code, sizeof d.referral_code, "ref-us-1");
	assert_int_equal(store_user_insert(f->c, &d, "h", NULL, &taken), PP_ECONFLICT);
	assert_int_equal(taken, 0);
	assert_int_equal(store_user_get(f->c, "us-3", &u), PP_ENOTFOUND);

	/* a conflict inside a write transaction leaves it usable */
	assert_int_equal(store_tx_begin(f->c, STORE_TX_WRITE), 0);
	snprintf(d.referral_code, sizeof d.referral_code, "ref-3");
	snprintf(d.username, sizeof d.username, "bob");
	assert_int_equal(store_user_insert(f->c, &d, "h", NULL, &taken), PP_ECONFLICT);
	snprintf(d.username, sizeof d.username, "carol");
	assert_int_equal(store_user_insert(f->c, &d, "h", NULL, &taken), 0);
	assert_int_equal(store_tx_commit(f->c), 0);
	assert_int_equal(store_user_get(f->c, "us-3", &u), 0);

	/* profile updates: the same constraints, the same answers */
	assert_int_equal(store_user_get(f->c, "us-1", &u), 0);
	snprintf(u.username, sizeof u.username, "bob");
	assert_int_equal(store_user_update_profile(f->c, &u, &taken), PP_ECONFLICT);
	assert_int_equal(taken, STORE_USER_USERNAME);
	snprintf(u.username, sizeof u.username, "alice");
	snprintf(u.email, sizeof u.email, "Carol@Example.com");
	assert_int_equal(store_user_update_profile(f->c, &u, &taken), PP_ECONFLICT);
	assert_int_equal(taken, STORE_USER_EMAIL);
	snprintf(u.email, sizeof u.email, "ALICE.smith@example.com"); /* its own, other case */
	assert_int_equal(store_user_update_profile(f->c, &u, &taken), 0);
	assert_int_equal(store_user_get(f->c, "us-1", &u), 0);
	assert_string_equal(u.email, "ALICE.smith@example.com");

	/* an address asked for (unconfirmed): taken by another account, or free */
	assert_int_equal(store_user_email_check(f->c, "BOB@EXAMPLE.COM", NULL), PP_ECONFLICT);
	assert_int_equal(store_user_email_check(f->c, "bob@example.com", "us-1"), PP_ECONFLICT);
	assert_int_equal(store_user_email_check(f->c, "bob@example.com", "us-2"), 0);
	assert_int_equal(store_user_email_check(f->c, "dave@example.com", NULL), 0);
}

static void make_token(struct store_conn *c, const char *id, const char *user_id, const char *hash)
{
	struct token_rec t;
	memset(&t, 0, sizeof t);
	snprintf(t.id, sizeof t.id, "%s", id);
	snprintf(t.user_id, sizeof t.user_id, "%s", user_id);
	snprintf(t.name, sizeof t.name, "laptop");
	t.version = 1;
	t.created_at = t.issued_at = 1000;
	assert_int_equal(store_token_insert(c, &t, hash), 0);
}

static void test_tokens(void **state)
{
	struct fx *f = *state;
	struct token_rec t;
	make_user(f->c, "us-a", "alice", "alice@example.com");
	make_user(f->c, "us-b", "bob", "bob@example.com");
	make_token(f->c, "tk-1", "us-a", "hash-1");

	assert_int_equal(store_token_get(f->c, "us-a", "tk-1", &t), 0);
	assert_string_equal(t.id, "tk-1");
	assert_string_equal(t.user_id, "us-a");
	assert_string_equal(t.name, "laptop");
	assert_int_equal(t.version, 1);
	assert_int_equal(t.issued_at, 1000);
	assert_int_equal(t.last_used_at, 0);
	/* another user's id: not found, and nothing changes */
	assert_int_equal(store_token_get(f->c, "us-b", "tk-1", &t), PP_ENOTFOUND);
	assert_int_equal(store_token_renew(f->c, "us-b", "tk-1", "hash-evil", 2000), PP_ENOTFOUND);
	assert_int_equal(store_token_delete(f->c, "us-b", "tk-1"), PP_ENOTFOUND);
	assert_int_equal(store_token_get(f->c, "us-a", "tk-nope", &t), PP_ENOTFOUND);
	assert_int_equal(store_token_by_hash(f->c, "hash-evil", &t), PP_ENOTFOUND);

	assert_int_equal(store_token_by_hash(f->c, "hash-1", &t), 0);
	assert_string_equal(t.id, "tk-1");
	/* authentication: the token and its live user in one query */
	struct user_rec u;
	assert_int_equal(store_auth_token_by_id(f->c, "tk-1", &t, &u), 0);
	assert_string_equal(t.user_id, "us-a");
	assert_string_equal(u.username, "alice");
	assert_int_equal(store_auth_token_by_hash(f->c, "hash-1", &t, &u), 0);
	assert_string_equal(u.id, "us-a");
	assert_int_equal(store_auth_token_by_id(f->c, "tk-nope", &t, &u), PP_ENOTFOUND);

	/* a second token with the same secret hash is a conflict */
	struct token_rec t2 = t;
	snprintf(t2.id, sizeof t2.id, "tk-2");
	assert_int_equal(store_token_insert(f->c, &t2, "hash-1"), PP_ECONFLICT);
	/* a token for an unknown user violates the foreign key */
	snprintf(t2.user_id, sizeof t2.user_id, "us-ghost");
	assert_int_equal(store_token_insert(f->c, &t2, "hash-2"), PP_ECONFLICT);

	/* renew: new hash, version bumped, issued_at moved */
	assert_int_equal(store_token_renew(f->c, "us-a", "tk-1", "hash-1b", 5000), 0);
	assert_int_equal(store_token_get(f->c, "us-a", "tk-1", &t), 0);
	assert_int_equal(t.version, 2);
	assert_int_equal(t.issued_at, 5000);
	assert_int_equal(t.created_at, 1000);
	assert_int_equal(store_token_by_hash(f->c, "hash-1", &t), PP_ENOTFOUND);
	assert_int_equal(store_token_by_hash(f->c, "hash-1b", &t), 0);
	assert_int_equal(store_token_renew(f->c, "us-a", "tk-1", "hash-1c", 6000), 0);
	assert_int_equal(store_token_get(f->c, "us-a", "tk-1", &t), 0);
	assert_int_equal(t.version, 3);

	assert_int_equal(store_token_touch(f->c, "tk-1", 7000), 0);
	assert_int_equal(store_token_get(f->c, "us-a", "tk-1", &t), 0);
	assert_int_equal(t.last_used_at, 7000);

	/* delete */
	assert_int_equal(store_token_delete(f->c, "us-a", "tk-1"), 0);
	assert_int_equal(store_token_get(f->c, "us-a", "tk-1", &t), PP_ENOTFOUND);
	assert_int_equal(store_token_by_hash(f->c, "hash-1c", &t), PP_ENOTFOUND);
	assert_int_equal(store_token_delete(f->c, "us-a", "tk-1"), PP_ENOTFOUND);
}

static void count_cb(const struct token_rec *t, void *arg)
{
	(void)t;
	(*(int *)arg)++;
}

static void test_token_list_scoped(void **state)
{
	struct fx *f = *state;
	make_user(f->c, "us-a", "alice", "alice@example.com");
	make_user(f->c, "us-b", "bob", "bob@example.com");
	make_token(f->c, "tk-1", "us-a", "h1");
	make_token(f->c, "tk-2", "us-a", "h2");
	make_token(f->c, "tk-3", "us-b", "h3");
	int n = 0;
	assert_int_equal(store_token_list(f->c, "us-a", count_cb, &n), 0);
	assert_int_equal(n, 2);
	n = 0;
	assert_int_equal(store_token_list(f->c, "us-b", count_cb, &n), 0);
	assert_int_equal(n, 1);
	n = 0;
	assert_int_equal(store_token_list(f->c, "us-none", count_cb, &n), 0);
	assert_int_equal(n, 0);
}

static void test_links(void **state)
{
	struct fx *f = *state;
	char uid[ID_MAX], data[256];
	make_user(f->c, "us-a", "alice", "alice@example.com");
	assert_int_equal(store_link_insert(f->c, "us-a", "confirm_email", "lh-1", "new@example.com",
	                                   1000, 2000),
	                 0);
	assert_int_equal(
	        store_link_insert(f->c, "us-a", "password_reset", "lh-2", NULL, 1000, 2000), 0);
	assert_int_equal(
	        store_link_insert(f->c, "us-a", "password_reset", "lh-old", NULL, 1000, 1500), 0);

	/* unknown token, or the right token for another kind: not found */
	assert_int_equal(
	        store_link_consume(f->c, "confirm_email", "lh-nope", 1100, uid, data, sizeof data),
	        PP_ENOTFOUND);
	assert_int_equal(
	        store_link_consume(f->c, "password_reset", "lh-1", 1100, uid, data, sizeof data),
	        PP_ENOTFOUND);

	/* consumed once */
	assert_int_equal(
	        store_link_consume(f->c, "confirm_email", "lh-1", 1100, uid, data, sizeof data), 0);
	assert_string_equal(uid, "us-a");
	assert_string_equal(data, "new@example.com");
	assert_int_equal(
	        store_link_consume(f->c, "confirm_email", "lh-1", 1101, uid, data, sizeof data),
	        PP_EEXPIRED);

	/* expired: at expires_at already too late */
	assert_int_equal(store_link_consume(f->c, "password_reset", "lh-old", 1500, uid, NULL, 0),
	                 PP_EEXPIRED);
	assert_int_equal(store_link_consume(f->c, "password_reset", "lh-2", 1999, uid, NULL, 0), 0);
	assert_string_equal(uid, "us-a");

	/* voiding marks every unused link of that kind as used */
	assert_int_equal(
	        store_link_insert(f->c, "us-a", "password_reset", "lh-3", NULL, 3000, 9000), 0);
	assert_int_equal(store_link_insert(f->c, "us-a", "confirm_email", "lh-4", "x@example.com",
	                                   3000, 9000),
	                 0);
	assert_int_equal(store_link_void(f->c, "us-a", "password_reset", 3100), 0);
	assert_int_equal(store_link_consume(f->c, "password_reset", "lh-3", 3200, uid, NULL, 0),
	                 PP_EEXPIRED);
	assert_int_equal(
	        store_link_consume(f->c, "confirm_email", "lh-4", 3200, uid, data, sizeof data), 0);
	assert_string_equal(data, "x@example.com");
	/* a duplicate token hash is refused */
	assert_int_equal(store_link_insert(f->c, "us-a", "confirm_email", "lh-4", NULL, 1, 2),
	                 PP_ECONFLICT);
}

static void test_transactions(void **state)
{
	struct fx *f = *state;
	struct user_rec u;
	assert_int_equal(store_tx_begin(f->c, STORE_TX_WRITE), 0);
	/* transactions do not nest */
	assert_int_equal(store_tx_begin(f->c, STORE_TX_WRITE), PP_EINVAL);
	assert_int_equal(store_tx_begin(f->c, STORE_TX_READ), PP_EINVAL);
	make_user(f->c, "us-t", "tx", "tx@example.com");
	store_tx_rollback(f->c);
	store_tx_rollback(f->c); /* none open: nothing */
	assert_int_equal(store_tx_commit(f->c), PP_EINVAL);
	assert_int_equal(store_user_get(f->c, "us-t", &u), PP_ENOTFOUND);
	assert_int_equal(store_tx_begin(f->c, STORE_TX_WRITE), 0);
	make_user(f->c, "us-t", "tx", "tx@example.com");
	assert_int_equal(store_tx_commit(f->c), 0);
	assert_int_equal(store_user_get(f->c, "us-t", &u), 0);
	/* the second pooled connection sees the committed row */
	struct store_conn *c2 = store_acquire(f->s);
	assert_ptr_not_equal(c2, f->c);
	assert_int_equal(store_user_get(c2, "us-t", &u), 0);
	store_release(f->s, c2);
}

static void test_server_secret(void **state)
{
	struct fx *f = *state;
	unsigned char a[32], b[32], z[32] = {0};
	assert_int_equal(store_server_secret(f->c, "jwt", a, sizeof a), 0);
	assert_int_equal(store_server_secret(f->c, "jwt", b, sizeof b), 0);
	assert_memory_equal(a, b, sizeof a);
	assert_memory_not_equal(a, z, sizeof a);
	assert_int_equal(store_server_secret(f->c, "other", b, sizeof b), 0);
	assert_memory_not_equal(a, b, sizeof a);
	/* the stored length must match the request */
	assert_int_not_equal(store_server_secret(f->c, "jwt", b, 16), 0);
}

static void test_read_snapshot(void **state)
{
	struct fx *f = *state;
	struct user_rec u;
	struct store_conn *c2 = store_acquire(f->s);
	make_user(f->c, "us-1", "alice", "alice@example.com");
	assert_int_equal(store_tx_begin(f->c, STORE_TX_READ), 0);
	assert_int_equal(store_user_get(f->c, "us-1", &u), 0); /* the snapshot starts */
	/* a write committed meanwhile on another connection... */
	make_user(c2, "us-2", "bob", "bob@example.com");
	assert_int_equal(store_user_get(c2, "us-2", &u), 0);
	/* ...is not in the snapshot, until it ends */
	assert_int_equal(store_user_get(f->c, "us-2", &u), PP_ENOTFOUND);
	assert_int_equal(store_tx_commit(f->c), 0);
	assert_int_equal(store_user_get(f->c, "us-2", &u), 0);
	store_release(f->s, c2);
}

static void add_event(struct store_conn *c, const char *user_id, int64_t now, int64_t *id)
{
	assert_int_equal(store_event_add(c, "edit_profile", user_id, NULL, NULL, NULL, now, id), 0);
}

static void ids_cb(const struct event_rec *e, void *arg)
{
	int64_t *v = arg;
	v[++v[0]] = e->id;
}

static void test_event_anchor(void **state)
{
	struct fx *f = *state;
	int64_t ids[8], got[16], total = 0;
	make_user(f->c, "us-a", "alice", "alice@example.com");
	make_user(f->c, "us-b", "bob", "bob@example.com");
	/* outside a transaction: one of its own; inside: the caller's */
	for (int i = 0; i < 4; i++)
		add_event(f->c, "us-a", 1000 + i, &ids[i]);
	assert_int_equal(store_tx_begin(f->c, STORE_TX_WRITE), 0);
	add_event(f->c, "us-b", 2000, &ids[4]);
	store_tx_rollback(f->c);
	assert_true(ids[1] > ids[0] && ids[3] > ids[2]);

	struct event_query q = {"us-a", NULL, 0, 0, 0, 2};
	memset(got, 0, sizeof got);
	assert_int_equal(store_event_list(f->c, &q, &total, ids_cb, got), 0);
	assert_int_equal(total, 4);
	assert_int_equal(got[0], 2);
	assert_true(got[1] == ids[3] && got[2] == ids[2]);
	assert_true(q.anchor >= ids[3]);
	int64_t anchor = q.anchor;
	/* newer events (the user's and others') do not move pages of that anchor */
	add_event(f->c, "us-a", 3000, &ids[5]);
	add_event(f->c, "us-b", 3001, &ids[6]);
	assert_true(ids[5] > anchor);
	struct event_query q2 = {"us-a", NULL, anchor, 0, 2, 2};
	memset(got, 0, sizeof got);
	assert_int_equal(store_event_list(f->c, &q2, &total, ids_cb, got), 0);
	assert_int_equal(total, 4);
	assert_int_equal(got[0], 2);
	assert_true(got[1] == ids[1] && got[2] == ids[0]);
	assert_int_equal(q2.anchor, anchor);
	/* a new first page sees the new event */
	struct event_query q3 = {"us-a", NULL, 0, 0, 0, 10};
	memset(got, 0, sizeof got);
	assert_int_equal(store_event_list(f->c, &q3, &total, ids_cb, got), 0);
	assert_int_equal(total, 5);
	assert_true(got[1] == ids[5] && q3.anchor >= ids[6]);
	/* the rolled-back event left no trace in bob's timeline */
	struct event_query qb = {"us-b", NULL, 0, 0, 0, 10};
	memset(got, 0, sizeof got);
	assert_int_equal(store_event_list(f->c, &qb, &total, ids_cb, got), 0);
	assert_int_equal(total, 1);
	assert_true(got[0] == 1 && got[1] == ids[6]);
	/* inside the caller's read transaction */
	assert_int_equal(store_tx_begin(f->c, STORE_TX_READ), 0);
	memset(got, 0, sizeof got);
	q.anchor = 0;
	assert_int_equal(store_event_list(f->c, &q, &total, ids_cb, got), 0);
	/* no writes in a read snapshot */
	assert_int_equal(
	        store_event_add(f->c, "edit_profile", "us-a", NULL, NULL, NULL, 4000, NULL),
	        PP_EINVAL);
	assert_int_equal(store_tx_commit(f->c), 0);
	assert_int_equal(total, 5);
}

static int collect_addr(const char *addr, void *arg)
{
	char *out = arg;
	strcat(out, addr);
	strcat(out, ";");
	return 0;
}

static void test_erase_primitives(void **state)
{
	struct fx *f = *state;
	struct user_rec u;
	struct token_rec t;
	char uid[ID_MAX];
	int64_t pending = 0;
	make_user(f->c, "us-a", "alice", "alice@example.com");
	make_token(f->c, "tk-1", "us-a", "h1");
	assert_int_equal(store_link_insert(f->c, "us-a", "password_reset", "lh-1", NULL, 1, 9000),
	                 0);
	assert_int_equal(store_mail_enqueue(f->c, "Alice@Example.com", "s", "b", 1), 0);
	assert_int_equal(store_mail_enqueue(f->c, "other@example.com", "s", "b", 1), 0);

	char addrs[256] = "";
	assert_int_equal(
	        store_collab_addresses(f->c, "us-a", "alice@example.com", collect_addr, addrs), 0);
	assert_string_equal(addrs, "");

	assert_int_equal(store_tx_begin(f->c, STORE_TX_WRITE), 0);
	assert_int_equal(store_token_delete_all(f->c, "us-a"), 0);
	assert_int_equal(store_link_delete_all(f->c, "us-a"), 0);
	assert_int_equal(store_mail_delete_to(f->c, "alice@EXAMPLE.com"), 0);
	assert_int_equal(store_mail_delete_to(f->c, ""), 0);
	assert_int_equal(store_user_anonymize(f->c, "us-a", 5000), 0);
	assert_int_equal(store_tx_commit(f->c), 0);

	assert_int_equal(store_token_get(f->c, "us-a", "tk-1", &t), PP_ENOTFOUND);
	assert_int_equal(store_link_consume(f->c, "password_reset", "lh-1", 2, uid, NULL, 0),
	                 PP_ENOTFOUND);
	assert_int_equal(store_mail_pending(f->c, &pending), 0);
	assert_int_equal(pending, 1);
	assert_int_equal(store_user_get(f->c, "us-a", &u), PP_ENOTFOUND);
	assert_int_equal(store_user_anonymize(f->c, "us-a", 6000), PP_ENOTFOUND);
	/* username and email are free again */
	make_user(f->c, "us-a2", "alice", "alice@example.com");
}

static void count_past(const struct user_past_id *p, void *arg)
{
	char *out = arg;
	char line[320];
	snprintf(line, sizeof line, "%s=%s[%lld,%lld];", p->kind, p->value, (long long)p->from_at,
	         (long long)p->until_at);
	strcat(out, line);
}

static void test_past_identifiers(void **state)
{
	struct fx *f = *state;
	char got[1024] = "";
	int64_t since = 0;
	make_user(f->c, "us-a", "alice", "alice@example.com");
	make_user(f->c, "us-b", "bob", "bob@example.com");
	assert_int_equal(store_user_past_since(f->c, "us-a", "email", &since), 0);
	assert_int_equal(since, 1700000000000LL);
	assert_int_equal(
	        store_user_past_add(f->c, "us-a", "email", "Old@Example.com", 1700000001000LL), 0);
	assert_int_equal(
	        store_user_past_add(f->c, "us-a", "email", "older@example.com", 1700000002000LL),
	        0);
	assert_int_equal(store_user_past_add(f->c, "us-ghost", "email", "x@example.com", 1),
	                 PP_ENOTFOUND);
	assert_int_equal(store_user_past_list(f->c, "us-a", count_past, got), 0);
	assert_string_equal(got, "email=Old@Example.com[1700000000000,1700000001000];"
	                         "email=older@example.com[1700000001000,1700000002000];");
	assert_int_equal(store_user_past_since(f->c, "us-a", "email", &since), 0);
	assert_int_equal(since, 1700000002000LL);
	/* claimed: another live account's current or past email */
	assert_int_equal(store_user_email_claimed(f->c, "old@example.com", "us-b"), PP_ECONFLICT);
	assert_int_equal(store_user_email_claimed(f->c, "old@example.com", "us-a"), 0);
	assert_int_equal(store_user_email_claimed(f->c, "BOB@example.com", "us-a"), PP_ECONFLICT);
	assert_int_equal(store_user_email_claimed(f->c, "nobody@example.com", "us-a"), 0);
	assert_int_equal(store_user_past_forget(f->c, "us-a"), 0);
	got[0] = 0;
	assert_int_equal(store_user_past_list(f->c, "us-a", count_past, got), 0);
	assert_string_equal(got, "");
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	        T(test_migrations),   T(test_newer_schema_refused), T(test_users),
	        T(test_tokens),       T(test_token_list_scoped),    T(test_links),
	        T(test_transactions), T(test_server_secret),        T(test_read_snapshot),
	        T(test_event_anchor), T(test_erase_primitives),     T(test_past_identifiers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
