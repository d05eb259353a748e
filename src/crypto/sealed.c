/* sealed.c - secretbox sealing of small secrets at rest (see sealed.h). */
#include "crypto/sealed.h"

#include <sodium.h>
#include <string.h>

#include "util/err.h"

_Static_assert(SEALED_KEY_BYTES == crypto_secretbox_KEYBYTES, "secretbox key");
_Static_assert(SEALED_NONCE_BYTES == crypto_secretbox_NONCEBYTES, "secretbox nonce");
_Static_assert(SEALED_MAC_BYTES == crypto_secretbox_MACBYTES, "secretbox MAC");

int sealed_seal(const unsigned char key[SEALED_KEY_BYTES], const void *plain, size_t n,
                unsigned char *out, size_t cap, size_t *out_len)
{
	*out_len = 0;
	if (n > SEALED_PLAIN_MAX || cap < n + SEALED_OVERHEAD)
		return PP_ETOOBIG;
	randombytes_buf(out, SEALED_NONCE_BYTES);
	crypto_secretbox_easy(out + SEALED_NONCE_BYTES, plain, n, out, key);
	*out_len = n + SEALED_OVERHEAD;
	return 0;
}

int sealed_open(const unsigned char key[SEALED_KEY_BYTES], const unsigned char *in, size_t n,
                void *out, size_t cap, size_t *out_len)
{
	*out_len = 0;
	if (!in || n < SEALED_OVERHEAD || n > SEALED_MAX)
		return PP_EINVAL;
	size_t plain_n = n - SEALED_OVERHEAD;
	if (cap < plain_n)
		return PP_ETOOBIG;
	if (crypto_secretbox_open_easy(out, in + SEALED_NONCE_BYTES, n - SEALED_NONCE_BYTES, in,
	                               key) != 0) {
		sodium_memzero(out, plain_n);
		return PP_EAUTH;
	}
	*out_len = plain_n;
	return 0;
}

int sealed_seal_b64(const unsigned char key[SEALED_KEY_BYTES], const void *plain, size_t n,
                    struct buf *out)
{
	unsigned char raw[SEALED_MAX];
	char b64[SEALED_B64_MAX];
	size_t raw_n = 0;
	int rc = sealed_seal(key, plain, n, raw, sizeof raw, &raw_n);
	if (rc != 0)
		return rc;
	sodium_bin2base64(b64, sizeof b64, raw, raw_n, sodium_base64_VARIANT_ORIGINAL);
	rc = buf_appendz(out, b64);
	sodium_memzero(raw, sizeof raw);
	return rc;
}

int sealed_open_b64(const unsigned char key[SEALED_KEY_BYTES], const char *b64, void *out,
                    size_t cap, size_t *out_len)
{
	unsigned char raw[SEALED_MAX];
	size_t raw_n = 0;
	*out_len = 0;
	if (!b64 || strnlen(b64, SEALED_B64_MAX) >= SEALED_B64_MAX)
		return PP_EINVAL;
	const char *end = NULL;
	if (sodium_base642bin(raw, sizeof raw, b64, strlen(b64), NULL, &raw_n, &end,
	                      sodium_base64_VARIANT_ORIGINAL) != 0 ||
	    *end != 0)
		return PP_EINVAL;
	return sealed_open(key, raw, raw_n, out, cap, out_len);
}
