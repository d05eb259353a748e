/*
 * test_store_tfa.c - conformance of the store's 2FA calls (store_tfa.h), through the
 * public API only so that every engine can run it: enrolment (pending secret),
 * enabling, the last used step, single-use recovery codes, deletion.
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
#include "store/store_tfa.h"
#include "util/err.h"

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
	snprintf(f->dir, sizeof f->dir, "/tmp/pp-test-tfa-XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->path, sizeof f->path, "%s/db.sqlite", f->dir);
	if (store_open(f->path, 2, &f->s) != 0)
		return -1;
	f->c = store_acquire(f->s);
	struct user_rec u;
	memset(&u, 0, sizeof u);
	snprintf(u.id, sizeof u.id, "us-1");
	snprintf(u.username, sizeof u.username, "alice");
	snprintf(u.email, sizeof u.email, "alice@example.com");
	snprintf(u.referral_code, sizeof u.referral_code, "ref-1");
	u.created_at = 1700000000000LL;
	if (store_user_insert(f->c, &u, "$argon2id$fakehash", NULL, NULL) != 0)
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	char p[160];
	store_release(f->s, f->c);
	store_close(f->s);
	static const char *const sfx[] = {"", "-wal", "-shm", "-journal"};
	for (size_t i = 0; i < sizeof sfx / sizeof sfx[0]; i++) {
		snprintf(p, sizeof p, "%s%s", f->path, sfx[i]);
		unlink(p);
	}
	rmdir(f->dir);
	free(f);
	return 0;
}

static void test_enrol_enable_step(void **state)
{
	struct fx *f = *state;
	struct tfa_rec t;
	assert_int_equal(store_tfa_get(f->c, "us-1", 0, &t), PP_ENOTFOUND);
	assert_int_equal(store_tfa_enable(f->c, "us-1", 5, 1000), PP_ENOTFOUND);
	assert_int_equal(store_tfa_set_pending(f->c, "us-1", "sealed-one", 1000), 0);
	/* a second enrolment replaces the pending secret; a miss leaves the statement
	 * usable for another account (a read that found nothing must not stick) */
	assert_int_equal(store_tfa_get(f->c, "us-none", 0, &t), PP_ENOTFOUND);
	assert_int_equal(store_tfa_set_pending(f->c, "us-1", "sealed-two", 2000), 0);
	assert_int_equal(store_tfa_get(f->c, "us-1", 0, &t), 0);
	assert_false(t.enabled);
	assert_string_equal(t.pending, "sealed-two");
	assert_string_equal(t.secret, "");
	assert_int_equal(t.last_step, -1);
	assert_int_equal(t.created_at, 1000);

	assert_int_equal(store_tx_begin(f->c, STORE_TX_WRITE), 0);
	assert_int_equal(store_tfa_get(f->c, "us-1", 1, &t), 0); /* locked */
	assert_int_equal(store_tfa_enable(f->c, "us-1", 42, 3000), 0);
	assert_int_equal(store_tx_commit(f->c), 0);
	assert_int_equal(store_tfa_get(f->c, "us-1", 0, &t), 0);
	assert_true(t.enabled);
	assert_string_equal(t.secret, "sealed-two");
	assert_string_equal(t.pending, "");
	assert_int_equal(t.last_step, 42);
	assert_int_equal(t.enabled_at, 3000);
	/* nothing pending any more: enabling again finds nothing */
	assert_int_equal(store_tfa_enable(f->c, "us-1", 43, 4000), PP_ENOTFOUND);

	assert_int_equal(store_tfa_set_step(f->c, "us-1", 44), 0);
	assert_int_equal(store_tfa_get(f->c, "us-1", 0, &t), 0);
	assert_int_equal(t.last_step, 44);
	assert_int_equal(store_tfa_set_step(f->c, "us-none", 44), PP_ENOTFOUND);
	/* a rolled-back step is not kept */
	assert_int_equal(store_tx_begin(f->c, STORE_TX_WRITE), 0);
	assert_int_equal(store_tfa_set_step(f->c, "us-1", 45), 0);
	store_tx_rollback(f->c);
	assert_int_equal(store_tfa_get(f->c, "us-1", 0, &t), 0);
	assert_int_equal(t.last_step, 44);
}

static void test_recovery_codes(void **state)
{
	struct fx *f = *state;
	const char *const first[] = {"h1", "h2", "h3"};
	const char *const second[] = {"h4", "h5"};
	int left = -1;
	assert_int_equal(store_tfa_set_pending(f->c, "us-1", "s", 1000), 0);
	assert_int_equal(store_tfa_enable(f->c, "us-1", 1, 1000), 0);
	assert_int_equal(store_tfa_codes_replace(f->c, "us-1", first, 3, 1000), 0);
	assert_int_equal(store_tfa_codes_left(f->c, "us-1", &left), 0);
	assert_int_equal(left, 3);
	assert_int_equal(store_tfa_code_use(f->c, "us-1", "h2", 2000, &left), 0);
	assert_int_equal(left, 2);
	/* once only, and only the account's own */
	assert_int_equal(store_tfa_code_use(f->c, "us-1", "h2", 3000, &left), PP_ENOTFOUND);
	assert_int_equal(store_tfa_code_use(f->c, "us-other", "h1", 3000, &left), PP_ENOTFOUND);
	assert_int_equal(store_tfa_code_use(f->c, "us-1", "nope", 3000, &left), PP_ENOTFOUND);
	/* new codes replace every old one */
	assert_int_equal(store_tfa_codes_replace(f->c, "us-1", second, 2, 4000), 0);
	assert_int_equal(store_tfa_code_use(f->c, "us-1", "h1", 5000, &left), PP_ENOTFOUND);
	assert_int_equal(store_tfa_code_use(f->c, "us-1", "h5", 5000, &left), 0);
	assert_int_equal(left, 1);
	/* deletion: the row and the codes */
	assert_int_equal(store_tfa_delete(f->c, "us-1"), 0);
	struct tfa_rec t;
	assert_int_equal(store_tfa_get(f->c, "us-1", 0, &t), PP_ENOTFOUND);
	assert_int_equal(store_tfa_codes_left(f->c, "us-1", &left), 0);
	assert_int_equal(left, 0);
	assert_int_equal(store_tfa_delete(f->c, "us-1"), 0); /* none: not an error */
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {T(test_enrol_enable_step), T(test_recovery_codes)};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
