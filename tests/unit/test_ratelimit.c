/* test_ratelimit.c - fixed-window counters: limit, retry time, window reset, key isolation. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <sodium.h>
#include <stdio.h>

#include "util/ratelimit.h"
#include "util/err.h"

static int setup(void **state)
{
	if (sodium_init() < 0)
		return -1;
	struct ratelimit *rl = NULL;
	if (rl_new(&rl) != 0)
		return -1;
	*state = rl;
	return 0;
}

static int teardown(void **state)
{
	rl_free(*state);
	return 0;
}

#define T0 1700000000000LL

static void test_limit_and_retry(void **state)
{
	struct ratelimit *rl = *state;
	int64_t retry = -1;
	for (int i = 0; i < 5; i++)
		assert_int_equal(rl_hit(rl, "ip:1.2.3.4", 5, 60000, T0 + i, &retry), 0);
	assert_int_equal(rl_hit(rl, "ip:1.2.3.4", 5, 60000, T0 + 10, &retry), PP_EBUSY);
	assert_true(retry > 0 && retry <= 60000);
	assert_int_equal(retry, 60000 - 10);
	/* later in the same window: still refused, shorter wait */
	assert_int_equal(rl_hit(rl, "ip:1.2.3.4", 5, 60000, T0 + 59999, &retry), PP_EBUSY);
	assert_int_equal(retry, 1);
}

static void test_window_resets(void **state)
{
	struct ratelimit *rl = *state;
	int64_t retry = 0;
	assert_int_equal(rl_hit(rl, "login:alice", 2, 1000, T0, &retry), 0);
	assert_int_equal(rl_hit(rl, "login:alice", 2, 1000, T0 + 1, &retry), 0);
	assert_int_equal(rl_hit(rl, "login:alice", 2, 1000, T0 + 2, &retry), PP_EBUSY);
	assert_true(retry > 0 && retry <= 1000);
	/* the window ends at T0 + 1000 */
	assert_int_equal(rl_hit(rl, "login:alice", 2, 1000, T0 + 1000, &retry), 0);
	assert_int_equal(rl_hit(rl, "login:alice", 2, 1000, T0 + 1001, &retry), 0);
	assert_int_equal(rl_hit(rl, "login:alice", 2, 1000, T0 + 1002, &retry), PP_EBUSY);
	assert_int_equal(retry, 998);
	/* a long pause resets too */
	assert_int_equal(rl_hit(rl, "login:alice", 2, 1000, T0 + 100000, &retry), 0);
}

static void test_keys_independent(void **state)
{
	struct ratelimit *rl = *state;
	int64_t retry = 0;
	assert_int_equal(rl_hit(rl, "k:a", 1, 60000, T0, &retry), 0);
	assert_int_equal(rl_hit(rl, "k:a", 1, 60000, T0, &retry), PP_EBUSY);
	assert_int_equal(rl_hit(rl, "k:b", 1, 60000, T0, &retry), 0);
	assert_int_equal(rl_hit(rl, "k:b", 1, 60000, T0, &retry), PP_EBUSY);
	assert_int_equal(rl_hit(rl, "k:A", 1, 60000, T0, &retry), 0);
	assert_int_equal(rl_hit(rl, "", 1, 60000, T0, &retry), 0);
	assert_int_equal(rl_hit(rl, "", 1, 60000, T0, &retry), PP_EBUSY);
	/* a blocked key stays blocked while others come and go */
	char key[32];
	int refused = 0;
	for (int i = 0; i < 100; i++) {
		snprintf(key, sizeof key, "ip:10.0.0.%d", i);
		refused += rl_hit(rl, key, 1, 60000, T0 + 1, &retry) != 0;
	}
	assert_int_equal(refused, 0);
	assert_int_equal(rl_hit(rl, "k:a", 1, 60000, T0 + 2, &retry), PP_EBUSY);
}

static void test_separate_tables(void **state)
{
	struct ratelimit *rl = *state, *other = NULL;
	int64_t retry = 0;
	assert_int_equal(rl_new(&other), 0);
	assert_int_equal(rl_hit(rl, "sep", 1, 60000, T0, &retry), 0);
	assert_int_equal(rl_hit(rl, "sep", 1, 60000, T0, &retry), PP_EBUSY);
	assert_int_equal(rl_hit(other, "sep", 1, 60000, T0, &retry), 0);
	rl_free(other);
	rl_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test_setup_teardown(test_limit_and_retry, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_window_resets, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_keys_independent, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_separate_tables, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
