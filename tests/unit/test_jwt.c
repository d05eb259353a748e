/* test_jwt.c - HS256 sign/verify, expiry, pinned algorithm, tampering, malformed tokens. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "crypto/jwt.h"
#include "util/err.h"

#define B64 sodium_base64_VARIANT_URLSAFE_NO_PADDING
#define NOW 1700000000

static unsigned char key[JWT_KEY_LEN];
static unsigned char key2[JWT_KEY_LEN];

static int setup(void **state)
{
	(void)state;
	if (sodium_init() < 0)
		return -1;
	for (int i = 0; i < JWT_KEY_LEN; i++) {
		key[i] = (unsigned char)i;
		key2[i] = (unsigned char)(i + 1);
	}
	return 0;
}

static struct jwt_claims sample(void)
{
	struct jwt_claims c;
	memset(&c, 0, sizeof c);
	snprintf(c.sub, sizeof c.sub, "us-1234");
	snprintf(c.tid, sizeof c.tid, "tk-5678");
	c.tv = 3;
	c.ae = 7;
	c.iat = NOW;
	c.exp = NOW + JWT_TTL_S;
	return c;
}

/* Builds b64(header).b64(payload).sig where sig is HS256 with k (or the given text). */
static void craft(const char *header, const char *payload, const unsigned char *k,
                  const char *sig_text, char *out, size_t cap)
{
	char hb[4096], pb[4096];
	sodium_bin2base64(hb, sizeof hb, (const unsigned char *)header, strlen(header), B64);
	sodium_bin2base64(pb, sizeof pb, (const unsigned char *)payload, strlen(payload), B64);
	int n = snprintf(out, cap, "%s.%s", hb, pb);
	assert_true(n > 0 && (size_t)n < cap);
	if (sig_text) {
		snprintf(out + n, cap - (size_t)n, ".%s", sig_text);
		return;
	}
	unsigned char mac[crypto_auth_hmacsha256_BYTES];
	crypto_auth_hmacsha256(mac, (const unsigned char *)out, (size_t)n, k);
	out[n++] = '.';
	sodium_bin2base64(out + n, cap - (size_t)n, mac, sizeof mac, B64);
}

static const char good_payload[] = "{\"sub\":\"us-1\",\"tid\":\"tk-1\",\"tv\":1,\"ae\":0,\"iat\":"
                                   "1700000000,\"exp\":1700003600}";

static int verify(const char *tok, struct jwt_claims *c)
{
	return jwt_verify(key, tok, strlen(tok), NOW, c);
}

static void test_round_trip(void **state)
{
	(void)state;
	struct jwt_claims c = sample(), d;
	char tok[JWT_MAX_LEN];
	assert_int_equal(jwt_sign(key, &c, tok), 0);
	assert_true(strlen(tok) < JWT_MAX_LEN);
	/* exactly two dots, url-safe alphabet */
	int dots = 0;
	for (const char *p = tok; *p; p++) {
		if (*p == '.')
			dots++;
		else
			assert_non_null(
			        strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
			               "0123456789-_",
			               *p));
	}
	assert_int_equal(dots, 2);
	assert_int_equal(jwt_verify(key, tok, strlen(tok), NOW, &d), 0);
	assert_string_equal(d.sub, "us-1234");
	assert_string_equal(d.tid, "tk-5678");
	assert_int_equal(d.tv, 3);
	assert_int_equal(d.ae, 7);
	assert_int_equal(d.iat, NOW);
	assert_int_equal(d.exp, NOW + JWT_TTL_S);
	/* just before expiry still valid */
	assert_int_equal(jwt_verify(key, tok, strlen(tok), NOW + JWT_TTL_S - 1, &d), 0);
}

static void test_crafted_good_token_accepted(void **state)
{
	(void)state;
	char tok[2048];
	struct jwt_claims c;
	craft("{\"alg\":\"HS256\",\"typ\":\"JWT\"}", good_payload, key, NULL, tok, sizeof tok);
	assert_int_equal(verify(tok, &c), 0);
	assert_string_equal(c.sub, "us-1");
	/* typ is optional */
	craft("{\"alg\":\"HS256\"}", good_payload, key, NULL, tok, sizeof tok);
	assert_int_equal(verify(tok, &c), 0);
}

static void test_expired(void **state)
{
	(void)state;
	struct jwt_claims c = sample(), d;
	char tok[JWT_MAX_LEN];
	assert_int_equal(jwt_sign(key, &c, tok), 0);
	assert_int_equal(jwt_verify(key, tok, strlen(tok), NOW + JWT_TTL_S, &d), PP_EEXPIRED);
	assert_int_equal(jwt_verify(key, tok, strlen(tok), NOW + 10 * JWT_TTL_S, &d), PP_EEXPIRED);
	/* an expired token with a wrong key is PP_EAUTH, not PP_EEXPIRED */
	assert_int_equal(jwt_verify(key2, tok, strlen(tok), NOW + JWT_TTL_S, &d), PP_EAUTH);
}

static void test_alg_none_refused(void **state)
{
	(void)state;
	char tok[2048];
	struct jwt_claims c;
	/* classic alg:none with an empty signature */
	craft("{\"alg\":\"none\",\"typ\":\"JWT\"}", good_payload, key, "", tok, sizeof tok);
	assert_int_equal(verify(tok, &c), PP_EAUTH);
	/* even correctly MACed with our key, a "none" header is refused */
	craft("{\"alg\":\"none\",\"typ\":\"JWT\"}", good_payload, key, NULL, tok, sizeof tok);
	assert_int_equal(verify(tok, &c), PP_EAUTH);
	craft("{\"alg\":\"None\"}", good_payload, key, NULL, tok, sizeof tok);
	assert_int_equal(verify(tok, &c), PP_EAUTH);
	/* no signature part at all */
	craft("{\"alg\":\"none\"}", good_payload, key, "", tok, sizeof tok);
	tok[strlen(tok) - 1] = 0; /* drop the trailing dot */
	assert_int_equal(verify(tok, &c), PP_EAUTH);
}

static void test_other_algs_refused(void **state)
{
	(void)state;
	char tok[2048];
	struct jwt_claims c;
	static const char *const headers[] = {
	        "{\"alg\":\"HS512\",\"typ\":\"JWT\"}",
	        "{\"alg\":\"RS256\",\"typ\":\"JWT\"}",
	        "{\"alg\":\"hs256\"}",
	        "{\"alg\":\"HS256 \"}",
	        "{\"alg\":[\"HS256\"]}",
	        "{\"alg\":null}",
	        "{\"typ\":\"JWT\"}",
	        "{\"alg\":\"HS256\",\"alg\":\"HS256\"}",
	        "[\"HS256\"]",
	        "\"HS256\"",
	        "{\"alg\":\"HS256\"",
	        "",
	};
	for (size_t i = 0; i < sizeof headers / sizeof headers[0]; i++) {
		craft(headers[i], good_payload, key, NULL, tok, sizeof tok);
		assert_int_equal(verify(tok, &c), PP_EAUTH);
	}
}

static void test_bad_payload_refused(void **state)
{
	(void)state;
	char tok[2048];
	struct jwt_claims c;
	static const char *const payloads[] = {
	        /* missing claims */
	        "{\"sub\":\"us-1\",\"tid\":\"tk-1\",\"tv\":1,\"ae\":0,\"iat\":1}",
	        "{\"tid\":\"tk-1\",\"tv\":1,\"ae\":0,\"iat\":1,\"exp\":1800000000}",
	        /* wrong types */
	        "{\"sub\":1,\"tid\":\"tk-1\",\"tv\":1,\"ae\":0,\"iat\":1,\"exp\":1800000000}",
	        "{\"sub\":\"us-1\",\"tid\":\"tk-1\",\"tv\":1,\"ae\":0,\"iat\":1,\"exp\":"
	        "\"1800000000\"}",
	        "{\"sub\":\"us-1\",\"tid\":\"tk-1\",\"tv\":1.5,\"ae\":0,\"iat\":1,\"exp\":"
	        "1800000000}",
	        /* duplicate key */
	        "{\"sub\":\"us-1\",\"sub\":\"us-2\",\"tid\":\"tk-1\",\"tv\":1,\"ae\":0,\"iat\":1,"
	        "\"exp\":1800000000}",
	        /* sub longer than the claim buffer (64 bytes incl. NUL) */
	        "{\"sub\":\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\","
	        "\"tid\":\"tk-1\",\"tv\":1,\"ae\":0,\"iat\":1,\"exp\":1800000000}",
	        /* NUL inside a string */
	        "{\"sub\":\"us\\u0000x\",\"tid\":\"tk-1\",\"tv\":1,\"ae\":0,\"iat\":1,"
	        "\"exp\":1800000000}",
	        "[1,2]",
	        "null",
	        "{",
	};
	for (size_t i = 0; i < sizeof payloads / sizeof payloads[0]; i++) {
		craft("{\"alg\":\"HS256\"}", payloads[i], key, NULL, tok, sizeof tok);
		assert_int_equal(verify(tok, &c), PP_EAUTH);
	}
	/* 63 bytes of sub still fits */
	craft("{\"alg\":\"HS256\"}",
	      "{\"sub\":\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\","
	      "\"tid\":\"tk-1\",\"tv\":1,\"ae\":0,\"iat\":1,\"exp\":1800000000}",
	      key, NULL, tok, sizeof tok);
	assert_int_equal(verify(tok, &c), 0);
	assert_int_equal(strlen(c.sub), 63);
}

static void test_tampered(void **state)
{
	(void)state;
	struct jwt_claims c = sample(), d;
	char tok[JWT_MAX_LEN], t2[JWT_MAX_LEN];
	assert_int_equal(jwt_sign(key, &c, tok), 0);
	size_t n = strlen(tok);
	const char *d1 = strchr(tok, '.');
	const char *d2 = strchr(d1 + 1, '.');
	/* flip one character in each part */
	size_t pos[] = {1, (size_t)(d1 - tok) + 3, (size_t)(d2 - tok) + 3, n - 1};
	for (size_t i = 0; i < sizeof pos / sizeof pos[0]; i++) {
		memcpy(t2, tok, n + 1);
		t2[pos[i]] = t2[pos[i]] == 'A' ? 'B' : 'A';
		assert_int_equal(jwt_verify(key, t2, n, NOW, &d), PP_EAUTH);
	}
	/* a payload with a later exp, re-using the original signature */
	struct jwt_claims c2 = sample();
	c2.exp = NOW + 100 * JWT_TTL_S;
	assert_int_equal(jwt_sign(key2, &c2, t2), 0);
	char mix[2 * JWT_MAX_LEN];
	const char *e2 = strrchr(t2, '.');
	snprintf(mix, sizeof mix, "%.*s%s", (int)(e2 - t2), t2, d2);
	assert_int_equal(jwt_verify(key, mix, strlen(mix), NOW, &d), PP_EAUTH);
	/* truncated signature */
	assert_int_equal(jwt_verify(key, tok, n - 1, NOW, &d), PP_EAUTH);
	/* signature with one extra character */
	memcpy(t2, tok, n);
	t2[n] = 'A';
	t2[n + 1] = 0;
	assert_int_equal(jwt_verify(key, t2, n + 1, NOW, &d), PP_EAUTH);
}

static void test_wrong_key(void **state)
{
	(void)state;
	struct jwt_claims c = sample(), d;
	char tok[JWT_MAX_LEN];
	assert_int_equal(jwt_sign(key, &c, tok), 0);
	assert_int_equal(jwt_verify(key2, tok, strlen(tok), NOW, &d), PP_EAUTH);
}

static void test_malformed(void **state)
{
	(void)state;
	struct jwt_claims c = sample(), d;
	char tok[JWT_MAX_LEN], t2[2 * JWT_MAX_LEN];
	assert_int_equal(jwt_sign(key, &c, tok), 0);
	size_t n = strlen(tok);

	assert_int_equal(jwt_verify(key, "", 0, NOW, &d), PP_EAUTH);
	assert_int_equal(jwt_verify(key, ".", 1, NOW, &d), PP_EAUTH);
	assert_int_equal(jwt_verify(key, "..", 2, NOW, &d), PP_EAUTH);
	assert_int_equal(jwt_verify(key, "...", 3, NOW, &d), PP_EAUTH);
	assert_int_equal(jwt_verify(key, "abc", 3, NOW, &d), PP_EAUTH);
	assert_int_equal(jwt_verify(key, "a.b", 3, NOW, &d), PP_EAUTH);
	assert_int_equal(jwt_verify(key, "a.b.c", 5, NOW, &d), PP_EAUTH);
	assert_int_equal(jwt_verify(key, "!!!.@@@.###", 11, NOW, &d), PP_EAUTH);

	/* extra dot at the end / a fourth part / a dot in the middle */
	snprintf(t2, sizeof t2, "%s.", tok);
	assert_int_equal(jwt_verify(key, t2, strlen(t2), NOW, &d), PP_EAUTH);
	snprintf(t2, sizeof t2, "%s.abc", tok);
	assert_int_equal(jwt_verify(key, t2, strlen(t2), NOW, &d), PP_EAUTH);
	snprintf(t2, sizeof t2, ".%s", tok);
	assert_int_equal(jwt_verify(key, t2, strlen(t2), NOW, &d), PP_EAUTH);
	/* missing the header part */
	assert_int_equal(jwt_verify(key, strchr(tok, '.'), strlen(strchr(tok, '.')), NOW, &d),
	                 PP_EAUTH);
	/* a NUL inside the token (length covers it) */
	memcpy(t2, tok, n + 1);
	t2[5] = 0;
	assert_int_equal(jwt_verify(key, t2, n, NOW, &d), PP_EAUTH);
	/* padding characters are not part of the url-safe no-padding encoding */
	snprintf(t2, sizeof t2, "%s=", tok);
	assert_int_equal(jwt_verify(key, t2, strlen(t2), NOW, &d), PP_EAUTH);
	/* whitespace */
	snprintf(t2, sizeof t2, " %s", tok);
	assert_int_equal(jwt_verify(key, t2, strlen(t2), NOW, &d), PP_EAUTH);
	/* the standard alphabet ('+', '/') is not accepted */
	memcpy(t2, tok, n + 1);
	t2[2] = '+';
	assert_int_equal(jwt_verify(key, t2, n, NOW, &d), PP_EAUTH);
	/* base64 garbage in each part, valid shape */
	assert_int_equal(jwt_verify(key, "e30.e30.AAAA", 12, NOW, &d), PP_EAUTH);
	assert_int_equal(jwt_verify(key, "%%%.e30.AAAA", 12, NOW, &d), PP_EAUTH);
}

static void test_huge(void **state)
{
	(void)state;
	struct jwt_claims d;
	static char big[JWT_MAX_LEN * 8];
	memset(big, 'A', sizeof big - 1);
	big[sizeof big - 1] = 0;
	big[100] = '.';
	big[200] = '.';
	assert_int_equal(jwt_verify(key, big, strlen(big), NOW, &d), PP_EAUTH);
	/* exactly JWT_MAX_LEN is already too long */
	assert_int_equal(jwt_verify(key, big, JWT_MAX_LEN, NOW, &d), PP_EAUTH);
	/* a crafted, correctly signed token over the limit is refused */
	char payload[JWT_MAX_LEN];
	snprintf(payload, sizeof payload,
	         "{\"sub\":\"us-1\",\"tid\":\"tk-1\",\"tv\":1,\"ae\":0,\"iat\":1,"
	         "\"exp\":1800000000,\"pad\":\"%0800d\"}",
	         0);
	craft("{\"alg\":\"HS256\"}", payload, key, NULL, big, sizeof big);
	assert_true(strlen(big) >= JWT_MAX_LEN);
	assert_int_equal(jwt_verify(key, big, strlen(big), NOW, &d), PP_EAUTH);
}

static void test_sign_too_big(void **state)
{
	(void)state;
	struct jwt_claims c = sample();
	char tok[JWT_MAX_LEN];
	/* sub/tid full of characters that JSON escapes as \u00XX (6 bytes each) */
	memset(c.sub, 0x01, sizeof c.sub - 1);
	c.sub[sizeof c.sub - 1] = 0;
	memset(c.tid, 0x01, sizeof c.tid - 1);
	c.tid[sizeof c.tid - 1] = 0;
	assert_int_equal(jwt_sign(key, &c, tok), PP_ETOOBIG);
}

/* jwt.h: a header of exactly alg HS256 (typ JWT optional); crit, kid, jku... are refused */
static void test_header_exact(void **state)
{
	(void)state;
	char tok[2048];
	struct jwt_claims c;
	craft("{\"alg\":\"HS256\",\"crit\":[\"exp\"]}", good_payload, key, NULL, tok, sizeof tok);
	assert_int_equal(verify(tok, &c), PP_EAUTH);
	craft("{\"alg\":\"HS256\",\"typ\":\"other\"}", good_payload, key, NULL, tok, sizeof tok);
	assert_int_equal(verify(tok, &c), PP_EAUTH);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_round_trip),
	        cmocka_unit_test(test_crafted_good_token_accepted),
	        cmocka_unit_test(test_expired),
	        cmocka_unit_test(test_alg_none_refused),
	        cmocka_unit_test(test_other_algs_refused),
	        cmocka_unit_test(test_bad_payload_refused),
	        cmocka_unit_test(test_tampered),
	        cmocka_unit_test(test_wrong_key),
	        cmocka_unit_test(test_malformed),
	        cmocka_unit_test(test_huge),
	        cmocka_unit_test(test_sign_too_big),
	        cmocka_unit_test(test_header_exact),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
