/*
 * test_sealed.c - secretbox sealing of small secrets: round trips (bytes and base64),
 * and that a wrong key, any changed byte, a cut value or bad base64 is an error code
 * that yields no plaintext.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/sealed.h"
#include "util/buf.h"
#include "util/err.h"

static unsigned char key[SEALED_KEY_BYTES], other_key[SEALED_KEY_BYTES];
static const char secret[] = "12345678901234567890"; /* a TOTP secret's 20 bytes */
#define SECRET_LEN 20

static int setup(void **state)
{
	(void)state;
	if (sodium_init() < 0)
		return -1;
	randombytes_buf(key, sizeof key);
	randombytes_buf(other_key, sizeof other_key);
	return 0;
}

static void test_round_trip(void **state)
{
	(void)state;
	unsigned char box[SEALED_MAX], plain[SEALED_PLAIN_MAX];
	size_t n = 0, pn = 0;
	assert_int_equal(sealed_seal(key, secret, SECRET_LEN, box, sizeof box, &n), 0);
	assert_int_equal(n, SECRET_LEN + SEALED_OVERHEAD);
	assert_null(memmem(box, n, secret, SECRET_LEN)); /* not in clear */
	assert_int_equal(sealed_open(key, box, n, plain, sizeof plain, &pn), 0);
	assert_int_equal(pn, SECRET_LEN);
	assert_memory_equal(plain, secret, SECRET_LEN);

	/* a fresh nonce each time: the same secret seals differently */
	unsigned char box2[SEALED_MAX];
	size_t n2 = 0;
	assert_int_equal(sealed_seal(key, secret, SECRET_LEN, box2, sizeof box2, &n2), 0);
	assert_int_equal(n2, n);
	assert_memory_not_equal(box, box2, SEALED_NONCE_BYTES);
	assert_memory_not_equal(box + SEALED_NONCE_BYTES, box2 + SEALED_NONCE_BYTES,
	                        n - SEALED_NONCE_BYTES);

	/* the empty and the largest plaintexts */
	assert_int_equal(sealed_seal(key, "", 0, box, sizeof box, &n), 0);
	assert_int_equal(n, SEALED_OVERHEAD);
	assert_int_equal(sealed_open(key, box, n, plain, sizeof plain, &pn), 0);
	assert_int_equal(pn, 0);
	unsigned char big[SEALED_PLAIN_MAX];
	randombytes_buf(big, sizeof big);
	assert_int_equal(sealed_seal(key, big, sizeof big, box, sizeof box, &n), 0);
	assert_int_equal(n, SEALED_MAX);
	assert_int_equal(sealed_open(key, box, n, plain, sizeof plain, &pn), 0);
	assert_int_equal(pn, sizeof big);
	assert_memory_equal(plain, big, sizeof big);
}

static void test_round_trip_b64(void **state)
{
	(void)state;
	struct buf b;
	buf_init(&b, SEALED_B64_MAX);
	assert_int_equal(sealed_seal_b64(key, secret, SECRET_LEN, &b), 0);
	/* standard base64 of 60 bytes: 80 characters, no padding needed */
	assert_int_equal(b.len, 80);
	assert_int_equal(
	        strspn(b.data, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/="),
	        b.len);
	unsigned char plain[SEALED_PLAIN_MAX];
	size_t pn = 0;
	assert_int_equal(sealed_open_b64(key, b.data, plain, sizeof plain, &pn), 0);
	assert_int_equal(pn, SECRET_LEN);
	assert_memory_equal(plain, secret, SECRET_LEN);
	/* the largest fits in SEALED_B64_MAX */
	buf_reset(&b);
	unsigned char big[SEALED_PLAIN_MAX];
	memset(big, 7, sizeof big);
	assert_int_equal(sealed_seal_b64(key, big, sizeof big, &b), 0);
	assert_int_equal(sealed_open_b64(key, b.data, plain, sizeof plain, &pn), 0);
	assert_int_equal(pn, sizeof big);
	buf_release(&b);
}

static void test_wrong_key(void **state)
{
	(void)state;
	unsigned char box[SEALED_MAX], plain[SEALED_PLAIN_MAX];
	size_t n = 0, pn = 99;
	assert_int_equal(sealed_seal(key, secret, SECRET_LEN, box, sizeof box, &n), 0);
	memset(plain, 0, sizeof plain);
	assert_int_equal(sealed_open(other_key, box, n, plain, sizeof plain, &pn), PP_EAUTH);
	assert_int_equal(pn, 0);
	assert_null(memmem(plain, sizeof plain, secret, 4));
	struct buf b;
	buf_init(&b, SEALED_B64_MAX);
	assert_int_equal(sealed_seal_b64(key, secret, SECRET_LEN, &b), 0);
	assert_int_equal(sealed_open_b64(other_key, b.data, plain, sizeof plain, &pn), PP_EAUTH);
	buf_release(&b);
}

/* Every byte, nonce and MAC included, is covered: any change fails the open. */
static void test_tampered(void **state)
{
	(void)state;
	unsigned char box[SEALED_MAX], plain[SEALED_PLAIN_MAX];
	size_t n = 0, pn = 0;
	assert_int_equal(sealed_seal(key, secret, SECRET_LEN, box, sizeof box, &n), 0);
	for (size_t i = 0; i < n; i++) {
		for (unsigned bit = 0; bit < 8; bit += 7) {
			box[i] ^= (unsigned char)(1u << bit);
			memset(plain, 0, sizeof plain);
			assert_int_equal(sealed_open(key, box, n, plain, sizeof plain, &pn),
			                 PP_EAUTH);
			assert_int_equal(pn, 0);
			assert_null(memmem(plain, sizeof plain, secret, 4));
			box[i] ^= (unsigned char)(1u << bit);
		}
	}
	assert_int_equal(sealed_open(key, box, n, plain, sizeof plain, &pn), 0); /* intact */
}

static void test_truncated(void **state)
{
	(void)state;
	unsigned char box[SEALED_MAX + 1], plain[SEALED_PLAIN_MAX];
	size_t n = 0, pn = 0;
	assert_int_equal(sealed_seal(key, secret, SECRET_LEN, box, sizeof box, &n), 0);
	/* cut anywhere: too short to be a box below the overhead, else a failed MAC */
	for (size_t cut = 0; cut < n; cut++) {
		int rc = sealed_open(key, box, cut, plain, sizeof plain, &pn);
		assert_int_equal(rc, cut < SEALED_OVERHEAD ? PP_EINVAL : PP_EAUTH);
		assert_int_equal(pn, 0);
	}
	/* a byte added at the end */
	box[n] = 0;
	assert_int_equal(sealed_open(key, box, n + 1, plain, sizeof plain, &pn), PP_EAUTH);
	assert_int_equal(sealed_open(key, NULL, 0, plain, sizeof plain, &pn), PP_EINVAL);
	/* longer than any sealed value */
	unsigned char huge[SEALED_MAX + 1] = {0};
	assert_int_equal(sealed_open(key, huge, sizeof huge, plain, sizeof plain, &pn), PP_EINVAL);

	struct buf b;
	buf_init(&b, SEALED_B64_MAX);
	assert_int_equal(sealed_seal_b64(key, secret, SECRET_LEN, &b), 0);
	char *t = strdup(b.data);
	t[b.len - 4] = 0; /* 3 bytes fewer */
	assert_int_equal(sealed_open_b64(key, t, plain, sizeof plain, &pn), PP_EAUTH);
	t[8] = 0;
	assert_int_equal(sealed_open_b64(key, t, plain, sizeof plain, &pn), PP_EINVAL);
	free(t);
	buf_release(&b);
}

static void test_bad_base64(void **state)
{
	(void)state;
	unsigned char plain[SEALED_PLAIN_MAX];
	size_t pn = 0;
	const char *bad[] = {"", "!!!!", "AAAA AAAA", "AAA", "AAAA\n", "-_-_"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_int_equal(sealed_open_b64(key, bad[i], plain, sizeof plain, &pn), PP_EINVAL);
	assert_int_equal(sealed_open_b64(key, NULL, plain, sizeof plain, &pn), PP_EINVAL);
	char longtext[SEALED_B64_MAX + 8];
	memset(longtext, 'A', sizeof longtext);
	longtext[sizeof longtext - 1] = 0;
	assert_int_equal(sealed_open_b64(key, longtext, plain, sizeof plain, &pn), PP_EINVAL);
}

static void test_limits(void **state)
{
	(void)state;
	unsigned char box[SEALED_MAX + 16], plain[SEALED_PLAIN_MAX + 1];
	size_t n = 0, pn = 0;
	memset(plain, 1, sizeof plain);
	assert_int_equal(sealed_seal(key, plain, SEALED_PLAIN_MAX + 1, box, sizeof box, &n),
	                 PP_ETOOBIG);
	assert_int_equal(
	        sealed_seal(key, secret, SECRET_LEN, box, SECRET_LEN + SEALED_OVERHEAD - 1, &n),
	        PP_ETOOBIG);
	assert_int_equal(n, 0);
	assert_int_equal(sealed_seal(key, secret, SECRET_LEN, box, sizeof box, &n), 0);
	assert_int_equal(sealed_open(key, box, n, plain, SECRET_LEN - 1, &pn), PP_ETOOBIG);
	assert_int_equal(sealed_open(key, box, n, plain, SECRET_LEN, &pn), 0);
	/* a full buffer is left as it was */
	struct buf b;
	buf_init(&b, 10);
	assert_int_equal(buf_appendz(&b, "keep"), 0);
	assert_int_equal(sealed_seal_b64(key, secret, SECRET_LEN, &b), PP_ETOOBIG);
	assert_string_equal(b.data, "keep");
	buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_round_trip), cmocka_unit_test(test_round_trip_b64),
	        cmocka_unit_test(test_wrong_key),  cmocka_unit_test(test_tampered),
	        cmocka_unit_test(test_truncated),  cmocka_unit_test(test_bad_base64),
	        cmocka_unit_test(test_limits),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
