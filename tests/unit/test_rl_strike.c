/* test_rl_strike.c - the lock-out counters of util/ratelimit.c (rl_strike,
 * rl_locked): the threshold, the lock duration, the restart after a lock, no
 * window, key isolation, and no mixing with the rl_hit counters. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <sodium.h>

#include "util/ratelimit.h"
#include "util/err.h"

#define T0   1700000000000LL
#define LOCK (15 * 60 * 1000LL)

static int setup(void **state)
{
	struct ratelimit *rl = NULL;
	if (sodium_init() < 0 || rl_new(&rl) != 0)
		return -1;
	*state = rl;
	return 0;
}

static int teardown(void **state)
{
	rl_free(*state);
	return 0;
}

static void test_threshold_locks(void **state)
{
	struct ratelimit *rl = *state;
	int64_t retry = -1;
	int locked = -1;
	for (int i = 0; i < 9; i++) {
		rl_strike(rl, "unknown-login:x", 10, LOCK, T0 + i, &locked);
		assert_int_equal(locked, 0);
		assert_int_equal(rl_locked(rl, "unknown-login:x", T0 + i, &retry), 0);
	}
	rl_strike(rl, "unknown-login:x", 10, LOCK, T0 + 100, &locked);
	assert_int_equal(locked, 1);
	assert_int_equal(rl_locked(rl, "unknown-login:x", T0 + 100, &retry), 1);
	assert_int_equal(retry, LOCK);
	assert_int_equal(rl_locked(rl, "unknown-login:x", T0 + 100 + LOCK - 1, &retry), 1);
	assert_int_equal(retry, 1);
	/* the lock ends, and the count started again at the lock */
	assert_int_equal(rl_locked(rl, "unknown-login:x", T0 + 100 + LOCK, &retry), 0);
	rl_strike(rl, "unknown-login:x", 10, LOCK, T0 + 200 + LOCK, &locked);
	assert_int_equal(locked, 0);
}

static void test_no_window(void **state)
{
	struct ratelimit *rl = *state;
	int64_t retry = 0;
	int locked = 0;
	/* failures a day apart still add up, as an account's do */
	for (int i = 0; i < 10; i++)
		rl_strike(rl, "k", 10, LOCK, T0 + i * 86400000LL, &locked);
	assert_int_equal(locked, 1);
	assert_int_equal(rl_locked(rl, "k", T0 + 9 * 86400000LL, &retry), 1);
}

static void test_keys_and_tables_independent(void **state)
{
	struct ratelimit *rl = *state;
	int64_t retry = 0;
	int locked = 0;
	for (int i = 0; i < 3; i++)
		rl_strike(rl, "a", 3, LOCK, T0, &locked);
	assert_int_equal(locked, 1);
	assert_int_equal(rl_locked(rl, "b", T0, &retry), 0);
	/* the same key in the throttle table is another counter */
	assert_int_equal(rl_hit(rl, "a", 1, 60000, T0, &retry), 0);
	assert_int_equal(rl_locked(rl, "a", T0, &retry), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test_setup_teardown(test_threshold_locks, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_no_window, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_keys_and_tables_independent, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
