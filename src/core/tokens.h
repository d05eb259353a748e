/*
 * tokens.h - API tokens: 256 random bits behind the prefix "tk-us-", shown
 * once at creation or renewal and stored as SHA-256 only; the new_token,
 * regenerate_token and delete_token events; and the exchange of a token for
 * a one-hour HS256 bearer JWT (checked by cred_jwt(), core/credentials.h).
 */
#ifndef PP_TOKENS_H
#define PP_TOKENS_H

#include "core/core.h"
#include "crypto/jwt.h"

#define TOKENS_PREFIX     "tk-us-"
#define TOKENS_BYTES      32 /* 256 bits */
#define TOKENS_SECRET_MAX 96 /* prefix + base64url of TOKENS_BYTES + NUL fits */

/*
 * Creates a token named name for user_id: *t, and in secret its value (shown
 * once; the caller wipes it). PP_EINVAL with *name_error set when the name is
 * blank or invalid; another PP_E* code when the store failed.
 */
int tokens_create(const struct core_ctx *cx, const char *user_id, const char *name,
                  struct token_rec *t, char secret[TOKENS_SECRET_MAX], const char **name_error);
/* Calls cb for each token of user_id. */
int tokens_list(const struct core_ctx *cx, const char *user_id,
                void (*cb)(const struct token_rec *, void *), void *arg);
/* PP_ENOTFOUND when user_id has no token id. */
int tokens_get(const struct core_ctx *cx, const char *user_id, const char *id, struct token_rec *t);
/* A new secret for the token id of user_id (its version goes up, so JWTs issued for the old
 * one stop working): *t as it is now, the new value in secret (the caller wipes it). */
int tokens_renew(const struct core_ctx *cx, const char *user_id, const char *id,
                 struct token_rec *t, char secret[TOKENS_SECRET_MAX]);
/* Deletes the token id of user_id. PP_ENOTFOUND when there is none. */
int tokens_delete(const struct core_ctx *cx, const char *user_id, const char *id);
/*
 * A bearer JWT (JWT_TTL_S) for the token whose value is secret, signed with
 * the server key: PP_EAUTH when no token has that value.
 */
int tokens_exchange(const struct core_ctx *cx, const char *secret, char jwt[JWT_MAX_LEN]);

#endif
