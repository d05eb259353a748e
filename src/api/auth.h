/*
 * auth.h - who is calling: session cookie, API token, bearer JWT or (on
 * routes that allow it) Basic login:password; and the password login with its
 * throttles and lock-out, shared by POST /v1/session and POST /v1/tokens.
 */
#ifndef PP_AUTH_H
#define PP_AUTH_H

#include "http/http.h"

#define AUTH_LOCK_THRESHOLD  10               /* failed logins in a row */
#define AUTH_LOCK_MS         (15 * 60 * 1000) /* lock duration */
#define AUTH_SESSION_IDLE_MS (30 * 60 * 1000) /* ASVS 3.3.2 L2 */
#define AUTH_SESSION_MAX_MS  (12 * 3600 * 1000)
#define AUTH_TOUCH_MS        60000 /* last_used_at / last_seen_at written at most once a minute */
#define AUTH_TOKEN_PREFIX    "tk-us-"
#define AUTH_TOKEN_BYTES     32 /* 256 bits */
#define AUTH_BASIC_MAX       1024

/*
 * Resolves the request's credentials into r->auth/r->user. Returns 0 (also
 * when there are none), PP_EAUTH/PP_EEXPIRED for bad ones; PP_EBUSY or
 * PP_ELOCKED after having replied 429 itself.
 */
int auth_request(struct req *r);
/* 1 when X-CSRF-Token matches the session's token. */
int auth_csrf_ok(struct req *r);

/*
 * Password login. 0 and *u on success. On failure replies itself and returns
 * non-zero: 401 invalid credentials (same for unknown login), 429 throttled
 * or locked. Records login_success / login_failure / login_lock events.
 */
int auth_password_login(struct req *r, const char *login, const char *password, struct user_rec *u);

/* Decodes "Basic base64(user:pass)". Pure. PP_EINVAL when malformed. */
int auth_parse_basic(const char *header, char *user, size_t ucap, char *pass, size_t pcap);

/* Makes a new API token secret and its SHA-256 hex. */
void auth_new_token_secret(char secret[96], char hash[65]);

#endif
