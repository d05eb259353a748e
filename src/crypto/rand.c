/* rand.c - random ids, secrets and their SHA-256 digests (see rand.h). */
#include "crypto/rand.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

void rand_id(const char *prefix, char out[RAND_ID_LEN])
{
	unsigned char u[16];
	randombytes_buf(u, sizeof u);
	u[6] = (unsigned char)((u[6] & 0x0f) | 0x40); /* version 4 */
	u[8] = (unsigned char)((u[8] & 0x3f) | 0x80); /* RFC 4122 variant */
	snprintf(out, RAND_ID_LEN,
	         "%.8s-%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
	         prefix, u[0], u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9], u[10], u[11],
	         u[12], u[13], u[14], u[15]);
}

void rand_secret_b64(size_t nbytes, char out[RAND_SECRET_MAX])
{
	unsigned char raw[64];
	if (nbytes > sizeof raw)
		nbytes = sizeof raw;
	randombytes_buf(raw, nbytes);
	sodium_bin2base64(out, RAND_SECRET_MAX, raw, nbytes,
	                  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(raw, sizeof raw);
}

void rand_sha256_hex(const void *s, size_t n, char out[RAND_SHA256_HEX_LEN])
{
	unsigned char h[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(h, s, n);
	sodium_bin2hex(out, RAND_SHA256_HEX_LEN, h, sizeof h);
}
