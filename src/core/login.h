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
 * The second factor (core/tfa.h) is one more result, LOGIN_NEED_OTP.
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
	LOGIN_NEED_OTP,  /* the password was right but the account has 2FA and no code, or a
	                  * wrong one (counted as a failed login), was given */
};

/*
 * Checks login (username or email) and password. Returns 0 with *res set, or a PP_E*
 * code when the store failed (then *res means nothing). *retry_ms is set for
 * LOGIN_LOCKED and LOGIN_THROTTLED.
 */
int login_password(const struct core_ctx *cx, const char *login, const char *password,
                   struct user_rec *u, enum login_result *res, int64_t *retry_ms);

/*
 * login_password with the second factor: otp (NULL or "": none) is a TOTP code or a
 * recovery code (core/tfa.h), looked at only once the password was right, and
 * only when the account has 2FA; a wrong one counts as a failed login. A used
 * recovery code is consumed. login_password is this with otp NULL: an account with
 * 2FA then answers LOGIN_NEED_OTP, never LOGIN_OK.
 */
int login_password_otp(const struct core_ctx *cx, const char *login, const char *password,
                       const char *otp, struct user_rec *u, enum login_result *res,
                       int64_t *retry_ms);

/*
 * The gate of a second-factor code checked outside a login (the 2FA routes, the
 * password reset, the email change) for the account u: the same throttles as a
 * login and the lock. *res is LOGIN_OK to go on, LOGIN_LOCKED or LOGIN_THROTTLED
 * (with *retry_ms) otherwise.
 */
int login_code_gate(const struct core_ctx *cx, const struct user_rec *u, enum login_result *res,
                    int64_t *retry_ms);
/* A wrong second-factor code for u: counted as a wrong password is (lock-out,
 * login_failure / login_lock events, unlock mail). Its own transaction. */
int login_code_failed(const struct core_ctx *cx, const struct user_rec *u);
/*
 * For an identified account (reset link, email change): nothing when it has no
 * 2FA (*res LOGIN_OK); otherwise the gate, then otp as a TOTP or recovery code:
 * LOGIN_OK when accepted (consumed), LOGIN_NEED_OTP when missing or wrong (a wrong
 * one counted by login_code_failed), LOGIN_LOCKED / LOGIN_THROTTLED.
 */
int login_second_factor(const struct core_ctx *cx, const struct user_rec *u, const char *otp,
                        enum login_result *res, int64_t *retry_ms);

/*
 * Checks the password of the account user_id as a login does (same throttles,
 * lock and lock-out counter, rehash, login_failure / login_lock events; no
 * login_success event). The same results, LOGIN_BAD for a wrong password.
 */
int login_verify(const struct core_ctx *cx, const char *user_id, const char *password,
                 enum login_result *res, int64_t *retry_ms);

#endif
