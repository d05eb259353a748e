/* test_store.c - SQLite store: migrations, users, API tokens and one-time links. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/store.h"
#include "store/store_acct.h"
#include "util/err.h"

struct fx {
	char dir[64];
	char path[128];
	struct store *s;
	struct store_conn *c;
};

static void rm_db(struct fx *f)
{
	static const char *const sfx[] = {"", "-wal", "-shm", "-journal"};
	char p[160];
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

static int64_t query_int(struct store_conn *c, const char *sql)
{
	sqlite3_stmt *st = NULL;
	assert_int_equal(sqlite3_prepare_v2(c->db, sql, -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	int64_t v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
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
	assert_int_equal(store_user_insert(c, &u, "$argon2id$fakehash", NULL), 0);
}

static void test_migrations(void **state)
{
	struct fx *f = *state;
	int v = store_schema_version();
	assert_true(v >= 1);
	assert_int_equal(query_int(f->c, "SELECT MAX(version) FROM schema_version"), v);
	assert_int_equal(query_int(f->c, "SELECT COUNT(*) FROM schema_version"), v);
	assert_int_equal(query_int(f->c, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' "
	                                 "AND name IN ('users', 'tokens', 'one_time_links')"),
	                 3);
	assert_int_equal(query_int(f->c, "PRAGMA foreign_keys"), 1);
	make_user(f->c, "us-1", "alice", "alice@example.com");

	/* reopening applies nothing twice and keeps the data */
	store_release(f->s, f->c);
	f->c = NULL;
	store_close(f->s);
	f->s = NULL;
	assert_int_equal(store_open(f->path, 2, &f->s), 0);
	f->c = store_acquire(f->s);
	assert_int_equal(query_int(f->c, "SELECT COUNT(*) FROM schema_version"), v);
	assert_int_equal(query_int(f->c, "SELECT MAX(version) FROM schema_version"), v);
	struct user_rec u;
	assert_int_equal(store_user_get(f->c, "us-1", &u), 0);
	assert_string_equal(u.username, "alice");
}

static void test_newer_schema_refused(void **state)
{
	struct fx *f = *state;
	char sql[128];
	snprintf(sql, sizeof sql, "INSERT INTO schema_version(version) VALUES (%d)",
	         store_schema_version() + 1);
	assert_int_equal(sqlite3_exec(f->c->db, sql, NULL, NULL, NULL), SQLITE_OK);
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

	/* uniqueness: username, and email regardless of case */
	struct user_rec d;
	memset(&d, 0, sizeof d);
	snprintf(d.id, sizeof d.id, "us-3");
	snprintf(d.username, sizeof d.username, "alice");
	snprintf(d.email, sizeof d.email, "other@example.com");
	snprintf(d.referral_code, sizeof d.referral_code, "ref-3");
	assert_int_equal(store_user_insert(f->c, &d, "h", NULL), PP_ECONFLICT);
	snprintf(d.username, sizeof d.username, "carol");
	snprintf(d.email, sizeof d.email, "BOB@example.COM");
	assert_int_equal(store_user_insert(f->c, &d, "h", NULL), PP_ECONFLICT);
	assert_int_equal(store_user_get(f->c, "us-3", &u), PP_ENOTFOUND);

	assert_int_equal(store_username_taken(f->c, "alice", NULL), 1);
	assert_int_equal(store_username_taken(f->c, "alice", "us-2"), 1);
	assert_int_equal(store_username_taken(f->c, "alice", "us-1"), 0);
	assert_int_equal(store_username_taken(f->c, "carol", NULL), 0);
	assert_int_equal(store_email_taken(f->c, "BOB@EXAMPLE.COM", NULL), 1);
	assert_int_equal(store_email_taken(f->c, "bob@example.com", "us-2"), 0);
	assert_int_equal(store_email_taken(f->c, "carol@example.com", NULL), 0);
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
	assert_int_equal(store_begin(f->c), 0);
	make_user(f->c, "us-t", "tx", "tx@example.com");
	store_rollback(f->c);
	assert_int_equal(store_user_get(f->c, "us-t", &u), PP_ENOTFOUND);
	assert_int_equal(store_begin(f->c), 0);
	make_user(f->c, "us-t", "tx", "tx@example.com");
	assert_int_equal(store_commit(f->c), 0);
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

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	        T(test_migrations),   T(test_newer_schema_refused), T(test_users),
	        T(test_tokens),       T(test_token_list_scoped),    T(test_links),
	        T(test_transactions), T(test_server_secret),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
