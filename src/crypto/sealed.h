/*
 * sealed.h - small secrets kept encrypted at rest (the TOTP secrets of 2FA), with
 * libsodium's secretbox (XSalsa20-Poly1305) under a 32-byte server key.
 *
 * A sealed value is nonce || ciphertext (24-byte random nonce, then the plaintext's
 * length + a 16-byte MAC), as bytes or as standard base64 text for a TEXT column.
 * Opening checks the MAC first: a wrong key, a changed byte or a cut value is an
 * error code (PP_EAUTH or PP_EINVAL), never a crash, and never yields plaintext.
 *
 * The key is the caller's concern: the intended source is the store's per-deployment
 * secret, store_server_secret(c, "tfa_secretbox", key, SEALED_KEY_BYTES) (kept in
 * the database, so a copy of the database holds it too: sealing keeps the secrets
 * out of logs, dumps of one table and casual reads, not from someone with the whole
 * database; docs/security.md "2FA primitives"). sodium_init() must have been called.
 */
#ifndef PP_SEALED_H
#define PP_SEALED_H

#include <stddef.h>

#include "util/buf.h"

#define SEALED_KEY_BYTES   32
#define SEALED_NONCE_BYTES 24
#define SEALED_MAC_BYTES   16
#define SEALED_OVERHEAD    (SEALED_NONCE_BYTES + SEALED_MAC_BYTES)
#define SEALED_PLAIN_MAX   256 /* a small secret: a TOTP secret is 20 bytes */
#define SEALED_MAX         (SEALED_PLAIN_MAX + SEALED_OVERHEAD)
/* base64 (with padding) of SEALED_MAX bytes, + NUL */
#define SEALED_B64_MAX (((SEALED_MAX + 2) / 3) * 4 + 1)

/*
 * Seals plain[0..n) (n <= SEALED_PLAIN_MAX) into out (cap bytes; n + SEALED_OVERHEAD
 * are needed) and sets *out_len. 0, PP_ETOOBIG (n too big or cap too small).
 */
int sealed_seal(const unsigned char key[SEALED_KEY_BYTES], const void *plain, size_t n,
                unsigned char *out, size_t cap, size_t *out_len);

/*
 * Opens in[0..n) into out (cap bytes; n - SEALED_OVERHEAD are needed) and sets
 * *out_len. 0; PP_EINVAL when n is too short or too long to be a sealed value;
 * PP_ETOOBIG when cap is too small; PP_EAUTH when the MAC does not verify (wrong key,
 * changed or cut value). On failure out holds no plaintext and *out_len is 0.
 */
int sealed_open(const unsigned char key[SEALED_KEY_BYTES], const unsigned char *in, size_t n,
                void *out, size_t cap, size_t *out_len);

/* As sealed_seal, appending the base64 text to out (left as it was on failure). */
int sealed_seal_b64(const unsigned char key[SEALED_KEY_BYTES], const void *plain, size_t n,
                    struct buf *out);

/* As sealed_open, from base64 text; PP_EINVAL also for text that is not base64. */
int sealed_open_b64(const unsigned char key[SEALED_KEY_BYTES], const char *b64, void *out,
                    size_t cap, size_t *out_len);

#endif
