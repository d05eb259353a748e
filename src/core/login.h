/*
 * login.h - the password login use case, shared by the dashboard's
 * POST /v1/session and the Basic logins of POST /v1/tokens and the other
 * Basic routes: per-IP and per-login throttles before any hashing, the
 * lock-out after AUTH_LOCK_THRESHOLD failures in a row, rehash on changed
 * parameters, and the login_success / login_failure / login_lock events.
 * At the lock the owner is mailed an unlock link (kind LOGIN_UNLOCK_LINK,
 * used by accounts_unlock). An unknown login name has a lock-out counter too
 * (util/ratelimit.c), so that once locked it is answered as a locked account.
 * login_verify is the same check for an account already identified (the
 * current password of a password change).
 * A second factor slots in here as one more result.
 */
#ifndef PP_LOGIN_H
#define PP_LOGIN_H

#include "core/core.h"

#define LOGIN_LOCK_THRESHOLD 10                   /* failed logins in a row */
#define LOGIN_LOCK_MS        (15 * 60 * 1000)     /* lock duration */
#define LOGIN_WINDOW_MS      60000                /* the throttles count per minute */
#define LOGIN_UNLOCK_TTL_MS  (24LL * 3600 * 1000) /* the mailed unlock link */
#define LOGIN_UNLOCK_LINK    "unlock"             /* its one-time link kind */

enum login_result {
	LOGIN_OK = 0,    /* *u is the account */
	LOGIN_BAD,       /* unknown login or wrong password (the same answer for both) */
	LOGIN_LOCKED,    /* too many failures: *retry_ms until the lock ends */
	LOGIN_THROTTLED, /* too many attempts from this address or for this login */
};

/*
 * Checks login (username or email) and password. Returns 0 with *res set, or a PP_E*
 * code when the store failed (then *res means nothing). *retry_ms is set for
 * LOGIN_LOCKED and LOGIN_THROTTLED.
 */
int login_password(const struct core_ctx *cx, const char *login, const char *password,
                   struct user_rec *u, enum login_result *res, int64_t *retry_ms);

/*
 * Checks the password of the account user_id as a login does (same throttles,
 * lock and lock-out counter, rehash, login_failure / login_lock events; no
 * login_success event). The same results, LOGIN_BAD for a wrong password.
 */
int login_verify(const struct core_ctx *cx, const char *user_id, const char *password,
                 enum login_result *res, int64_t *retry_ms);

#endif
