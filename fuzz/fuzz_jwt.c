/*
 * fuzz_jwt.c - libFuzzer target for jwt_verify() with a fixed key. When the
 * first byte is odd, the rest is taken as "header.payload" and signed with
 * that key, so the fuzzer also reaches the header and claims parsing.
 * FUZZ_SRC: src/crypto/jwt.c
 */
#include <sodium.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/jwt.h"
#include "util/err.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const unsigned char key[JWT_KEY_LEN] = "0123456789abcdef0123456789abcdef";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	if (!ready) {
		if (sodium_init() < 0)
			abort();
		ready = 1;
	}
	struct jwt_claims c;
	int rc;
	if (size > 0 && (data[0] & 1)) {
		data++;
		size--;
		char tok[2 * JWT_MAX_LEN + 64];
		if (size > JWT_MAX_LEN)
			return 0;
		memcpy(tok, data, size);
		unsigned char mac[crypto_auth_hmacsha256_BYTES];
		crypto_auth_hmacsha256(mac, (const unsigned char *)tok, size, key);
		tok[size] = '.';
		sodium_bin2base64(tok + size + 1, sizeof tok - size - 1, mac, sizeof mac,
		                  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
		rc = jwt_verify(key, tok, strlen(tok), 1700000000, &c);
	} else {
		rc = jwt_verify(key, (const char *)data, size, 1700000000, &c);
	}
	if (rc != 0 && rc != PP_EAUTH && rc != PP_EEXPIRED)
		abort();
	if (rc == 0) {
		if (strnlen(c.sub, sizeof c.sub) >= sizeof c.sub ||
		    strnlen(c.tid, sizeof c.tid) >= sizeof c.tid || c.exp <= 1700000000)
			abort();
		/* what verifies re-signs and verifies again */
		char again[JWT_MAX_LEN];
		if (jwt_sign(key, &c, again) == 0 &&
		    jwt_verify(key, again, strlen(again), 1700000000, &c) != 0)
			abort();
	}
	return 0;
}
