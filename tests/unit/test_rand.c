/* test_rand.c - id format, SHA-256 hex vectors, random secrets. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <sodium.h>
#include <string.h>

#include "crypto/rand.h"

static int setup(void **state)
{
	(void)state;
	return sodium_init() < 0 ? -1 : 0;
}

static int is_hex_lower(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

/* "<prefix>-xxxxxxxx-xxxx-4xxx-[89ab]xxx-xxxxxxxxxxxx" */
static void check_id(const char *id, const char *prefix)
{
	size_t pl = strlen(prefix);
	assert_int_equal(strlen(id), pl + 1 + 36);
	assert_memory_equal(id, prefix, pl);
	assert_int_equal(id[pl], '-');
	const char *u = id + pl + 1;
	for (int i = 0; i < 36; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23)
			assert_int_equal(u[i], '-');
		else
			assert_true(is_hex_lower(u[i]));
	}
	assert_int_equal(u[14], '4');
	assert_non_null(strchr("89ab", u[19]));
}

static void test_id_format(void **state)
{
	(void)state;
	char a[RAND_ID_LEN], b[RAND_ID_LEN];
	for (int i = 0; i < 200; i++) {
		rand_id("us", a);
		check_id(a, "us");
	}
	rand_id("us", b);
	assert_string_not_equal(a, b);
	rand_id("tk", a);
	check_id(a, "tk");
	/* the prefix is cut at 8 characters and the id still fits */
	rand_id("abcdefghijkl", a);
	check_id(a, "abcdefgh");
	assert_true(strlen(a) < RAND_ID_LEN);
}

static void test_sha256_vectors(void **state)
{
	(void)state;
	char h[RAND_SHA256_HEX_LEN];
	rand_sha256_hex("abc", 3, h);
	assert_string_equal(h, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	rand_sha256_hex("", 0, h);
	assert_string_equal(h, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	rand_sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 56, h);
	assert_string_equal(h, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
	/* only n bytes are hashed */
	rand_sha256_hex("abcdef", 3, h);
	assert_string_equal(h, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	assert_int_equal(strlen(h), 64);
}

static void check_secret(const char *s, size_t nbytes)
{
	size_t want = (nbytes * 4 + 2) / 3; /* unpadded base64 length */
	assert_int_equal(strlen(s), want);
	for (const char *p = s; *p; p++)
		assert_non_null(strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
		                       "0123456789-_",
		                       *p));
	unsigned char raw[64];
	size_t n;
	assert_int_equal(sodium_base642bin(raw, sizeof raw, s, strlen(s), NULL, &n, NULL,
	                                   sodium_base64_VARIANT_URLSAFE_NO_PADDING),
	                 0);
	assert_int_equal(n, nbytes);
}

static void test_secrets(void **state)
{
	(void)state;
	char a[RAND_SECRET_MAX], b[RAND_SECRET_MAX];
	rand_secret_b64(32, a);
	rand_secret_b64(32, b);
	check_secret(a, 32);
	check_secret(b, 32);
	assert_int_equal(strlen(a), 43);
	assert_string_not_equal(a, b);
	rand_secret_b64(16, a);
	check_secret(a, 16);
	rand_secret_b64(1, a);
	check_secret(a, 1);
	rand_secret_b64(64, a);
	check_secret(a, 64);
	assert_true(strlen(a) < RAND_SECRET_MAX);
	/* above 64 bytes the output is capped and still fits */
	rand_secret_b64(1000, a);
	check_secret(a, 64);
	/* many draws: no repeats, and every alphabet position varies */
	int seen_dash = 0, seen_us = 0;
	for (int i = 0; i < 500; i++) {
		rand_secret_b64(32, b);
		assert_string_not_equal(a, b);
		seen_dash |= strchr(b, '-') != NULL;
		seen_us |= strchr(b, '_') != NULL;
	}
	assert_true(seen_dash && seen_us);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_id_format),
	        cmocka_unit_test(test_sha256_vectors),
	        cmocka_unit_test(test_secrets),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
