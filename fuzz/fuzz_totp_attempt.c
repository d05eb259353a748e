/*
 * fuzz_totp_attempt.c - libFuzzer target for the pure parsers of crypto/totp: the
 * input as a string goes through totp_normalize_attempt() and
 * totp_recovery_normalize(); its first 8 bytes as an int64 through
 * totp_normalize_attempt_int(). Accepted output must be canonical (6 digits; the
 * input without its spaces / "xxxx-xxxx" from the alphabet, normalising again to
 * itself), refused output must be "" with PP_EINVAL.
 * FUZZ_SRC: src/crypto/totp.c src/util/buf.c src/util/err.c
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/totp.h"
#include "util/err.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_attempt(const char *in)
{
	char out[TOTP_CODE_LEN];
	int rc = totp_normalize_attempt(in, out);
	if (rc != 0) {
		if (rc != PP_EINVAL || out[0] != 0)
			abort();
		return;
	}
	if (strlen(in) > TOTP_ATTEMPT_IN_MAX || strlen(out) != TOTP_DIGITS)
		abort();
	size_t k = 0;
	for (const char *p = in; *p; p++) {
		if (*p == ' ')
			continue;
		if (k >= TOTP_DIGITS || *p != out[k] || *p < '0' || *p > '9')
			abort();
		k++;
	}
	if (k != TOTP_DIGITS)
		abort();
}

static void check_int(int64_t n)
{
	char out[TOTP_CODE_LEN];
	int rc = totp_normalize_attempt_int(n, out);
	if (n < 0 || n > 999999) {
		if (rc != PP_EINVAL || out[0] != 0)
			abort();
		return;
	}
	char want[16];
	snprintf(want, sizeof want, "%06lld", (long long)n);
	if (rc != 0 || strcmp(out, want) != 0)
		abort();
	char again[TOTP_CODE_LEN];
	if (totp_normalize_attempt(out, again) != 0 || strcmp(again, out) != 0)
		abort();
}

static void check_recovery(const char *in)
{
	static const char alphabet[] = "0123456789abcdefghjkmnpqrstvwxyz";
	char out[TOTP_RECOVERY_LEN], again[TOTP_RECOVERY_LEN];
	int rc = totp_recovery_normalize(in, out);
	if (rc != 0) {
		if (rc != PP_EINVAL || out[0] != 0)
			abort();
		return;
	}
	if (strlen(out) != TOTP_RECOVERY_LEN - 1 || out[TOTP_RECOVERY_CHARS / 2] != '-')
		abort();
	for (size_t i = 0; i < TOTP_RECOVERY_LEN - 1; i++)
		if (i != TOTP_RECOVERY_CHARS / 2 && !memchr(alphabet, out[i], sizeof alphabet - 1))
			abort();
	if (totp_recovery_normalize(out, again) != 0 || strcmp(again, out) != 0)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = malloc(size + 1);
	if (!buf)
		return 0;
	memcpy(buf, data, size);
	buf[size] = 0;
	check_attempt(buf);
	check_recovery(buf);
	int64_t n = 0;
	memcpy(&n, data, size < sizeof n ? size : sizeof n);
	check_int(n);
	check_int(n % 2000000); /* often in range */
	free(buf);
	return 0;
}
