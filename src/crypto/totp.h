/*
 * totp.h - the primitives of TOTP two-factor authentication (RFC 6238 with liboath:
 * HMAC-SHA-1, 6 digits, 30-second steps, +-1 step of clock drift), and the
 * recovery codes that stand in for a code when the authenticator is lost.
 *
 * What is here: making a secret (libsodium's CSPRNG), its base32 text and the
 * otpauth:// URI an authenticator app reads (as a QR code: crypto/qrsvg.h),
 * checking a code with replay refusal, normalising what a client sends as the
 * code (a JSON string or a JSON number), and making, normalising and hashing
 * recovery codes. What is not: storage (the secret is kept sealed, crypto/sealed.h),
 * the last used step, the recovery hashes, and the rules of who may do what
 * (core/).
 *
 * totp_global_init() must be called once at start-up (after sodium_init(), before
 * threads), as sodium_init() is.
 */
#ifndef PP_TOTP_H
#define PP_TOTP_H

#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"

#define TOTP_SECRET_BYTES   20 /* 160 bits, RFC 4226's recommended length */
#define TOTP_SECRET_B32_MAX 33 /* base32 of 20 bytes: 32 characters, no padding, + NUL */
#define TOTP_DIGITS         6
#define TOTP_PERIOD_S       30
#define TOTP_WINDOW         1   /* steps accepted either side of the current one */
#define TOTP_CODE_LEN       7   /* 6 digits + NUL */
#define TOTP_ATTEMPT_IN_MAX 32  /* longest attempt text looked at (spaces included) */
#define TOTP_LABEL_MAX      128 /* bytes of the issuer and of the account name */
#define TOTP_URI_MAX        1024
#define TOTP_STEP_NONE      (-1) /* "no step used yet", for totp_verify's last_step */

/* Calls oath_init(). 0, or PP_EIO when liboath cannot start. */
int totp_global_init(void);

/* A new random secret (libsodium randombytes_buf). */
void totp_secret_new(unsigned char out[TOTP_SECRET_BYTES]);

/*
 * The secret as RFC 4648 base32 (upper case, '=' padding removed), the text a user
 * types into an authenticator by hand. len is 1..TOTP_SECRET_BYTES.
 * 0, PP_EINVAL (bad len) or PP_ENOMEM.
 */
int totp_secret_base32(const unsigned char *secret, size_t len, char out[TOTP_SECRET_B32_MAX]);

/*
 * Appends to out the Key URI an authenticator reads:
 *   otpauth://totp/<issuer>:<account>?secret=<base32>&issuer=<issuer>
 *     &algorithm=SHA1&digits=6&period=30
 * issuer and account are percent-encoded (every byte but RFC 3986's unreserved
 * A-Z a-z 0-9 - . _ ~; a space is %20). Both must be 1..TOTP_LABEL_MAX bytes with no
 * ':' (the label's separator, which authenticators split on even when encoded) and no
 * control character: PP_EINVAL otherwise. PP_ETOOBIG when out's cap is hit (out is
 * then left as it was), PP_ENOMEM.
 */
int totp_uri(const char *issuer, const char *account, const unsigned char *secret, size_t len,
             struct buf *out);

/* The code for the step holding time t_s (seconds since the epoch, >= 0). 0 or PP_EINVAL. */
int totp_code(const unsigned char *secret, size_t len, int64_t t_s, char out[TOTP_CODE_LEN]);

/*
 * Checks a normalised code (6 digits: see totp_normalize_attempt*) at time t_s
 * (seconds; a core use case passes cx->now / 1000) against the steps t-1, t, t+1.
 * A code is good once: the caller keeps the step of the last accepted code and
 * passes it as last_step (TOTP_STEP_NONE when none); a match at a step <= last_step
 * is a replay.
 * Returns 0 and sets *step to the matched step (which the caller stores, in the same
 * transaction, as the new last step), PP_EAUTH when no step in the window matches,
 * PP_EEXPIRED when the code matches a step already used (a replay; a caller that
 * does not want to tell the two apart treats both as a wrong code), PP_EINVAL for a
 * code that is not 6 digits, a bad secret length or a negative time.
 * The comparison is constant-time.
 */
int totp_verify(const unsigned char *secret, size_t len, int64_t t_s, const char *code,
                int64_t last_step, int64_t *step);

/*
 * Pure parsers of the "attempt" a client sends (fuzzed: fuzz/fuzz_totp_attempt.c).
 * From a JSON string: ASCII spaces anywhere are dropped ("123 456" as apps show it),
 * what is left must be exactly 6 digits. From a JSON number: 0..999999, left-padded
 * with zeros (the npm client sends 012345 as the number 12345). Both write the
 * 6 digits + NUL to out and return 0, or PP_EINVAL (out is then "").
 * A string longer than TOTP_ATTEMPT_IN_MAX bytes is refused unread.
 */
int totp_normalize_attempt(const char *in, char out[TOTP_CODE_LEN]);
int totp_normalize_attempt_int(int64_t n, char out[TOTP_CODE_LEN]);

/*
 * Recovery codes: "xxxx-xxxx", 8 characters of Crockford's base32 alphabet
 * (0-9 a-z without i l o u: nothing to confuse), so 40 random bits each.
 * Single use; the caller stores only their hashes (totp_recovery_hash) and shows the
 * codes once.
 */
#define TOTP_RECOVERY_COUNT     10
#define TOTP_RECOVERY_CHARS     8  /* 5 bits each */
#define TOTP_RECOVERY_LEN       10 /* "xxxx-xxxx" + NUL */
#define TOTP_RECOVERY_IN_MAX    64 /* longest user input looked at */
#define TOTP_RECOVERY_KEY_BYTES 32
#define TOTP_RECOVERY_HASH_LEN  65 /* 32 bytes as lower-case hex + NUL */

/* n (1..TOTP_RECOVERY_COUNT) fresh codes into codes[0..n-1]. 0 or PP_EINVAL. */
int totp_recovery_codes(size_t n, char codes[][TOTP_RECOVERY_LEN]);

/*
 * Pure: what a user typed -> the canonical "xxxx-xxxx". Case is ignored, spaces and
 * dashes anywhere are dropped, and Crockford's look-alikes are read as what they look
 * like (o -> 0, i and l -> 1). 0, or PP_EINVAL (out is then "").
 */
int totp_recovery_normalize(const char *in, char out[TOTP_RECOVERY_LEN]);

/*
 * The stored form of a canonical recovery code: keyed BLAKE2b-256 (libsodium
 * crypto_generichash) under a server key, as lower-case hex. A fast keyed hash is
 * enough here, unlike for passwords: a code carries 40 random bits, so a stolen table
 * of hashes cannot be searched by guessing likely inputs, and without the key
 * (kept apart from the table, e.g. store_server_secret(c, "tfa_recovery", key, 32))
 * it cannot be searched at all. Equal codes give equal hashes, so the caller finds
 * a code by its hash. 0 or PP_EINVAL (code not canonical).
 */
int totp_recovery_hash(const unsigned char key[TOTP_RECOVERY_KEY_BYTES], const char *code,
                       char out[TOTP_RECOVERY_HASH_LEN]);

#endif
