/* test_auth_basic.c - decoding of "Authorization: Basic base64(user:pass)". */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "api/auth.h"
#include "util/err.h"

static int setup(void **state)
{
	(void)state;
	return sodium_init() < 0 ? -1 : 0;
}

/* "Basic " + base64 of n raw bytes. */
static void header(char *out, size_t cap, const char *raw, size_t n)
{
	assert_true(cap > 6 + sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_ORIGINAL));
	memcpy(out, "Basic ", 6);
	sodium_bin2base64(out + 6, cap - 6, (const unsigned char *)raw, n,
	                  sodium_base64_VARIANT_ORIGINAL);
}

static void test_ok(void **state)
{
	(void)state;
	char user[128], pass[256];
	assert_int_equal(
	        auth_parse_basic("Basic YWxpY2U6c2VjcmV0", user, sizeof user, pass, sizeof pass),
	        0);
	assert_string_equal(user, "alice");
	assert_string_equal(pass, "secret");
	/* the scheme name is case-insensitive; extra spaces before the value are skipped */
	assert_int_equal(
	        auth_parse_basic("basic   YWxpY2U6c2VjcmV0", user, sizeof user, pass, sizeof pass),
	        0);
	assert_string_equal(user, "alice");
	/* the password may contain colons; the user ends at the first one */
	char h[512];
	header(h, sizeof h, "bob:pa:ss:word", 14);
	assert_int_equal(auth_parse_basic(h, user, sizeof user, pass, sizeof pass), 0);
	assert_string_equal(user, "bob");
	assert_string_equal(pass, "pa:ss:word");
	/* UTF-8 passes through */
	header(h, sizeof h, "j\xc3\xa9r\xc3\xb4me:\xe2\x82\xac", 12);
	assert_int_equal(auth_parse_basic(h, user, sizeof user, pass, sizeof pass), 0);
	assert_string_equal(user, "j\xc3\xa9r\xc3\xb4me");
	assert_string_equal(pass, "\xe2\x82\xac");
}

static void test_empty_parts(void **state)
{
	(void)state;
	char user[128], pass[256], h[512];
	/* ":token" form: empty user */
	header(h, sizeof h, ":tk-us-abc", 10);
	assert_int_equal(auth_parse_basic(h, user, sizeof user, pass, sizeof pass), 0);
	assert_string_equal(user, "");
	assert_string_equal(pass, "tk-us-abc");
	header(h, sizeof h, "alice:", 6);
	assert_int_equal(auth_parse_basic(h, user, sizeof user, pass, sizeof pass), 0);
	assert_string_equal(user, "alice");
	assert_string_equal(pass, "");
	header(h, sizeof h, ":", 1);
	assert_int_equal(auth_parse_basic(h, user, sizeof user, pass, sizeof pass), 0);
	assert_string_equal(user, "");
	assert_string_equal(pass, "");
}

static void test_malformed(void **state)
{
	(void)state;
	char user[128], pass[256], h[512];
	/* no colon */
	header(h, sizeof h, "alicesecret", 11);
	assert_int_equal(auth_parse_basic(h, user, sizeof user, pass, sizeof pass), PP_EINVAL);
	/* empty credentials */
	assert_int_equal(auth_parse_basic("Basic ", user, sizeof user, pass, sizeof pass),
	                 PP_EINVAL);
	assert_int_equal(auth_parse_basic("Basic", user, sizeof user, pass, sizeof pass),
	                 PP_EINVAL);
	assert_int_equal(auth_parse_basic("", user, sizeof user, pass, sizeof pass), PP_EINVAL);
	/* another scheme */
	assert_int_equal(
	        auth_parse_basic("Bearer YWxpY2U6c2VjcmV0", user, sizeof user, pass, sizeof pass),
	        PP_EINVAL);
	assert_int_equal(
	        auth_parse_basic("BasicYWxpY2U6c2VjcmV0", user, sizeof user, pass, sizeof pass),
	        PP_EINVAL);
	/* bad base64: invalid characters, missing padding, url-safe alphabet, trailing junk */
	assert_int_equal(auth_parse_basic("Basic !!!!", user, sizeof user, pass, sizeof pass),
	                 PP_EINVAL);
	assert_int_equal(
	        auth_parse_basic("Basic YWxpY2U6c2VjcmV0ZA", user, sizeof user, pass, sizeof pass),
	        PP_EINVAL);
	assert_int_equal(
	        auth_parse_basic("Basic YWxpY2U6c2VjcmV0 ", user, sizeof user, pass, sizeof pass),
	        PP_EINVAL);
	assert_int_equal(
	        auth_parse_basic("Basic YWxpY2U6c2VjcmV0\n", user, sizeof user, pass, sizeof pass),
	        PP_EINVAL);
	header(h, sizeof h, "a\xfb\xff:b", 5);
	assert_non_null(strpbrk(h + 6, "+/"));
	assert_int_equal(auth_parse_basic(h, user, sizeof user, pass, sizeof pass), 0);
	for (char *p = h + 6; *p; p++)
		*p = *p == '+' ? '-' : *p == '/' ? '_' : *p;
	assert_int_equal(auth_parse_basic(h, user, sizeof user, pass, sizeof pass), PP_EINVAL);
}

static void test_nul_inside(void **state)
{
	(void)state;
	char user[128], pass[256], h[512];
	header(h, sizeof h, "alice\0x:secret", 14);
	assert_int_equal(auth_parse_basic(h, user, sizeof user, pass, sizeof pass), PP_EINVAL);
	header(h, sizeof h, "alice:sec\0ret", 13);
	assert_int_equal(auth_parse_basic(h, user, sizeof user, pass, sizeof pass), PP_EINVAL);
}

static void test_too_long(void **state)
{
	(void)state;
	char user[128], pass[1024];
	static char raw[2048], h[4096];
	/* a header value over AUTH_BASIC_MAX base64 characters */
	memset(raw, 'p', sizeof raw);
	raw[0] = 'u';
	raw[1] = ':';
	header(h, sizeof h, raw, 800); /* 1068 base64 chars */
	assert_true(strlen(h) - 6 > AUTH_BASIC_MAX);
	assert_int_equal(auth_parse_basic(h, user, sizeof user, pass, sizeof pass), PP_EINVAL);
	/* 768 bytes = exactly AUTH_BASIC_MAX base64 characters: decodes */
	header(h, sizeof h, raw, 768);
	assert_int_equal(strlen(h) - 6, AUTH_BASIC_MAX);
	assert_int_equal(auth_parse_basic(h, user, sizeof user, pass, sizeof pass), 0);
	assert_int_equal(strlen(pass), 766);
	/* fields larger than the caller's buffers */
	char su[8], sp[8];
	header(h, sizeof h, "abcdefgh:x", 10);
	assert_int_equal(auth_parse_basic(h, su, sizeof su, sp, sizeof sp), PP_EINVAL);
	header(h, sizeof h, "abcdefg:x", 9);
	assert_int_equal(auth_parse_basic(h, su, sizeof su, sp, sizeof sp), 0);
	assert_string_equal(su, "abcdefg");
	header(h, sizeof h, "x:abcdefgh", 10);
	assert_int_equal(auth_parse_basic(h, su, sizeof su, sp, sizeof sp), PP_EINVAL);
	header(h, sizeof h, "x:abcdefg", 9);
	assert_int_equal(auth_parse_basic(h, su, sizeof su, sp, sizeof sp), 0);
	assert_string_equal(sp, "abcdefg");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_ok),        cmocka_unit_test(test_empty_parts),
	        cmocka_unit_test(test_malformed), cmocka_unit_test(test_nul_inside),
	        cmocka_unit_test(test_too_long),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
