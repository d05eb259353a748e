/*
 * fuzz_basic.c - libFuzzer target for auth_parse_basic() on a NUL-terminated
 * copy of the input; a decoded pair re-encodes to the same pair.
 * FUZZ_SRC: @lib
 */
#include <sodium.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "api/auth.h"
#include "util/err.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	if (!ready) {
		if (sodium_init() < 0)
			abort();
		ready = 1;
	}
	char *h = malloc(size + 1);
	if (!h)
		return 0;
	memcpy(h, data, size);
	h[size] = 0;
	char user[64], pass[256];
	int rc = auth_parse_basic(h, user, sizeof user, pass, sizeof pass);
	if (rc == 0) {
		size_t ul = strnlen(user, sizeof user), pl = strnlen(pass, sizeof pass);
		if (ul >= sizeof user || pl >= sizeof pass || strchr(user, ':'))
			abort();
		char raw[sizeof user + sizeof pass + 1];
		memcpy(raw, user, ul);
		raw[ul] = ':';
		memcpy(raw + ul + 1, pass, pl);
		char hdr[8 + sodium_base64_ENCODED_LEN(sizeof raw, sodium_base64_VARIANT_ORIGINAL)];
		memcpy(hdr, "Basic ", 6);
		sodium_bin2base64(hdr + 6, sizeof hdr - 6, (const unsigned char *)raw, ul + 1 + pl,
		                  sodium_base64_VARIANT_ORIGINAL);
		char u2[64], p2[256];
		if (auth_parse_basic(hdr, u2, sizeof u2, p2, sizeof p2) != 0 || strcmp(u2, user) ||
		    strcmp(p2, pass))
			abort();
	} else if (rc != PP_EINVAL) {
		abort();
	}
	free(h);
	return 0;
}
