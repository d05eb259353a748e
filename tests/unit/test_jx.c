/* test_jx.c - strict JSON body parsing and the typed optional getters. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "util/err.h"
#include "util/jx.h"

static int parse(const char *s, json_t **out, char *err)
{
	return jx_parse_object((const uint8_t *)s, strlen(s), out, err);
}

static void expect_bad(const char *s)
{
	json_t *o = (json_t *)1;
	char err[JX_ERR_LEN] = "";
	assert_int_equal(parse(s, &o, err), PP_EINVAL);
	assert_null(o);
	assert_true(strncmp(err, "invalid JSON", 12) == 0);
}

static void expect_bad_n(const char *s, size_t n)
{
	json_t *o = (json_t *)1;
	char err[JX_ERR_LEN] = "";
	assert_int_equal(jx_parse_object((const uint8_t *)s, n, &o, err), PP_EINVAL);
	assert_null(o);
	assert_true(err[0] != 0);
}

static void test_valid_object(void **state)
{
	(void)state;
	json_t *o = NULL;
	char err[JX_ERR_LEN];
	assert_int_equal(parse("{\"a\":1,\"b\":\"x\",\"c\":{\"d\":[true,null]}}", &o, err), 0);
	assert_true(json_is_object(o));
	assert_int_equal(json_object_size(o), 3);
	json_decref(o);
	assert_int_equal(parse("{}", &o, err), 0);
	assert_int_equal(json_object_size(o), 0);
	json_decref(o);
	/* surrounding whitespace is fine, valid multibyte UTF-8 too */
	assert_int_equal(parse(" \n{\"n\":\"caf\xc3\xa9 \\u00e9 \\ud83d\\ude00\"}\t\r\n", &o, err),
	                 0);
	const char *s;
	assert_int_equal(jx_opt_str(o, "n", &s), 0);
	assert_string_equal(s, "caf\xc3\xa9 \xc3\xa9 \xf0\x9f\x98\x80");
	json_decref(o);
}

static void test_non_object_roots(void **state)
{
	(void)state;
	char err[JX_ERR_LEN];
	json_t *o = (json_t *)1;
	assert_int_equal(parse("[1,2]", &o, err), PP_EINVAL);
	assert_null(o);
	assert_string_equal(err, "invalid JSON: the root must be an object");
	expect_bad("[]");
	expect_bad("\"str\"");
	expect_bad("42");
	expect_bad("-1.5");
	expect_bad("true");
	expect_bad("null");
}

static void test_malformed(void **state)
{
	(void)state;
	expect_bad("");
	expect_bad(" ");
	expect_bad("{");
	expect_bad("}");
	expect_bad("{\"a\"}");
	expect_bad("{\"a\":}");
	expect_bad("{\"a\":1,}");
	expect_bad("{'a':1}");
	expect_bad("{a:1}");
	expect_bad("{\"a\":01}");
	expect_bad("{\"a\":NaN}");
	expect_bad("{\"a\":\"unterminated}");
	expect_bad("{\"a\":\"bad escape \\x\"}");
	expect_bad("{\"a\":\"raw\ttab\"}");
	expect_bad("{\"a\":\"\\ud800\"}"); /* lone surrogate */
	expect_bad("/* c */{}");
}

static void test_invalid_utf8(void **state)
{
	(void)state;
	expect_bad("{\"a\":\"\xff\"}");
	expect_bad("{\"a\":\"\xc3\"}");             /* truncated sequence */
	expect_bad("{\"a\":\"\xc0\xaf\"}");         /* overlong '/' */
	expect_bad("{\"a\":\"\xed\xa0\x80\"}");     /* encoded surrogate */
	expect_bad("{\"\xfe\":1}");                 /* in a key */
	expect_bad("{\"a\":\"\xf4\x90\x80\x80\"}"); /* above U+10FFFF */
}

static void test_duplicates_nul_trailing(void **state)
{
	(void)state;
	expect_bad("{\"a\":1,\"a\":2}");
	expect_bad("{\"a\":1,\"b\":{\"c\":1,\"c\":1}}");
	expect_bad("{\"a\":\"x\\u0000y\"}");
	expect_bad("{\"a\\u0000\":1}");
	expect_bad("{}{}");
	expect_bad("{} x");
	expect_bad("{\"a\":1}]");
	/* a raw NUL byte after the object (the length covers it) */
	expect_bad_n("{}\0", 3);
	expect_bad_n("{\"a\":\"x\0y\"}", 11);
}

static void test_deep_nesting(void **state)
{
	(void)state;
	/* very deep nesting is refused, not a stack overflow */
	static char deep[200010];
	size_t n = 0;
	deep[n++] = '{';
	deep[n++] = '"';
	deep[n++] = 'a';
	deep[n++] = '"';
	deep[n++] = ':';
	for (int i = 0; i < 100000; i++)
		deep[n++] = '[';
	for (int i = 0; i < 100000; i++)
		deep[n++] = ']';
	deep[n++] = '}';
	expect_bad_n(deep, n);
}

static void test_unwrap(void **state)
{
	(void)state;
	json_t *o;
	char err[JX_ERR_LEN];
	assert_int_equal(parse("{\"user\":{\"email\":\"a@b.c\"}}", &o, err), 0);
	json_t *u = jx_unwrap(o, "user");
	assert_ptr_not_equal(u, o);
	assert_non_null(json_object_get(u, "email"));
	assert_ptr_equal(jx_unwrap(o, "other"), o);
	json_decref(o);
	assert_int_equal(parse("{\"user\":\"x\",\"email\":\"a@b.c\"}", &o, err), 0);
	assert_ptr_equal(jx_unwrap(o, "user"), o);
	json_decref(o);
}

static void test_getters(void **state)
{
	(void)state;
	json_t *o;
	char err[JX_ERR_LEN];
	assert_int_equal(parse("{\"s\":\"v\",\"b\":true,\"f\":false,\"i\":-42,\"big\":"
	                       "9007199254740993,\"n\":null,\"r\":1.5,\"a\":[],\"o\":{}}",
	                       &o, err),
	                 0);
	const char *s = "junk";
	int b = 7;

	assert_int_equal(jx_opt_str(o, "s", &s), 0);
	assert_string_equal(s, "v");
	assert_int_equal(jx_opt_str(o, "missing", &s), 0);
	assert_null(s);
	s = "junk";
	assert_int_equal(jx_opt_str(o, "n", &s), 0);
	assert_null(s);
	assert_int_equal(jx_opt_str(o, "i", &s), PP_EINVAL);
	assert_int_equal(jx_opt_str(o, "b", &s), PP_EINVAL);
	assert_int_equal(jx_opt_str(o, "a", &s), PP_EINVAL);
	assert_int_equal(jx_opt_str(o, "o", &s), PP_EINVAL);

	assert_int_equal(jx_opt_bool(o, "b", &b), 0);
	assert_int_equal(b, 1);
	assert_int_equal(jx_opt_bool(o, "f", &b), 0);
	assert_int_equal(b, 0);
	assert_int_equal(jx_opt_bool(o, "missing", &b), 0);
	assert_int_equal(b, -1);
	b = 7;
	assert_int_equal(jx_opt_bool(o, "n", &b), 0);
	assert_int_equal(b, -1);
	assert_int_equal(jx_opt_bool(o, "s", &b), PP_EINVAL);
	assert_int_equal(jx_opt_bool(o, "i", &b), PP_EINVAL);

	json_decref(o);
}

static void test_integer_overflow(void **state)
{
	(void)state;
	/* beyond int64: jansson refuses rather than wrapping */
	expect_bad("{\"i\":99999999999999999999}");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_valid_object),
	        cmocka_unit_test(test_non_object_roots),
	        cmocka_unit_test(test_malformed),
	        cmocka_unit_test(test_invalid_utf8),
	        cmocka_unit_test(test_duplicates_nul_trailing),
	        cmocka_unit_test(test_deep_nesting),
	        cmocka_unit_test(test_unwrap),
	        cmocka_unit_test(test_getters),
	        cmocka_unit_test(test_integer_overflow),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
