/*
 * rand.h - identifiers and secrets from libsodium's CSPRNG.
 * sodium_init() must have been called (paasportd does it at start-up).
 */
#ifndef PP_RAND_H
#define PP_RAND_H

#include <stddef.h>

/* "<prefix>-<uuid v4>": prefix at most 8 chars; out must hold RAND_ID_LEN bytes. */
#define RAND_ID_LEN 48
void rand_id(const char *prefix, char out[RAND_ID_LEN]);

/* nbytes random bytes as unpadded base64url into out (size >= RAND_SECRET_MAX). */
#define RAND_SECRET_MAX 96
void rand_secret_b64(size_t nbytes, char out[RAND_SECRET_MAX]);

/* Lowercase hex SHA-256 of s (64 chars + NUL). */
#define RAND_SHA256_HEX_LEN 65
void rand_sha256_hex(const void *s, size_t n, char out[RAND_SHA256_HEX_LEN]);

#endif
