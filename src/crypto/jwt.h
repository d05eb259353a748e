/*
 * jwt.h - HS256 bearer tokens, with the algorithm pinned.
 *
 * Claims we issue: sub (user id), tid (API token id), tv (token version),
 * ae (user auth epoch), iat, exp. jwt_verify() accepts only a header of exactly
 * alg HS256 (typ JWT optional): "none" and every other algorithm are refused.
 * Pure functions apart from jwt_sign's use of the clock value passed in.
 */
#ifndef PP_JWT_H
#define PP_JWT_H

#include <stddef.h>
#include <stdint.h>

#define JWT_KEY_LEN 32
#define JWT_MAX_LEN 1024
#define JWT_TTL_S   3600

struct jwt_claims {
	char sub[64];
	char tid[64];
	int64_t tv;
	int64_t ae;
	int64_t iat;
	int64_t exp;
};

/* Writes a compact JWT (NUL-terminated) into out[JWT_MAX_LEN]. */
int jwt_sign(const unsigned char key[JWT_KEY_LEN], const struct jwt_claims *c, char *out);

/*
 * Parses and verifies token (len bytes). Returns 0 and fills *c when the
 * signature is valid and now_s < exp; PP_EAUTH otherwise (PP_EEXPIRED when only
 * the expiry fails).
 */
int jwt_verify(const unsigned char key[JWT_KEY_LEN], const char *token, size_t len, int64_t now_s,
               struct jwt_claims *c);

#endif
