/*
 * test_totp.c - TOTP against RFC 6238's SHA-1 vectors, the +-1 step window, replay
 * refusal by step, attempts from strings and numbers (leading zeros), the otpauth URI,
 * and recovery codes (format, normalising, keyed hash).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <sodium.h>
#include <string.h>

#include "crypto/totp.h"
#include "util/buf.h"
#include "util/err.h"

/* RFC 6238 Appendix B: the SHA-1 seed is the 20 ASCII bytes "12345678901234567890". */
static const unsigned char rfc_secret[] = "12345678901234567890";
#define RFC_SECRET_LEN 20

static int setup(void **state)
{
	(void)state;
	return sodium_init() < 0 || totp_global_init() != 0 ? -1 : 0;
}

/*
 * The RFC lists 8-digit values; a 6-digit code is the same truncated number mod 10^6,
 * i.e. its last 6 digits.
 */
static const struct {
	int64_t t;
	const char *rfc8;
	int64_t step;
} vectors[] = {
        {59, "94287082", 1},
        {1111111109, "07081804", 37037036},
        {1111111111, "14050471", 37037037},
        {1234567890, "89005924", 41152263},
        {2000000000, "69279037", 66666666},
        {20000000000, "65353130", 666666666},
};

static void test_rfc6238_vectors(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof vectors / sizeof vectors[0]; i++) {
		const char *want = vectors[i].rfc8 + 2;
		char code[TOTP_CODE_LEN];
		assert_int_equal(totp_code(rfc_secret, RFC_SECRET_LEN, vectors[i].t, code), 0);
		assert_string_equal(code, want);
		int64_t step = 0;
		assert_int_equal(totp_verify(rfc_secret, RFC_SECRET_LEN, vectors[i].t, want,
		                             TOTP_STEP_NONE, &step),
		                 0);
		assert_int_equal(step, vectors[i].step);
	}
}

static void test_wrong_code(void **state)
{
	(void)state;
	int64_t step = 7;
	/* 287082 is good at t=59; one digit off is not */
	assert_int_equal(
	        totp_verify(rfc_secret, RFC_SECRET_LEN, 59, "287083", TOTP_STEP_NONE, &step),
	        PP_EAUTH);
	assert_int_equal(step, TOTP_STEP_NONE);
	/* the right code under another secret */
	static const unsigned char other[] = "12345678901234567891";
	assert_int_equal(totp_verify(other, RFC_SECRET_LEN, 59, "287082", TOTP_STEP_NONE, &step),
	                 PP_EAUTH);
}

static void test_window(void **state)
{
	(void)state;
	const int64_t t = 1111111111; /* code 050471, step 37037037 */
	int64_t step = 0;
	int64_t accepted[] = {t - 30, t, t + 30};
	for (size_t i = 0; i < 3; i++) {
		assert_int_equal(totp_verify(rfc_secret, RFC_SECRET_LEN, accepted[i], "050471",
		                             TOTP_STEP_NONE, &step),
		                 0);
		assert_int_equal(step, 37037037); /* the code's own step, whatever the clock */
	}
	int64_t refused[] = {t - 60, t + 60, t - 90, t + 90};
	for (size_t i = 0; i < 4; i++)
		assert_int_equal(totp_verify(rfc_secret, RFC_SECRET_LEN, refused[i], "050471",
		                             TOTP_STEP_NONE, &step),
		                 PP_EAUTH);
	/* the step's edges: 37037037 * 30 = 1111111110 .. 1111111139 */
	assert_int_equal(totp_verify(rfc_secret, RFC_SECRET_LEN, 1111111110 + 59, "050471",
	                             TOTP_STEP_NONE, &step),
	                 0);
	assert_int_equal(totp_verify(rfc_secret, RFC_SECRET_LEN, 1111111110 + 60, "050471",
	                             TOTP_STEP_NONE, &step),
	                 PP_EAUTH);
	assert_int_equal(totp_verify(rfc_secret, RFC_SECRET_LEN, 1111111110 - 30, "050471",
	                             TOTP_STEP_NONE, &step),
	                 0);
	assert_int_equal(totp_verify(rfc_secret, RFC_SECRET_LEN, 1111111110 - 31, "050471",
	                             TOTP_STEP_NONE, &step),
	                 PP_EAUTH);
}

/* The caller keeps the last accepted step; the same code is then refused in its window. */
static void test_replay_refused(void **state)
{
	(void)state;
	const int64_t t = 1111111111;
	int64_t step = 0, again = 0;
	assert_int_equal(
	        totp_verify(rfc_secret, RFC_SECRET_LEN, t, "050471", TOTP_STEP_NONE, &step), 0);
	/* the same code 10 s and 40 s later (still in the window): a replay */
	assert_int_equal(totp_verify(rfc_secret, RFC_SECRET_LEN, t + 10, "050471", step, &again),
	                 PP_EEXPIRED);
	assert_int_equal(again, TOTP_STEP_NONE);
	assert_int_equal(totp_verify(rfc_secret, RFC_SECRET_LEN, t + 40, "050471", step, &again),
	                 PP_EEXPIRED);
	/* an older code (step - 1) after a newer one was used: refused too */
	char prev[TOTP_CODE_LEN];
	assert_int_equal(totp_code(rfc_secret, RFC_SECRET_LEN, t - 30, prev), 0);
	assert_int_equal(totp_verify(rfc_secret, RFC_SECRET_LEN, t, prev, step, &again),
	                 PP_EEXPIRED);
	/* the next step's code is fine, and becomes the new last step */
	char next[TOTP_CODE_LEN];
	assert_int_equal(totp_code(rfc_secret, RFC_SECRET_LEN, t + 30, next), 0);
	assert_int_equal(totp_verify(rfc_secret, RFC_SECRET_LEN, t + 30, next, step, &again), 0);
	assert_int_equal(again, step + 1);
	/* a wrong code stays a wrong code, replay or not */
	assert_int_equal(totp_verify(rfc_secret, RFC_SECRET_LEN, t, "000000", step, &again),
	                 PP_EAUTH);
}

static void test_bad_arguments(void **state)
{
	(void)state;
	int64_t step = 0;
	const char *bad[] = {"", "28708", "2870822", "28708a", " 287082", "-28708"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_int_equal(
		        totp_verify(rfc_secret, RFC_SECRET_LEN, 59, bad[i], TOTP_STEP_NONE, &step),
		        PP_EINVAL);
	assert_int_equal(
	        totp_verify(rfc_secret, RFC_SECRET_LEN, -1, "287082", TOTP_STEP_NONE, &step),
	        PP_EINVAL);
	assert_int_equal(totp_verify(rfc_secret, 0, 59, "287082", TOTP_STEP_NONE, &step),
	                 PP_EINVAL);
	char code[TOTP_CODE_LEN];
	assert_int_equal(totp_code(rfc_secret, RFC_SECRET_LEN, -30, code), PP_EINVAL);
	assert_string_equal(code, "");
}

/* At t < 30 there is no step -1: the window holds steps 0 and 1 only. */
static void test_epoch_start(void **state)
{
	(void)state;
	char c0[TOTP_CODE_LEN], c1[TOTP_CODE_LEN];
	int64_t step = 0;
	assert_int_equal(totp_code(rfc_secret, RFC_SECRET_LEN, 0, c0), 0);
	assert_int_equal(totp_code(rfc_secret, RFC_SECRET_LEN, 30, c1), 0);
	assert_int_equal(totp_verify(rfc_secret, RFC_SECRET_LEN, 5, c0, TOTP_STEP_NONE, &step), 0);
	assert_int_equal(step, 0);
	assert_int_equal(totp_verify(rfc_secret, RFC_SECRET_LEN, 5, c1, TOTP_STEP_NONE, &step), 0);
	assert_int_equal(step, 1);
}

static void test_fresh_secret(void **state)
{
	(void)state;
	unsigned char a[TOTP_SECRET_BYTES], b[TOTP_SECRET_BYTES];
	totp_secret_new(a);
	totp_secret_new(b);
	assert_memory_not_equal(a, b, TOTP_SECRET_BYTES);
	char code[TOTP_CODE_LEN];
	int64_t now = 1700000000, step = 0;
	assert_int_equal(totp_code(a, sizeof a, now, code), 0);
	assert_int_equal(totp_verify(a, sizeof a, now, code, TOTP_STEP_NONE, &step), 0);
	assert_int_equal(step, now / 30);
}

static void test_attempt_string(void **state)
{
	(void)state;
	char out[TOTP_CODE_LEN];
	assert_int_equal(totp_normalize_attempt("005924", out), 0);
	assert_string_equal(out, "005924");
	assert_int_equal(totp_normalize_attempt("005 924", out), 0);
	assert_string_equal(out, "005924");
	assert_int_equal(totp_normalize_attempt("  0 0 5 9 2 4  ", out), 0);
	assert_string_equal(out, "005924");
	/* and the normalised string verifies: 1234567890 -> 89005924 -> 005924 */
	int64_t step = 0;
	assert_int_equal(
	        totp_verify(rfc_secret, RFC_SECRET_LEN, 1234567890, out, TOTP_STEP_NONE, &step), 0);

	const char *bad[] = {"",         "      ", "5924",    "05924",    "0059245",
	                     "00592a",   "-05924", "+05924",  "0059.4",   "005924\n",
	                     "\t005924", "0x5924", "00592４", "005924 0", "1e5"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		strcpy(out, "junk");
		assert_int_equal(totp_normalize_attempt(bad[i], out), PP_EINVAL);
		assert_string_equal(out, "");
	}
	/* spaces count towards the input limit */
	char longin[TOTP_ATTEMPT_IN_MAX + 2];
	memset(longin, ' ', sizeof longin);
	memcpy(longin, "005924", 6);
	longin[TOTP_ATTEMPT_IN_MAX] = 0;
	assert_int_equal(totp_normalize_attempt(longin, out), 0);
	longin[TOTP_ATTEMPT_IN_MAX] = ' ';
	longin[TOTP_ATTEMPT_IN_MAX + 1] = 0;
	assert_int_equal(totp_normalize_attempt(longin, out), PP_EINVAL);
	assert_int_equal(totp_normalize_attempt(NULL, out), PP_EINVAL);
}

/* The npm client sends the code as a JSON number: 005924 arrives as 5924. */
static void test_attempt_number(void **state)
{
	(void)state;
	char out[TOTP_CODE_LEN];
	int64_t step = 0;
	assert_int_equal(totp_normalize_attempt_int(5924, out), 0);
	assert_string_equal(out, "005924");
	assert_int_equal(
	        totp_verify(rfc_secret, RFC_SECRET_LEN, 1234567890, out, TOTP_STEP_NONE, &step), 0);
	assert_int_equal(totp_normalize_attempt_int(81804, out), 0); /* 1111111109 -> 081804 */
	assert_int_equal(
	        totp_verify(rfc_secret, RFC_SECRET_LEN, 1111111109, out, TOTP_STEP_NONE, &step), 0);
	assert_int_equal(totp_normalize_attempt_int(0, out), 0);
	assert_string_equal(out, "000000");
	assert_int_equal(totp_normalize_attempt_int(999999, out), 0);
	assert_string_equal(out, "999999");
	int64_t bad[] = {-1, 1000000, INT64_MAX, INT64_MIN, 4294967296 + 5924};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_int_equal(totp_normalize_attempt_int(bad[i], out), PP_EINVAL);
		assert_string_equal(out, "");
	}
}

static void test_base32(void **state)
{
	(void)state;
	char b32[TOTP_SECRET_B32_MAX];
	assert_int_equal(totp_secret_base32(rfc_secret, RFC_SECRET_LEN, b32), 0);
	assert_string_equal(b32, "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
	/* RFC 4648 vector "foobar" -> MZXW6YTBOI====== (padding dropped) */
	assert_int_equal(totp_secret_base32((const unsigned char *)"foobar", 6, b32), 0);
	assert_string_equal(b32, "MZXW6YTBOI");
	assert_int_equal(totp_secret_base32(rfc_secret, 0, b32), PP_EINVAL);
	assert_int_equal(totp_secret_base32(rfc_secret, TOTP_SECRET_BYTES + 1, b32), PP_EINVAL);
}

static void test_uri(void **state)
{
	(void)state;
	struct buf b;
	buf_init(&b, TOTP_URI_MAX);
	assert_int_equal(totp_uri("paasport", "alice@example.com", rfc_secret, RFC_SECRET_LEN, &b),
	                 0);
	assert_string_equal(b.data, "otpauth://totp/paasport:alice%40example.com"
	                            "?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=paasport"
	                            "&algorithm=SHA1&digits=6&period=30");
	buf_reset(&b);
	assert_int_equal(totp_uri("Paas Port & Co", "bob/é?#=+x", rfc_secret, RFC_SECRET_LEN, &b),
	                 0);
	assert_string_equal(b.data,
	                    "otpauth://totp/Paas%20Port%20%26%20Co:bob%2F%C3%A9%3F%23%3D%2Bx"
	                    "?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
	                    "&issuer=Paas%20Port%20%26%20Co&algorithm=SHA1&digits=6&period=30");
	buf_reset(&b);
	assert_int_equal(totp_uri("a-b.c_d~e", "Z9", rfc_secret, RFC_SECRET_LEN, &b), 0);
	assert_non_null(strstr(b.data, "totp/a-b.c_d~e:Z9?"));

	/* refused: colons (the label separator), control characters, empty, too long */
	buf_reset(&b);
	assert_int_equal(totp_uri("paas:port", "alice", rfc_secret, RFC_SECRET_LEN, &b), PP_EINVAL);
	assert_int_equal(totp_uri("paasport", "al:ice", rfc_secret, RFC_SECRET_LEN, &b), PP_EINVAL);
	assert_int_equal(totp_uri("paasport", "al\nice", rfc_secret, RFC_SECRET_LEN, &b),
	                 PP_EINVAL);
	assert_int_equal(totp_uri("paasport", "al\x7f", rfc_secret, RFC_SECRET_LEN, &b), PP_EINVAL);
	assert_int_equal(totp_uri("", "alice", rfc_secret, RFC_SECRET_LEN, &b), PP_EINVAL);
	assert_int_equal(totp_uri("paasport", "", rfc_secret, RFC_SECRET_LEN, &b), PP_EINVAL);
	char longname[TOTP_LABEL_MAX + 2];
	memset(longname, 'a', sizeof longname);
	longname[TOTP_LABEL_MAX] = 0;
	assert_int_equal(totp_uri("paasport", longname, rfc_secret, RFC_SECRET_LEN, &b), 0);
	buf_reset(&b);
	longname[TOTP_LABEL_MAX] = 'a';
	longname[TOTP_LABEL_MAX + 1] = 0;
	assert_int_equal(totp_uri("paasport", longname, rfc_secret, RFC_SECRET_LEN, &b), PP_EINVAL);
	assert_int_equal(b.len, 0);
	buf_release(&b);

	/* a buffer too small is left as it was */
	buf_init(&b, 40);
	assert_int_equal(buf_appendz(&b, "keep"), 0);
	assert_int_equal(totp_uri("paasport", "alice", rfc_secret, RFC_SECRET_LEN, &b), PP_ETOOBIG);
	assert_string_equal(b.data, "keep");
	buf_release(&b);
}

static int in_alphabet(char c)
{
	return c && strchr("0123456789abcdefghjkmnpqrstvwxyz", c) != NULL;
}

static void test_recovery_codes(void **state)
{
	(void)state;
	char codes[TOTP_RECOVERY_COUNT][TOTP_RECOVERY_LEN];
	int seen[256] = {0};
	for (int round = 0; round < 100; round++) {
		assert_int_equal(totp_recovery_codes(TOTP_RECOVERY_COUNT, codes), 0);
		for (int i = 0; i < TOTP_RECOVERY_COUNT; i++) {
			const char *c = codes[i];
			assert_int_equal(strlen(c), 9);
			assert_int_equal(c[4], '-');
			for (int k = 0; k < 9; k++) {
				if (k == 4)
					continue;
				assert_true(in_alphabet(c[k]));
				seen[(unsigned char)c[k]]++;
			}
			char canon[TOTP_RECOVERY_LEN];
			assert_int_equal(totp_recovery_normalize(c, canon), 0);
			assert_string_equal(canon, c);
			for (int j = 0; j < i; j++)
				assert_string_not_equal(codes[j], c);
		}
	}
	/* 8000 symbols: each of the 32 turns up (5 bits a symbol, 40 bits a code) */
	int distinct = 0;
	for (int i = 0; i < 256; i++)
		distinct += seen[i] > 0;
	assert_int_equal(distinct, 32);
	assert_int_equal(totp_recovery_codes(0, codes), PP_EINVAL);
	assert_int_equal(totp_recovery_codes(TOTP_RECOVERY_COUNT + 1, codes), PP_EINVAL);
}

static void test_recovery_normalize(void **state)
{
	(void)state;
	char out[TOTP_RECOVERY_LEN];
	const struct {
		const char *in, *want;
	} ok[] = {
	        {"abcd-efgh", "abcd-efgh"},       {"ABCD-EFGH", "abcd-efgh"},
	        {"abcdefgh", "abcd-efgh"},        {" ab cd - ef gh ", "abcd-efgh"},
	        {"a-b-c-d-e-f-g-h", "abcd-efgh"}, {"oOiI-lL01", "0011-1101"},
	        {"zzzz--zzzz", "zzzz-zzzz"},
	};
	for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
		assert_int_equal(totp_recovery_normalize(ok[i].in, out), 0);
		assert_string_equal(out, ok[i].want);
	}
	const char *bad[] = {"",          "abcd-efg",   "abcd-efghj", "abcd-efgu",  "abcd_efgh",
	                     "abcd.efgh", "abcd\tefgh", "abcd-éfgh",  "abcd-efg\n", "----"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		strcpy(out, "junk");
		assert_int_equal(totp_recovery_normalize(bad[i], out), PP_EINVAL);
		assert_string_equal(out, "");
	}
	char longin[TOTP_RECOVERY_IN_MAX + 2];
	memset(longin, '-', sizeof longin);
	memcpy(longin, "abcdefgh", 8);
	longin[TOTP_RECOVERY_IN_MAX] = 0;
	assert_int_equal(totp_recovery_normalize(longin, out), 0);
	longin[TOTP_RECOVERY_IN_MAX] = '-';
	longin[TOTP_RECOVERY_IN_MAX + 1] = 0;
	assert_int_equal(totp_recovery_normalize(longin, out), PP_EINVAL);
}

static void test_recovery_hash(void **state)
{
	(void)state;
	unsigned char k1[TOTP_RECOVERY_KEY_BYTES], k2[TOTP_RECOVERY_KEY_BYTES];
	memset(k1, 1, sizeof k1);
	memset(k2, 2, sizeof k2);
	char h1[TOTP_RECOVERY_HASH_LEN], h1b[TOTP_RECOVERY_HASH_LEN], h2[TOTP_RECOVERY_HASH_LEN],
	        h3[TOTP_RECOVERY_HASH_LEN];
	assert_int_equal(totp_recovery_hash(k1, "abcd-efgh", h1), 0);
	assert_int_equal(strlen(h1), 64);
	assert_int_equal(strspn(h1, "0123456789abcdef"), 64);
	/* what the user typed, normalised, finds the same hash */
	char canon[TOTP_RECOVERY_LEN];
	assert_int_equal(totp_recovery_normalize("ABCD EFGH", canon), 0);
	assert_int_equal(totp_recovery_hash(k1, canon, h1b), 0);
	assert_string_equal(h1, h1b);
	/* another key, another code: another hash */
	assert_int_equal(totp_recovery_hash(k2, "abcd-efgh", h2), 0);
	assert_string_not_equal(h1, h2);
	assert_int_equal(totp_recovery_hash(k1, "abcd-efgj", h3), 0);
	assert_string_not_equal(h1, h3);
	/* the hash is BLAKE2b-256 keyed, not a plain digest */
	unsigned char plain[32];
	char plain_hex[65];
	crypto_generichash(plain, sizeof plain, (const unsigned char *)"abcd-efgh", 9, NULL, 0);
	sodium_bin2hex(plain_hex, sizeof plain_hex, plain, sizeof plain);
	assert_string_not_equal(h1, plain_hex);
	/* only canonical codes are hashed */
	assert_int_equal(totp_recovery_hash(k1, "ABCD-EFGH", h3), PP_EINVAL);
	assert_int_equal(totp_recovery_hash(k1, "abcdefgh", h3), PP_EINVAL);
	assert_string_equal(h3, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_rfc6238_vectors),
	        cmocka_unit_test(test_wrong_code),
	        cmocka_unit_test(test_window),
	        cmocka_unit_test(test_replay_refused),
	        cmocka_unit_test(test_bad_arguments),
	        cmocka_unit_test(test_epoch_start),
	        cmocka_unit_test(test_fresh_secret),
	        cmocka_unit_test(test_attempt_string),
	        cmocka_unit_test(test_attempt_number),
	        cmocka_unit_test(test_base32),
	        cmocka_unit_test(test_uri),
	        cmocka_unit_test(test_recovery_codes),
	        cmocka_unit_test(test_recovery_normalize),
	        cmocka_unit_test(test_recovery_hash),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
