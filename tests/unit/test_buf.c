/* test_buf.c - the bounded buffer: append, printf, hard cap, detach, NUL termination. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/err.h"

static void test_append_and_nul(void **state)
{
	(void)state;
	struct buf b;
	buf_init(&b, 1024);
	assert_int_equal(buf_append(&b, "abc", 3), 0);
	assert_int_equal(b.len, 3);
	assert_string_equal(b.data, "abc");
	assert_int_equal(b.data[b.len], 0);
	assert_int_equal(buf_appendz(&b, "def"), 0);
	assert_string_equal(b.data, "abcdef");
	assert_true(b.cap > b.len);
	/* binary content with an embedded NUL keeps its length */
	assert_int_equal(buf_append(&b, "x\0y", 3), 0);
	assert_int_equal(b.len, 9);
	assert_memory_equal(b.data + 6, "x\0y", 3);
	assert_int_equal(b.data[9], 0);
	buf_release(&b);
	assert_null(b.data);
	assert_int_equal(b.len, 0);
}

static void test_append_empty_allocates(void **state)
{
	(void)state;
	struct buf b;
	buf_init(&b, 16);
	assert_int_equal(buf_append(&b, "", 0), 0);
	assert_non_null(b.data);
	assert_string_equal(b.data, "");
	buf_release(&b);
}

static void test_appendf(void **state)
{
	(void)state;
	struct buf b;
	buf_init(&b, 1024);
	assert_int_equal(buf_appendf(&b, "%d-%s", 42, "x"), 0);
	assert_string_equal(b.data, "42-x");
	assert_int_equal(b.len, 4);
	assert_int_equal(buf_appendf(&b, "%05d", 7), 0);
	assert_string_equal(b.data, "42-x00007");
	assert_int_equal(b.len, 9);
	assert_int_equal(buf_appendf(&b, "%s", ""), 0);
	assert_int_equal(b.len, 9);
	buf_release(&b);
}

static void test_grows_across_many_appends(void **state)
{
	(void)state;
	struct buf b;
	buf_init(&b, 100000);
	for (int i = 0; i < 10000; i++)
		assert_int_equal(buf_append(&b, "0123456789", 10), 0);
	assert_int_equal(b.len, 100000);
	assert_int_equal(strlen(b.data), 100000);
	assert_memory_equal(b.data + 99990, "0123456789", 10);
	/* exactly at max: one more byte is too big */
	assert_int_equal(buf_append(&b, "x", 1), PP_ETOOBIG);
	assert_int_equal(b.len, 100000);
	buf_release(&b);
}

static void test_max_cap_exact(void **state)
{
	(void)state;
	struct buf b;
	buf_init(&b, 5);
	assert_int_equal(buf_append(&b, "abcde", 5), 0);
	assert_string_equal(b.data, "abcde");
	assert_int_equal(buf_append(&b, "f", 1), PP_ETOOBIG);
	assert_int_equal(b.len, 5);
	assert_string_equal(b.data, "abcde");
	/* empty appends still fine at the cap */
	assert_int_equal(buf_append(&b, "", 0), 0);
	buf_release(&b);
}

static void test_too_big_leaves_unchanged(void **state)
{
	(void)state;
	struct buf b;
	buf_init(&b, 8);
	assert_int_equal(buf_appendz(&b, "abc"), 0);
	size_t cap = b.cap;
	char *data = b.data;
	assert_int_equal(buf_appendz(&b, "defghi"), PP_ETOOBIG);
	assert_int_equal(b.len, 3);
	assert_string_equal(b.data, "abc");
	assert_ptr_equal(b.data, data);
	assert_int_equal(b.cap, cap);
	assert_int_equal(buf_appendf(&b, "%s", "123456"), PP_ETOOBIG);
	assert_int_equal(b.len, 3);
	assert_string_equal(b.data, "abc");
	/* a huge length cannot wrap around the cap check */
	assert_int_equal(buf_append(&b, "x", SIZE_MAX), PP_ETOOBIG);
	assert_int_equal(buf_append(&b, "x", SIZE_MAX - 2), PP_ETOOBIG);
	assert_int_equal(b.len, 3);
	assert_int_equal(buf_appendf(&b, "%s", "12345"), 0);
	assert_string_equal(b.data, "abc12345");
	buf_release(&b);
}

static void test_max_zero(void **state)
{
	(void)state;
	struct buf b;
	buf_init(&b, 0);
	assert_int_equal(buf_append(&b, "a", 1), PP_ETOOBIG);
	assert_int_equal(b.len, 0);
	assert_null(b.data);
	buf_release(&b);
}

static void test_reset(void **state)
{
	(void)state;
	struct buf b;
	buf_init(&b, 64);
	buf_reset(&b); /* on an empty buf: no crash */
	assert_int_equal(b.len, 0);
	assert_int_equal(buf_appendz(&b, "hello"), 0);
	char *data = b.data;
	buf_reset(&b);
	assert_int_equal(b.len, 0);
	assert_ptr_equal(b.data, data);
	assert_string_equal(b.data, "");
	assert_int_equal(buf_appendz(&b, "xy"), 0);
	assert_string_equal(b.data, "xy");
	buf_release(&b);
}

static void test_detach(void **state)
{
	(void)state;
	struct buf b;
	size_t n = 99;
	buf_init(&b, 64);
	assert_int_equal(buf_appendf(&b, "id=%d", 5), 0);
	char *p = buf_detach(&b, &n);
	assert_non_null(p);
	assert_int_equal(n, 4);
	assert_string_equal(p, "id=5");
	assert_null(b.data);
	assert_int_equal(b.len, 0);
	assert_int_equal(b.cap, 0);
	free(p);
	/* reusable after detach, max kept */
	assert_int_equal(buf_appendz(&b, "again"), 0);
	assert_string_equal(b.data, "again");
	assert_int_equal(
	        buf_append(&b, "0123456789012345678901234567890123456789012345678901234567890", 61),
	        PP_ETOOBIG);
	buf_release(&b);
}

static void test_detach_empty(void **state)
{
	(void)state;
	struct buf b;
	size_t n = 99;
	buf_init(&b, 64);
	char *p = buf_detach(&b, &n);
	assert_non_null(p);
	assert_int_equal(n, 0);
	/* a never-written buf detaches as "" */
	assert_string_equal(p, "");
	free(p);
	/* NULL len allowed */
	buf_init(&b, 64);
	assert_int_equal(buf_appendz(&b, "z"), 0);
	p = buf_detach(&b, NULL);
	assert_string_equal(p, "z");
	free(p);
}

static void test_release_null(void **state)
{
	(void)state;
	buf_release(NULL);
	struct buf b;
	buf_init(&b, 4);
	buf_release(&b);
	buf_release(&b); /* twice is fine */
	assert_null(b.data);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_append_and_nul),
	        cmocka_unit_test(test_append_empty_allocates),
	        cmocka_unit_test(test_appendf),
	        cmocka_unit_test(test_grows_across_many_appends),
	        cmocka_unit_test(test_max_cap_exact),
	        cmocka_unit_test(test_too_big_leaves_unchanged),
	        cmocka_unit_test(test_max_zero),
	        cmocka_unit_test(test_reset),
	        cmocka_unit_test(test_detach),
	        cmocka_unit_test(test_detach_empty),
	        cmocka_unit_test(test_release_null),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
