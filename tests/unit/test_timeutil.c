/* test_timeutil.c - ISO 8601 dates of API responses (hand-formatted digits). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "util/timeutil.h"

static void check(int64_t ms, const char *want)
{
	char out[TIME_ISO_LEN];
	time_iso8601(ms, out);
	assert_string_equal(out, want);
}

static void test_known_dates(void **state)
{
	(void)state;
	check(0, "1970-01-01T00:00:00.000Z");
	check(1795848527123, "2026-11-28T06:48:47.123Z");
	check(951782400000, "2000-02-29T00:00:00.000Z");
	check(253402300799999, "9999-12-31T23:59:59.999Z");
	check(-1, "1969-12-31T23:59:59.999Z");
}

static void test_clock_is_utc_ms(void **state)
{
	(void)state;
	int64_t a = time_now_ms();
	assert_true(a > 1700000000000); /* after 2023 */
	assert_true(time_mono_us() > 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_known_dates),
	        cmocka_unit_test(test_clock_is_utc_ms),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
