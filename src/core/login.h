/*
 * login.h - the password login use case, shared by the dashboard's
 * POST /v1/session and the Basic logins of POST /v1/tokens and the other
 * Basic routes: per-IP and per-login throttles before any hashing, the
 * lock-out after AUTH_LOCK_THRESHOLD failures in a row, rehash on changed
 * parameters, and the login_success / login_failure / login_lock events.
 * A second factor slots in here as one more result.
 */
#ifndef PP_LOGIN_H
#define PP_LOGIN_H

#include "core/core.h"

#define LOGIN_LOCK_THRESHOLD 10               /* failed logins in a row */
#define LOGIN_LOCK_MS        (15 * 60 * 1000) /* lock duration */
#define LOGIN_WINDOW_MS      60000            /* the throttles count per minute */

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

#endif
