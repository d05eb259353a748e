/*
 * sessions.h - browser sessions: the dashboard's password login that opens
 * one (a new id, cookie secret and CSRF token at every login; the session the
 * browser had is dropped), logging out, listing the account's live sessions
 * and revoking one. The cookie secret is stored only as its SHA-256; the
 * lifetimes below are checked by cred_session() (core/credentials.h).
 */
#ifndef PP_SESSIONS_H
#define PP_SESSIONS_H

#include "core/core.h"
#include "core/login.h"
#include "crypto/rand.h"

#define SESSIONS_IDLE_MS      (30 * 60 * 1000) /* ASVS 3.3.2 L2 */
#define SESSIONS_MAX_MS       (12 * 3600 * 1000)
#define SESSIONS_SECRET_BYTES 32 /* the cookie value */
#define SESSIONS_CSRF_BYTES   32
#define SESSIONS_SECRET_MAX   RAND_SECRET_MAX

/*
 * Checks login, password and the second factor otp (NULL: none; login_password_otp(),
 * after a length check) and, on
 * LOGIN_OK, deletes the session old (may be NULL: the browser had none) and
 * opens a new one for *u from cx->ip and cx->user_agent: *s, and in secret the
 * cookie value (the caller wipes it). Returns 0 with *res set (*retry_ms for
 * LOGIN_LOCKED / LOGIN_THROTTLED), or a PP_E* code when the store failed.
 */
int sessions_login(const struct core_ctx *cx, const char *login, const char *password,
                   const char *otp, const struct session_rec *old, struct user_rec *u,
                   struct session_rec *s, char secret[SESSIONS_SECRET_MAX], enum login_result *res,
                   int64_t *retry_ms);
/* Ends the session id of user_id; one already gone is not an error. */
int sessions_logout(const struct core_ctx *cx, const char *user_id, const char *id);
/* Calls cb for each live session of user_id, newest first. */
int sessions_list(const struct core_ctx *cx, const char *user_id,
                  void (*cb)(const struct session_rec *, void *), void *arg);
/* Revokes the session id of user_id; PP_ENOTFOUND when user_id has no such session. */
int sessions_revoke(const struct core_ctx *cx, const char *user_id, const char *id);

#endif
