/* test_valid.c - username, email and free-text rules. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "core/valid.h"
#include "model.h"

static const char *const BAD_CHARS = "may contain only lowercase letters, digits, '-' and '_', "
                                     "and must start with a letter or digit";
static const char *const BAD_LEN = "must be 3 to 32 characters long";

static void test_username(void **state)
{
	(void)state;
	char s[64];
	assert_null(valid_username("abc"));
	assert_null(valid_username("alice"));
	assert_null(valid_username("a-b_c9"));
	assert_null(valid_username("9lives"));
	assert_null(valid_username("a--"));
	memset(s, 'a', USERNAME_MAX);
	s[USERNAME_MAX] = 0;
	assert_null(valid_username(s));
	s[USERNAME_MAX] = 'a';
	s[USERNAME_MAX + 1] = 0;
	assert_string_equal(valid_username(s), BAD_LEN);
	assert_string_equal(valid_username(""), BAD_LEN);
	assert_string_equal(valid_username("ab"), BAD_LEN);
	assert_string_equal(valid_username("Alice"), BAD_CHARS);
	assert_string_equal(valid_username("-alice"), BAD_CHARS);
	assert_string_equal(valid_username("_alice"), BAD_CHARS);
	assert_string_equal(valid_username("al ice"), BAD_CHARS);
	assert_string_equal(valid_username("al.ice"), BAD_CHARS);
	assert_string_equal(valid_username("al@ice"), BAD_CHARS);
	assert_string_equal(valid_username("alice/"), BAD_CHARS);
	assert_string_equal(valid_username("al\xc3\xa9"), BAD_CHARS);
	assert_string_equal(valid_username("ali\tce"), BAD_CHARS);
}

static void test_email(void **state)
{
	(void)state;
	assert_null(valid_email("a@b.co"));
	assert_null(valid_email("a@b.c"));
	assert_null(valid_email("alice.smith+tag@example.com"));
	assert_null(valid_email("Alice@Example.COM"));
	assert_null(valid_email("j\xc3\xa9r\xc3\xb4me@exemple.fr"));
	assert_string_equal(valid_email(""), "can't be blank");
	assert_string_equal(valid_email("alice"), "is invalid");
	assert_string_equal(valid_email("@example.com"), "is invalid");
	assert_string_equal(valid_email("alice@"), "is invalid");
	assert_string_equal(valid_email("a@b@example.com"), "is invalid");
	assert_string_equal(valid_email("alice@localhost"), "is invalid");
	assert_string_equal(valid_email("alice@.example.com"), "is invalid");
	assert_string_equal(valid_email("alice@example.com."), "is invalid");
	assert_string_equal(valid_email("alice@example..com"), "is invalid");
	assert_string_equal(valid_email("alice@b."), "is invalid");
	assert_string_equal(valid_email("al ice@example.com"), "is invalid");
	assert_string_equal(valid_email("alice@example.com\n"), "is invalid");
	assert_string_equal(valid_email("alice\r\nBcc: x@y.z@example.com"), "is invalid");
	assert_string_equal(valid_email("<alice@example.com>"), "is invalid");
	assert_string_equal(valid_email("\"a\"@example.com"), "is invalid");
	assert_string_equal(valid_email("alice@example.com,bob@example.com"), "is invalid");
	assert_string_equal(valid_email("alice@[127.0.0.1]"), "is invalid");
	assert_string_equal(valid_email("a;b@example.com"), "is invalid");
	assert_string_equal(valid_email("a\\b@example.com"), "is invalid");
	assert_string_equal(valid_email("a\x7f@example.com"), "is invalid");
}

static void test_email_length(void **state)
{
	(void)state;
	char s[TXT(EMAIL_MAX) + 8];
	/* exactly EMAIL_MAX characters: local part + "@example.com" (12) */
	memset(s, 'a', EMAIL_MAX - 12);
	strcpy(s + EMAIL_MAX - 12, "@example.com");
	assert_int_equal(strlen(s), EMAIL_MAX);
	assert_null(valid_email(s));
	memset(s, 'a', EMAIL_MAX - 11);
	strcpy(s + EMAIL_MAX - 11, "@example.com");
	assert_string_equal(valid_email(s), "is too long (maximum is 254 characters)");
	/* counted in characters: 200 x "é" (400 bytes) is within the limit */
	s[0] = 0;
	for (int i = 0; i < 200; i++)
		strcat(s, "\xc3\xa9");
	strcat(s, "@example.com");
	assert_null(valid_email(s));
}

static void test_text(void **state)
{
	(void)state;
	assert_null(valid_text("Alice Smith", FULLNAME_MAX, 0));
	assert_null(valid_text("", FULLNAME_MAX, 1));
	assert_string_equal(valid_text("", FULLNAME_MAX, 0), "can't be blank");
	assert_null(valid_text("abc", 3, 0));
	assert_string_equal(valid_text("abcd", 3, 0), "is too long");
	assert_null(valid_text("\xc3\xa9\xc3\xa9\xc3\xa9", 3, 0));
	assert_string_equal(valid_text("\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9", 3, 0), "is too long");
	assert_string_equal(valid_text("a\nb", 10, 0), "must not contain control characters");
	assert_string_equal(valid_text("a\tb", 10, 0), "must not contain control characters");
	assert_string_equal(valid_text("\x1b[31m", 10, 0), "must not contain control characters");
	assert_string_equal(valid_text("a\x7f", 10, 0), "must not contain control characters");
	assert_null(valid_text("Soci\xc3\xa9t\xc3\xa9 <G\xc3\xa9n\xc3\xa9rale> & \"co\"", 128, 0));
}

static void copy_is(const char *src, size_t cap, size_t max_chars, const char *want)
{
	char out[256];
	valid_utf8_copy(out, cap, src, max_chars);
	assert_string_equal(out, want);
}

static void test_utf8_copy(void **state)
{
	(void)state;
	copy_is("Mozilla/5.0 (X11)", 256, 100, "Mozilla/5.0 (X11)");
	copy_is("\xff\xfe ok", 256, 100, "?? ok");
	copy_is("\xc3\xa9\xc3\xa9\xc3\xa9", 256, 2, "\xc3\xa9\xc3\xa9"); /* characters, not bytes */
	copy_is("\xc3\xa9\xc3\xa9", 4, 100, "\xc3\xa9"); /* never half a character */
	copy_is("\xc0\xaf", 256, 100, "??");             /* overlong '/' */
	copy_is("\xed\xa0\x80", 256, 100, "???");        /* a surrogate */
	copy_is("\xf4\x90\x80\x80", 256, 100, "????");   /* past U+10FFFF */
	copy_is("a\x01"
	        "b\x7f",
	        256, 100, "a?b?");
	copy_is("\xe2\x82", 256, 100, "??"); /* cut at the end of the input */
	copy_is("", 256, 100, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_username),     cmocka_unit_test(test_email),
	        cmocka_unit_test(test_email_length), cmocka_unit_test(test_text),
	        cmocka_unit_test(test_utf8_copy),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
