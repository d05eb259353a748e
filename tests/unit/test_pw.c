/* test_pw.c - argon2id hash/verify/rehash and the password policy. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <sodium.h>
#include <string.h>

#include "crypto/pw.h"
#include "util/err.h"

static struct pw *pw;

static int setup(void **state)
{
	(void)state;
	if (sodium_init() < 0)
		return -1;
	return pw_new(1, 8192 * 1024, 1, &pw);
}

static int teardown(void **state)
{
	(void)state;
	pw_free(pw);
	return 0;
}

static void test_hash_verify(void **state)
{
	(void)state;
	char h[PW_HASH_MAX], h2[PW_HASH_MAX];
	assert_int_equal(pw_hash(pw, "correct horse battery", h), 0);
	assert_true(strncmp(h, "$argon2id$", 10) == 0);
	assert_true(strlen(h) < PW_HASH_MAX);
	assert_int_equal(pw_verify(pw, h, "correct horse battery"), 0);
	/* salted: the same password hashes differently */
	assert_int_equal(pw_hash(pw, "correct horse battery", h2), 0);
	assert_string_not_equal(h, h2);
	assert_int_equal(pw_verify(pw, h2, "correct horse battery"), 0);
}

static void test_wrong_password(void **state)
{
	(void)state;
	char h[PW_HASH_MAX];
	assert_int_equal(pw_hash(pw, "correct horse battery", h), 0);
	assert_int_equal(pw_verify(pw, h, "correct horse batterY"), PP_EAUTH);
	assert_int_equal(pw_verify(pw, h, "correct horse battery "), PP_EAUTH);
	assert_int_equal(pw_verify(pw, h, ""), PP_EAUTH);
	/* garbage hashes never verify */
	assert_int_equal(pw_verify(pw, "", "correct horse battery"), PP_EAUTH);
	assert_int_equal(pw_verify(pw, "$argon2id$garbage", "correct horse battery"), PP_EAUTH);
	/* the dummy verify returns nothing and must not crash */
	pw_verify_dummy(pw, "whatever password");
}

static void test_needs_rehash(void **state)
{
	(void)state;
	char h[PW_HASH_MAX];
	struct pw *other = NULL;
	assert_int_equal(pw_hash(pw, "correct horse battery", h), 0);
	assert_int_equal(pw_needs_rehash(pw, h), 0);
	assert_int_equal(pw_new(2, 8192 * 1024, 1, &other), 0);
	assert_int_equal(pw_needs_rehash(other, h), 1);
	/* the other instance still verifies the old hash */
	assert_int_equal(pw_verify(other, h, "correct horse battery"), 0);
	char h2[PW_HASH_MAX];
	assert_int_equal(pw_hash(other, "correct horse battery", h2), 0);
	assert_int_equal(pw_needs_rehash(other, h2), 0);
	assert_int_equal(pw_needs_rehash(pw, h2), 1);
	pw_free(other);

	assert_int_equal(pw_new(1, 16384 * 1024, 1, &other), 0);
	assert_int_equal(pw_needs_rehash(other, h), 1);
	pw_free(other);
	/* an unparsable hash needs a rehash */
	assert_int_equal(pw_needs_rehash(pw, "not a hash"), 1);
	pw_free(NULL);
}

static char *repeat(char *dst, const char *unit, int n)
{
	dst[0] = 0;
	for (int i = 0; i < n; i++)
		strcat(dst, unit);
	return dst;
}

static void test_policy_length(void **state)
{
	(void)state;
	char p[1024];
	assert_non_null(pw_policy("", NULL, NULL));
	assert_non_null(pw_policy("Xk3!vbn7Qp2", NULL, NULL)); /* 11 */
	assert_string_equal(pw_policy("Xk3!vbn7Qp2", NULL, NULL),
	                    "is too short (minimum is 12 characters)");
	assert_null(pw_policy("Xk3!vbn7Qp2z", NULL, NULL)); /* 12 */
	/* 128 accepted, 129 refused */
	repeat(p, "ab", 64);
	assert_int_equal(strlen(p), 128);
	assert_null(pw_policy(p, NULL, NULL));
	strcat(p, "c");
	assert_string_equal(pw_policy(p, NULL, NULL), "is too long (maximum is 128 characters)");
}

static void test_policy_multibyte(void **state)
{
	(void)state;
	char p[1024];
	/* 11 two-byte characters (22 bytes) are still too short */
	repeat(p, "\xc3\xa9", 11);
	assert_int_equal(strlen(p), 22);
	assert_non_null(pw_policy(p, NULL, NULL));
	/* 12 characters of mixed two- and three-byte code points are enough */
	repeat(p, "\xc3\xa9\xc3\xa0\xe2\x82\xac", 4); /* "éà€" x 4 */
	assert_int_equal(strlen(p), 28);
	assert_null(pw_policy(p, NULL, NULL));
	/* 12 characters of alternating "é" and "è" (24 bytes) */
	repeat(p, "\xc3\xa9\xc3\xa8", 6);
	assert_null(pw_policy(p, NULL, NULL));
	/* 64 x "€": 192 bytes but only 64 characters */
	repeat(p,
	       "\xe2\x82\xac"
	       "a",
	       32);
	assert_null(pw_policy(p, NULL, NULL));
	/* 129 characters of 4-byte emoji-like code points are too long */
	repeat(p, "\xf0\x9f\x98\x80", 64);
	strcat(p, "x");
	assert_null(pw_policy(p, NULL, NULL)); /* 65 characters */
	char big[600];
	repeat(big, "\xf0\x9f\x98\x80", 129);
	assert_string_equal(pw_policy(big, NULL, NULL), "is too long (maximum is 128 characters)");
}

static void test_policy_common(void **state)
{
	(void)state;
	assert_string_equal(pw_policy("password1234", NULL, NULL),
	                    "is too common, choose another one");
	assert_non_null(pw_policy("PassWord1234", NULL, NULL));
	assert_non_null(pw_policy("qwerty123456", NULL, NULL));
	assert_non_null(pw_policy("123456789012", NULL, NULL));
	assert_null(pw_policy("password1234x", NULL, NULL));
}

static void test_policy_username_email(void **state)
{
	(void)state;
	assert_string_equal(pw_policy("alice-the-great", "alice-the-great", "a@example.com"),
	                    "must differ from your username and email");
	assert_non_null(pw_policy("Alice-The-Great", "alice-the-great", NULL));
	assert_non_null(pw_policy("alice@example.com", "alice", "alice@example.com"));
	assert_non_null(pw_policy("ALICE@EXAMPLE.COM", NULL, "alice@example.com"));
	assert_null(pw_policy("alice-the-great", "bob", "bob@example.com"));
	/* empty username/email never match */
	assert_null(pw_policy("alice-the-great", "", ""));
}

static void test_policy_same_char(void **state)
{
	(void)state;
	assert_string_equal(pw_policy("zzzzzzzzzzzzzzz", NULL, NULL),
	                    "is too common, choose another one");
	assert_non_null(pw_policy("                ", NULL, NULL));
	assert_non_null(pw_policy("1111111111111111111111", NULL, NULL));
	assert_null(pw_policy("zzzzzzzzzzzzzzy", NULL, NULL));
	assert_null(pw_policy("yzzzzzzzzzzzzzz", NULL, NULL));
	/* one repeated multibyte character is no password either */
	char p[64];
	assert_non_null(pw_policy(repeat(p, "\xc3\xa9", 12), NULL, NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_hash_verify),
	        cmocka_unit_test(test_wrong_password),
	        cmocka_unit_test(test_needs_rehash),
	        cmocka_unit_test(test_policy_length),
	        cmocka_unit_test(test_policy_multibyte),
	        cmocka_unit_test(test_policy_common),
	        cmocka_unit_test(test_policy_username_email),
	        cmocka_unit_test(test_policy_same_char),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
