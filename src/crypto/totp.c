/* totp.c - TOTP secrets, URIs, codes and recovery codes (see totp.h). */
#include "crypto/totp.h"

#include <liboath/oath.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/err.h"

_Static_assert(TOTP_CODE_LEN == TOTP_DIGITS + 1, "a code is TOTP_DIGITS digits");
_Static_assert(TOTP_RECOVERY_LEN == TOTP_RECOVERY_CHARS + 2, "xxxx-xxxx + NUL");
_Static_assert(TOTP_RECOVERY_HASH_LEN == 2 * crypto_generichash_BYTES + 1, "hex of 32 bytes");
_Static_assert(TOTP_RECOVERY_KEY_BYTES >= crypto_generichash_KEYBYTES_MIN &&
                       TOTP_RECOVERY_KEY_BYTES <= crypto_generichash_KEYBYTES_MAX,
               "a generichash key length");

int totp_global_init(void)
{
	return oath_init() == OATH_OK ? 0 : PP_EIO;
}

void totp_secret_new(unsigned char out[TOTP_SECRET_BYTES])
{
	randombytes_buf(out, TOTP_SECRET_BYTES);
}

int totp_secret_base32(const unsigned char *secret, size_t len, char out[TOTP_SECRET_B32_MAX])
{
	out[0] = 0;
	if (!secret || len == 0 || len > TOTP_SECRET_BYTES)
		return PP_EINVAL;
	char *b32 = NULL;
	size_t n = 0;
	if (oath_base32_encode((const char *)secret, len, &b32, &n) != OATH_OK || !b32)
		return PP_ENOMEM;
	size_t alloc_n = n;
	while (n > 0 && b32[n - 1] == '=')
		n--;
	int rc = 0;
	if (n >= TOTP_SECRET_B32_MAX) {
		rc = PP_EINVAL; /* cannot happen for len <= 20 */
		goto out;
	}
	memcpy(out, b32, n);
	out[n] = 0;
out:
	sodium_memzero(b32, alloc_n);
	free(b32);
	return rc;
}

/* 0 when s is 1..TOTP_LABEL_MAX bytes, without ':' or control characters. */
static int label_ok(const char *s)
{
	if (!s)
		return PP_EINVAL;
	size_t n = strlen(s);
	if (n == 0 || n > TOTP_LABEL_MAX)
		return PP_EINVAL;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == ':' || c < 0x20 || c == 0x7f)
			return PP_EINVAL;
	}
	return 0;
}

static int append_pct(struct buf *out, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		unsigned char c = *p;
		int unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		                 (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
		                 c == '~';
		char e[3] = {(char)c, 0, 0};
		size_t n = 1;
		if (!unreserved) {
			e[0] = '%';
			e[1] = hex[c >> 4];
			e[2] = hex[c & 15];
			n = 3;
		}
		int rc = buf_append(out, e, n);
		if (rc != 0)
			return rc;
	}
	return 0;
}

int totp_uri(const char *issuer, const char *account, const unsigned char *secret, size_t len,
             struct buf *out)
{
	char b32[TOTP_SECRET_B32_MAX];
	size_t start = out->len;
	int rc;
	if (label_ok(issuer) != 0 || label_ok(account) != 0)
		return PP_EINVAL;
	if ((rc = totp_secret_base32(secret, len, b32)) != 0)
		return rc;
	if ((rc = buf_appendz(out, "otpauth://totp/")) != 0 ||
	    (rc = append_pct(out, issuer)) != 0 || (rc = buf_appendz(out, ":")) != 0 ||
	    (rc = append_pct(out, account)) != 0 ||
	    (rc = buf_appendf(out, "?secret=%s&issuer=", b32)) != 0 ||
	    (rc = append_pct(out, issuer)) != 0 ||
	    (rc = buf_appendf(out, "&algorithm=SHA1&digits=%d&period=%d", TOTP_DIGITS,
	                      TOTP_PERIOD_S)) != 0)
		goto out;
	if (out->len - start > TOTP_URI_MAX)
		rc = PP_ETOOBIG;
out:
	sodium_memzero(b32, sizeof b32);
	if (rc != 0 && out->cap > 0) {
		out->len = start;
		out->data[start] = 0;
	}
	return rc;
}

int totp_code(const unsigned char *secret, size_t len, int64_t t_s, char out[TOTP_CODE_LEN])
{
	out[0] = 0;
	if (!secret || len == 0 || t_s < 0)
		return PP_EINVAL;
	if (oath_totp_generate2((const char *)secret, len, (time_t)t_s, TOTP_PERIOD_S, 0,
	                        TOTP_DIGITS, 0, out) != OATH_OK) {
		out[0] = 0;
		return PP_EINVAL;
	}
	return 0;
}

/* liboath's comparison hook: 0 on a match, 1 otherwise, in constant time. */
static int code_cmp(void *handle, const char *test_otp)
{
	const char *code = handle;
	if (strlen(test_otp) != TOTP_DIGITS)
		return 1;
	return sodium_memcmp(code, test_otp, TOTP_DIGITS) == 0 ? 0 : 1;
}

static int is_code(const char *code)
{
	if (!code)
		return 0;
	for (int i = 0; i < TOTP_DIGITS; i++)
		if (code[i] < '0' || code[i] > '9')
			return 0;
	return code[TOTP_DIGITS] == 0;
}

int totp_verify(const unsigned char *secret, size_t len, int64_t t_s, const char *code,
                int64_t last_step, int64_t *step)
{
	*step = TOTP_STEP_NONE;
	if (!secret || len == 0 || t_s < 0 || !is_code(code))
		return PP_EINVAL;
	uint64_t counter = 0;
	/* Tries the steps t, t+1, t-1 and gives the matched one in counter. */
	int rc = oath_totp_validate4_callback((const char *)secret, len, (time_t)t_s, TOTP_PERIOD_S,
	                                      0, TOTP_DIGITS, TOTP_WINDOW, NULL, &counter, 0,
	                                      code_cmp, (void *)code);
	if (rc == OATH_INVALID_OTP)
		return PP_EAUTH;
	if (rc < 0)
		return PP_EINVAL;
	/* at t < 30, liboath's "t-1" wraps below 0: no such step */
	if (counter > (uint64_t)INT64_MAX)
		return PP_EAUTH;
	if ((int64_t)counter <= last_step)
		return PP_EEXPIRED;
	*step = (int64_t)counter;
	return 0;
}

int totp_normalize_attempt(const char *in, char out[TOTP_CODE_LEN])
{
	size_t n = 0;
	out[0] = 0;
	if (!in || strnlen(in, TOTP_ATTEMPT_IN_MAX + 1) > TOTP_ATTEMPT_IN_MAX)
		return PP_EINVAL;
	for (const char *p = in; *p; p++) {
		if (*p == ' ')
			continue;
		if (*p < '0' || *p > '9' || n == TOTP_DIGITS) {
			out[0] = 0;
			return PP_EINVAL;
		}
		out[n++] = *p;
	}
	if (n != TOTP_DIGITS) {
		out[0] = 0;
		return PP_EINVAL;
	}
	out[n] = 0;
	return 0;
}

int totp_normalize_attempt_int(int64_t n, char out[TOTP_CODE_LEN])
{
	out[0] = 0;
	if (n < 0 || n > 999999)
		return PP_EINVAL;
	snprintf(out, TOTP_CODE_LEN, "%06d", (int)n);
	return 0;
}

/* Crockford's base32 alphabet, lower case: no i, l, o, u. */
static const char recovery_alphabet[] = "0123456789abcdefghjkmnpqrstvwxyz";
_Static_assert(sizeof recovery_alphabet == 33, "32 symbols");

int totp_recovery_codes(size_t n, char codes[][TOTP_RECOVERY_LEN])
{
	if (n == 0 || n > TOTP_RECOVERY_COUNT)
		return PP_EINVAL;
	for (size_t i = 0; i < n; i++) {
		unsigned char r[TOTP_RECOVERY_CHARS];
		randombytes_buf(r, sizeof r);
		size_t k = 0;
		for (size_t j = 0; j < TOTP_RECOVERY_CHARS; j++) {
			if (j == TOTP_RECOVERY_CHARS / 2)
				codes[i][k++] = '-';
			codes[i][k++] = recovery_alphabet[r[j] & 31]; /* 32 | 256: uniform */
		}
		codes[i][k] = 0;
		sodium_memzero(r, sizeof r);
	}
	return 0;
}

/* The symbol a typed character stands for, or 0 when none. */
static char recovery_symbol(char c)
{
	if (c >= 'A' && c <= 'Z')
		c = (char)(c - 'A' + 'a');
	switch (c) {
	case 'o': return '0';
	case 'i':
	case 'l': return '1';
	case 'u': return 0;
	default: break;
	}
	if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z'))
		return c;
	return 0;
}

int totp_recovery_normalize(const char *in, char out[TOTP_RECOVERY_LEN])
{
	char sym[TOTP_RECOVERY_CHARS];
	size_t n = 0;
	out[0] = 0;
	if (!in || strnlen(in, TOTP_RECOVERY_IN_MAX + 1) > TOTP_RECOVERY_IN_MAX)
		return PP_EINVAL;
	for (const char *p = in; *p; p++) {
		if (*p == ' ' || *p == '-')
			continue;
		char s = recovery_symbol(*p);
		if (!s || n == TOTP_RECOVERY_CHARS)
			return PP_EINVAL;
		sym[n++] = s;
	}
	if (n != TOTP_RECOVERY_CHARS)
		return PP_EINVAL;
	memcpy(out, sym, TOTP_RECOVERY_CHARS / 2);
	out[TOTP_RECOVERY_CHARS / 2] = '-';
	memcpy(out + TOTP_RECOVERY_CHARS / 2 + 1, sym + TOTP_RECOVERY_CHARS / 2,
	       TOTP_RECOVERY_CHARS / 2);
	out[TOTP_RECOVERY_LEN - 1] = 0;
	return 0;
}

int totp_recovery_hash(const unsigned char key[TOTP_RECOVERY_KEY_BYTES], const char *code,
                       char out[TOTP_RECOVERY_HASH_LEN])
{
	char canon[TOTP_RECOVERY_LEN];
	unsigned char h[crypto_generichash_BYTES];
	out[0] = 0;
	/* only the canonical form, so every spelling of a code has one hash */
	if (!code || totp_recovery_normalize(code, canon) != 0 || strcmp(canon, code) != 0)
		return PP_EINVAL;
	crypto_generichash(h, sizeof h, (const unsigned char *)canon, strlen(canon), key,
	                   TOTP_RECOVERY_KEY_BYTES);
	sodium_bin2hex(out, TOTP_RECOVERY_HASH_LEN, h, sizeof h);
	sodium_memzero(canon, sizeof canon);
	return 0;
}
