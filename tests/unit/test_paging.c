/* test_paging.c - ?page=&per_page= parsing, offsets and the pagination meta object. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "util/err.h"
#include "util/paging.h"

static void test_defaults(void **state)
{
	(void)state;
	struct paging p = {99, 99};
	const char *err = NULL;
	assert_int_equal(paging_parse(NULL, NULL, &p, &err), 0);
	assert_int_equal(p.page, 1);
	assert_int_equal(p.per_page, PAGING_DEFAULT_PER_PAGE);
	assert_int_equal(p.per_page, 30);
	assert_int_equal(paging_offset(&p), 0);
	assert_null(err);
}

static void test_valid_values(void **state)
{
	(void)state;
	struct paging p;
	const char *err = NULL;
	assert_int_equal(paging_parse("3", "100", &p, &err), 0);
	assert_int_equal(p.page, 3);
	assert_int_equal(p.per_page, 100);
	assert_int_equal(paging_offset(&p), 200);
	assert_int_equal(paging_parse("1", "1", &p, &err), 0);
	assert_int_equal(p.per_page, 1);
	assert_int_equal(paging_parse("007", NULL, &p, &err), 0);
	assert_int_equal(p.page, 7);
	assert_int_equal(p.per_page, 30);
	assert_int_equal(paging_offset(&p), 180);
	assert_int_equal(paging_parse("1000000", "100", &p, &err), 0);
	assert_int_equal(p.page, PAGING_MAX_PAGE);
	assert_int_equal(paging_offset(&p), (int64_t)999999 * 100);
	assert_null(err);
}

static void expect_bad(const char *page, const char *per_page, const char *msg)
{
	struct paging p;
	const char *err = NULL;
	assert_int_equal(paging_parse(page, per_page, &p, &err), PP_EINVAL);
	assert_non_null(err);
	assert_string_equal(err, msg);
}

static void test_per_page_bounds(void **state)
{
	(void)state;
	const char *m = "per_page must be an integer from 1 to 100";
	expect_bad(NULL, "101", m);
	expect_bad(NULL, "0", m);
	expect_bad(NULL, "abc", m);
	expect_bad(NULL, "-1", m);
	expect_bad(NULL, "+5", m);
	expect_bad(NULL, "1e3", m);
	expect_bad(NULL, "10.0", m);
	expect_bad(NULL, " 10", m);
	expect_bad(NULL, "10 ", m);
	expect_bad(NULL, "", m);
	expect_bad(NULL, "0x10", m);
	expect_bad(NULL, "99999999999999999999999999999999", m);
	expect_bad(NULL, "18446744073709551626", m); /* 2^64 + 10 */
	expect_bad(NULL, "00000", m);
}

static void test_page_bounds(void **state)
{
	(void)state;
	const char *m = "page must be an integer from 1 to 1000000";
	expect_bad("0", NULL, m);
	expect_bad("1000001", NULL, m);
	expect_bad("-3", NULL, m);
	expect_bad("", NULL, m);
	expect_bad("two", NULL, m);
	expect_bad("9223372036854775808", NULL, m);
	expect_bad("99999999999999999999999999999999999999", "30", m);
	/* a bad page is reported even with a good per_page */
	expect_bad("x", "10", m);
	expect_bad("2", "x", "per_page must be an integer from 1 to 100");
}

static json_t *pg(json_t *meta)
{
	json_t *p = json_object_get(meta, "pagination");
	assert_true(json_is_object(p));
	return p;
}

static void check_meta(int64_t page, int per_page, int64_t total, int64_t prev, int64_t next,
                       int64_t pages)
{
	struct paging p = {page, per_page};
	json_t *m = paging_meta(&p, total);
	assert_non_null(m);
	json_t *o = pg(m);
	json_t *jp = json_object_get(o, "prev_page"), *jn = json_object_get(o, "next_page");
	if (prev < 0)
		assert_true(json_is_null(jp));
	else
		assert_int_equal(json_integer_value(jp), prev);
	if (next < 0)
		assert_true(json_is_null(jn));
	else
		assert_int_equal(json_integer_value(jn), next);
	assert_int_equal(json_integer_value(json_object_get(o, "current_page")), page);
	assert_int_equal(json_integer_value(json_object_get(o, "total_pages")), pages);
	assert_int_equal(json_integer_value(json_object_get(o, "total_count")), total);
	assert_int_equal(json_object_size(o), 5);
	json_decref(m);
}

static void test_meta(void **state)
{
	(void)state;
	/* empty: one page, no prev/next */
	check_meta(1, 30, 0, -1, -1, 1);
	/* 61 items per 30: 3 pages */
	check_meta(1, 30, 61, -1, 2, 3);
	check_meta(2, 30, 61, 1, 3, 3);
	check_meta(3, 30, 61, 2, -1, 3);
	/* exact multiple */
	check_meta(1, 30, 60, -1, 2, 2);
	check_meta(2, 30, 60, 1, -1, 2);
	check_meta(1, 30, 30, -1, -1, 1);
	check_meta(1, 30, 31, -1, 2, 2);
	check_meta(1, 1, 1, -1, -1, 1);
	check_meta(1, 100, 1000000, -1, 2, 10000);
	/* past the end: prev points at the last page, next is null */
	check_meta(9, 30, 61, 3, -1, 3);
	check_meta(5, 30, 0, 1, -1, 1);
}

static void check_uint(const char *s, int64_t max, int want_rc, int64_t want)
{
	int64_t v = -7;
	int rc = paging_parse_uint(s, max, &v);
	assert_int_equal(rc, want_rc);
	if (want_rc == 0)
		assert_int_equal(v, want);
	else
		assert_int_equal(v, -7); /* untouched */
}

static void test_uint_never_overflows(void **state)
{
	(void)state;
	check_uint("0", 0, 0, 0);
	check_uint("1", 0, PP_ETOOBIG, 0);
	check_uint("9", 8, PP_ETOOBIG, 0);
	check_uint("42", 42, 0, 42);
	check_uint("43", 42, PP_ETOOBIG, 0);
	check_uint("0000000000000000000000000042", 42, 0, 42);
	check_uint("9223372036854775807", INT64_MAX, 0, INT64_MAX);
	check_uint("9223372036854775808", INT64_MAX, PP_ETOOBIG, 0);
	check_uint("4611686018427387903", INT64_MAX / 2, 0, INT64_MAX / 2);
	check_uint("4611686018427387904", INT64_MAX / 2, PP_ETOOBIG, 0);
	/* 2^64 + 1 and 2^65 + 1 once wrapped to 1 */
	check_uint("18446744073709551617", INT64_MAX / 2, PP_ETOOBIG, 0);
	check_uint("36893488147419103233", INT64_MAX, PP_ETOOBIG, 0);
	check_uint("99999999999999999999999999999999999999", INT64_MAX, PP_ETOOBIG, 0);
	check_uint("", 10, PP_EINVAL, 0);
	check_uint(NULL, 10, PP_EINVAL, 0);
	check_uint("-1", 10, PP_EINVAL, 0);
	check_uint("+1", 10, PP_EINVAL, 0);
	check_uint(" 1", 10, PP_EINVAL, 0);
	check_uint("1e3", 10000, PP_EINVAL, 0);
	check_uint("0x10", 100, PP_EINVAL, 0);
	/* malformed wins over too big */
	check_uint("1e3", 0, PP_EINVAL, 0);
	check_uint("99999999999999999999x", INT64_MAX, PP_EINVAL, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_defaults),
	        cmocka_unit_test(test_valid_values),
	        cmocka_unit_test(test_per_page_bounds),
	        cmocka_unit_test(test_page_bounds),
	        cmocka_unit_test(test_meta),
	        cmocka_unit_test(test_uint_never_overflows),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
