/* test_util_small.c - the small shared helpers: lower-casing, UTF-8 counting, mkdir -p,
 * and the application clock (moves only when adjustable, within its bounds). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "util/clock.h"
#include "util/err.h"
#include "util/fs.h"
#include "util/str.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void test_utf8_valid_and_sanitize(void **state)
{
	(void)state;
	assert_true(str_utf8_valid(""));
	assert_true(str_utf8_valid("plain ascii"));
	assert_true(str_utf8_valid("\xc3\xa9"
	                           "t\xc3\xa9 \xe2\x82\xac \xf0\x9f\x9a\x80"));
	assert_false(str_utf8_valid("\xed\xa0\x80"));     /* a surrogate */
	assert_false(str_utf8_valid("\xc0\xaf"));         /* overlong '/' */
	assert_false(str_utf8_valid("\xe0\x80\xaf"));     /* overlong, 3 bytes */
	assert_false(str_utf8_valid("\xf4\x90\x80\x80")); /* above U+10FFFF */
	assert_false(str_utf8_valid("ab\x80"));           /* stray continuation */
	assert_false(str_utf8_valid("\xc3"));             /* cut short */
	char out[8];
	str_utf8_sanitize(out, sizeof out,
	                  "a\xff"
	                  "b\xed\xa0\x80"
	                  "c");
	assert_string_equal(out, "a?b???c");
	str_utf8_sanitize(out, 4, "ab\xc3\xa9"); /* no half character at the cut */
	assert_string_equal(out, "ab");
	assert_true(str_utf8_valid(out));
}

static void test_str_lower(void **state)
{
	(void)state;
	char out[8];
	assert_int_equal(str_lower(out, sizeof out, "AbC@Ex.COM"), 7);
	assert_string_equal(out, "abc@ex."); /* cut to fit, terminated */
	assert_int_equal(str_lower(out, sizeof out, "\xc3\x89t\xc3\xa9"), 5);
	assert_string_equal(out, "\xc3\x89t\xc3\xa9"); /* non-ASCII bytes untouched */
	assert_int_equal(str_lower(out, 1, "ABC"), 0);
	assert_string_equal(out, "");
}

static void test_str_utf8_chars(void **state)
{
	(void)state;
	assert_int_equal(str_utf8_chars(""), 0);
	assert_int_equal(str_utf8_chars("abc"), 3);
	assert_int_equal(str_utf8_chars("caf\xc3\xa9"), 4);
	assert_int_equal(str_utf8_chars("\xe2\x82\xac\xf0\x9f\x98\x80"), 2);
}

static void test_fs_mkdir_p(void **state)
{
	(void)state;
	char base[] = "/tmp/pp-fs-XXXXXX", path[256];
	struct stat st;
	assert_non_null(mkdtemp(base));
	snprintf(path, sizeof path, "%s/a/b/c", base);
	assert_int_equal(fs_mkdir_p(path, 0700), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_int_equal(st.st_mode & 0777, 0700);
	assert_int_equal(fs_mkdir_p(path, 0700), 0); /* already there */
	char file[300];
	snprintf(file, sizeof file, "%s/a/f", base);
	FILE *f = fopen(file, "w");
	assert_non_null(f);
	fclose(f);
	snprintf(path, sizeof path, "%s/a/f/x", base);
	assert_int_equal(fs_mkdir_p(path, 0700), PP_EIO); /* a file in the way */
	char *big = malloc(FS_PATH_MAX + 8);
	memset(big, 'a', FS_PATH_MAX + 7);
	big[0] = '/';
	big[FS_PATH_MAX + 7] = 0;
	assert_int_equal(fs_mkdir_p(big, 0700), PP_ETOOBIG);
	free(big);
	unlink(file);
	snprintf(path, sizeof path, "%s/a/b/c", base);
	rmdir(path);
	snprintf(path, sizeof path, "%s/a/b", base);
	rmdir(path);
	snprintf(path, sizeof path, "%s/a", base);
	rmdir(path);
	rmdir(base);
}

static void test_clock(void **state)
{
	(void)state;
	struct clock fixed, test;
	clock_init(&fixed, 0);
	clock_init(&test, 1);
	assert_int_equal(clock_advance(&fixed, 1000), PP_EAUTH);
	int64_t a = clock_now_ms(&test);
	assert_int_equal(clock_advance(&test, 0), PP_EINVAL);
	assert_int_equal(clock_advance(&test, -5), PP_EINVAL);
	assert_int_equal(clock_advance(&test, CLOCK_ADVANCE_MAX_MS + 1), PP_EINVAL);
	assert_int_equal(clock_advance(&test, 3600 * 1000), 0);
	int64_t b = clock_now_ms(&test);
	assert_true(b - a >= 3600 * 1000);
	assert_true(b - a < 3600 * 1000 + 60 * 1000);
	assert_true(clock_now_ms(&fixed) < b - 3000 * 1000); /* the other clock did not move */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_str_lower),
	        cmocka_unit_test(test_utf8_valid_and_sanitize),
	        cmocka_unit_test(test_str_utf8_chars),
	        cmocka_unit_test(test_fs_mkdir_p),
	        cmocka_unit_test(test_clock),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
