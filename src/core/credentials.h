/*
 * credentials.h - who a credential belongs to: the rules behind the
 * authentication gate, with no HTTP in them. An API token is looked up by the
 * SHA-256 of its secret; a bearer JWT must carry a valid HS256 signature and
 * still name a live token of the same secret version and the account's
 * current auth epoch (a renewed or deleted token, or a password change,
 * revokes every JWT issued before); a browser session is looked up by the
 * SHA-256 of its cookie and must be within its idle and absolute lifetimes.
 * Each use records the last use (token last_used_at, session last_seen_at and
 * sliding expiry) at most once per CRED_TOUCH_MS, best effort.
 */
#ifndef PP_CREDENTIALS_H
#define PP_CREDENTIALS_H

#include "core/core.h"

#define CRED_TOUCH_MS 60000 /* last_used_at / last_seen_at written at most once a minute */

/*
 * An API token secret ("tk-us-..."). 0 with *u and *t filled; PP_EAUTH when no
 * live token has that secret; another PP_E* code when the store failed.
 */
int cred_token(const struct core_ctx *cx, const char *secret, struct user_rec *u,
               struct token_rec *t);
/*
 * A bearer JWT. 0 with *u and *t (the API token it was exchanged for) filled;
 * PP_EAUTH when invalid or revoked, PP_EEXPIRED when only expired; another
 * PP_E* code when the store failed.
 */
int cred_jwt(const struct core_ctx *cx, const char *jwt, struct user_rec *u, struct token_rec *t);
/*
 * A session cookie value. 0 with *u and *s filled when it names a live session
 * (its expiry slides, capped by the absolute lifetime); PP_ENOTFOUND when it
 * names none or an expired one (the caller is anonymous); another PP_E* code
 * when the store failed.
 */
int cred_session(const struct core_ctx *cx, const char *cookie, struct user_rec *u,
                 struct session_rec *s);
/* Records a use of the token at cx->now, when the last one is CRED_TOUCH_MS old. Best effort. */
void cred_token_touch(const struct core_ctx *cx, const struct token_rec *t);

#endif
