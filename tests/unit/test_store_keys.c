/*
 * test_store_keys.c - the SSH key calls of the store (store_keys.h): a key
 * belongs to one account (unique blob hash), names are unique per account,
 * lookups by another account's id find nothing, the sshd lookup ignores
 * deleted accounts, last_used_at is written at most once a minute, and
 * store_open_existing opens without creating or migrating. Only the public
 * store API is used, so the suite can run against another engine.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/store.h"
#include "store/store_acct.h"
#include "store/store_keys.h"
#include "util/err.h"

#define T0 1700000000000LL

struct fx {
	char dir[64];
	char path[128];
	struct store *s;
	struct store_conn *c;
};

static int setup(void **state)
{
	if (sodium_init() < 0)
		return -1;
	struct fx *f = calloc(1, sizeof *f);
	if (!f)
		return -1;
	snprintf(f->dir, sizeof f->dir, "/tmp/pp-test-keys-XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->path, sizeof f->path, "%s/db.sqlite", f->dir);
	if (store_open(f->path, 1, &f->s) != 0)
		return -1;
	f->c = store_acquire(f->s);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	static const char *const sfx[] = {"", "-wal", "-shm", "-journal"};
	char p[160];
	if (f->c)
		store_release(f->s, f->c);
	store_close(f->s);
	for (size_t i = 0; i < sizeof sfx / sizeof sfx[0]; i++) {
		snprintf(p, sizeof p, "%s%s", f->path, sfx[i]);
		unlink(p);
	}
	rmdir(f->dir);
	free(f);
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
	u.created_at = T0;
	assert_int_equal(store_user_insert(c, &u, "$argon2id$fakehash", NULL, NULL), 0);
}

static void make_key(struct key_rec *k, const char *id, const char *user_id, const char *name)
{
	memset(k, 0, sizeof *k);
	snprintf(k->id, sizeof k->id, "%s", id);
	snprintf(k->user_id, sizeof k->user_id, "%s", user_id);
	snprintf(k->name, sizeof k->name, "%s", name);
	snprintf(k->type, sizeof k->type, "ssh-ed25519");
	snprintf(k->content, sizeof k->content, "ssh-ed25519 AAAA%s %s", id, name);
	snprintf(k->fingerprint, sizeof k->fingerprint, "SHA256:%s", id);
	k->created_at = T0;
}

static void count_cb(const struct key_rec *k, void *arg)
{
	(void)k;
	(*(int *)arg)++;
}

static void test_uniqueness_and_ownership(void **state)
{
	struct fx *f = *state;
	struct key_rec k, got;
	struct user_rec u;
	make_user(f->c, "us-a", "alice");
	make_user(f->c, "us-b", "bob");
	make_key(&k, "ky-1", "us-a", "laptop");
	assert_int_equal(store_key_insert(f->c, &k, "aa11"), 0);
	/* the same blob for another account, or under another name: taken */
	make_key(&k, "ky-2", "us-b", "mine");
	assert_int_equal(store_key_insert(f->c, &k, "aa11"), PP_ECONFLICT);
	make_key(&k, "ky-3", "us-a", "other name");
	assert_int_equal(store_key_insert(f->c, &k, "aa11"), PP_ECONFLICT);
	/* a name is unique per account only */
	make_key(&k, "ky-4", "us-a", "laptop");
	assert_int_equal(store_key_insert(f->c, &k, "bb22"), PP_ECONFLICT);
	make_key(&k, "ky-5", "us-b", "laptop");
	assert_int_equal(store_key_insert(f->c, &k, "bb22"), 0);

	assert_int_equal(store_key_get(f->c, "us-a", "ky-1", &got), 0);
	assert_string_equal(got.content, "ssh-ed25519 AAAAky-1 laptop");
	assert_int_equal(got.last_used_at, 0);
	assert_int_equal(store_key_get(f->c, "us-b", "ky-1", &got), PP_ENOTFOUND);
	assert_int_equal(store_key_delete(f->c, "us-b", "ky-1"), PP_ENOTFOUND);
	assert_int_equal(store_key_by_name(f->c, "us-a", "laptop", &got), 0);
	assert_string_equal(got.id, "ky-1");
	int n = 0;
	assert_int_equal(store_key_list(f->c, "us-a", count_cb, &n), 0);
	assert_int_equal(n, 1);

	assert_int_equal(store_key_auth_by_sha256(f->c, "aa11", &got, &u), 0);
	assert_string_equal(got.id, "ky-1");
	assert_string_equal(u.id, "us-a");
	assert_string_equal(u.username, "alice");
	assert_int_equal(store_key_auth_by_sha256(f->c, "cc33", &got, &u), PP_ENOTFOUND);
	assert_int_equal(store_key_auth_by_id(f->c, "ky-5", &got, &u), 0);
	assert_string_equal(u.username, "bob");

	/* a deleted account's keys are unknown to sshd, then gone */
	assert_int_equal(store_user_anonymize(f->c, "us-a", T0), 0);
	assert_int_equal(store_key_auth_by_sha256(f->c, "aa11", &got, &u), PP_ENOTFOUND);
	assert_int_equal(store_key_auth_by_id(f->c, "ky-1", &got, &u), PP_ENOTFOUND);
	assert_int_equal(store_key_delete_all(f->c, "us-a"), 0);
	n = 0;
	assert_int_equal(store_key_list(f->c, "us-a", count_cb, &n), 0);
	assert_int_equal(n, 0);
	/* and its blob is free again */
	make_key(&k, "ky-6", "us-b", "from alice");
	assert_int_equal(store_key_insert(f->c, &k, "aa11"), 0);
	assert_int_equal(store_key_delete(f->c, "us-b", "ky-6"), 0);
	assert_int_equal(store_key_get(f->c, "us-b", "ky-6", &got), PP_ENOTFOUND);
}

static void test_touch_once_a_minute(void **state)
{
	struct fx *f = *state;
	struct key_rec k, got;
	make_user(f->c, "us-c", "carol");
	make_key(&k, "ky-t", "us-c", "laptop");
	assert_int_equal(store_key_insert(f->c, &k, "dd44"), 0);
	assert_int_equal(store_key_touch(f->c, "ky-t", T0 + 1000), 0);
	assert_int_equal(store_key_get(f->c, "us-c", "ky-t", &got), 0);
	assert_int_equal(got.last_used_at, T0 + 1000);
	/* within the minute (60 s included): not written */
	assert_int_equal(store_key_touch(f->c, "ky-t", T0 + 1000 + STORE_KEY_TOUCH_MS), 0);
	assert_int_equal(store_key_get(f->c, "us-c", "ky-t", &got), 0);
	assert_int_equal(got.last_used_at, T0 + 1000);
	assert_int_equal(store_key_touch(f->c, "ky-t", T0 + 1001 + STORE_KEY_TOUCH_MS), 0);
	assert_int_equal(store_key_get(f->c, "us-c", "ky-t", &got), 0);
	assert_int_equal(got.last_used_at, T0 + 1001 + STORE_KEY_TOUCH_MS);
}

static void test_open_existing(void **state)
{
	struct fx *f = *state;
	struct store *s = NULL;
	char missing[160];
	snprintf(missing, sizeof missing, "%s/missing.sqlite", f->dir);
	assert_int_equal(store_open_existing(missing, 1, &s), PP_EDB);
	assert_int_equal(access(missing, F_OK), -1); /* not created */
	assert_int_equal(store_open_existing(f->path, 1, &s), 0);
	struct store_conn *c = store_acquire(s);
	struct key_rec got;
	struct user_rec u;
	make_user(f->c, "us-d", "dave");
	make_key(&got, "ky-d", "us-d", "laptop");
	assert_int_equal(store_key_insert(f->c, &got, "ee55"), 0);
	assert_int_equal(store_key_auth_by_sha256(c, "ee55", &got, &u), 0);
	assert_string_equal(u.username, "dave");
	store_release(s, c);
	store_close(s);
	/* a schema newer than the binary is refused */
	assert_int_equal(store_test_record_schema_version(f->c, store_schema_version() + 1), 0);
	assert_int_equal(store_open_existing(f->path, 1, &s), PP_EDB);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test_setup_teardown(test_uniqueness_and_ownership, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_touch_once_a_minute, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_open_existing, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
