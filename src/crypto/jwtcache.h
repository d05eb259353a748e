/*
 * jwtcache.h - a bounded cache of bearer JWTs whose signature was already
 * verified, so a client sending the same JWT on every request pays the HMAC,
 * base64 and JSON decoding once. Only what jwt_verify() accepted goes in; a
 * hit requires the very same token text (compared in constant time) and is
 * refused once the token has expired. Revocation is not the cache's business:
 * the caller still checks the token and the account in the store.
 */
#ifndef PP_JWTCACHE_H
#define PP_JWTCACHE_H

#include "crypto/jwt.h"

#define JWTCACHE_SLOTS 256 /* direct-mapped; about 300 KiB */

struct jwtcache;

int jwtcache_new(struct jwtcache **out);
void jwtcache_free(struct jwtcache *c);
/* 0 and *claims on a hit that has not expired at now_s; PP_ENOTFOUND otherwise. */
int jwtcache_get(struct jwtcache *c, const char *token, size_t len, int64_t now_s,
                 struct jwt_claims *claims);
void jwtcache_put(struct jwtcache *c, const char *token, size_t len,
                  const struct jwt_claims *claims);

#endif
