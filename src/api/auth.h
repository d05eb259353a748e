/*
 * auth.h - who is calling: session cookie, API token, bearer JWT or (on
 * routes that allow it) Basic login:password, through the password login use
 * case of core/login.h.
 */
#ifndef PP_AUTH_H
#define PP_AUTH_H

#include "api/req.h"

#define AUTH_SESSION_IDLE_MS (30 * 60 * 1000) /* ASVS 3.3.2 L2 */
#define AUTH_SESSION_MAX_MS  (12 * 3600 * 1000)
#define AUTH_TOUCH_MS        60000 /* last_used_at / last_seen_at written at most once a minute */
#define AUTH_TOKEN_PREFIX    "tk-us-"
#define AUTH_TOKEN_BYTES     32 /* 256 bits */
#define AUTH_BASIC_MAX       1024
#define AUTH_COOKIE_MAX      128 /* a longer session cookie is none of ours */

/*
 * The authentication gate: resolves the request's credentials into
 * r->auth/r->user. Returns 0 (also when there are none), PP_EAUTH/PP_EEXPIRED
 * for bad ones, PP_EBUSY/PP_ELOCKED (r->fail.retry_ms set) when a Basic
 * password login is throttled or the account locked, another PP_E* code when
 * the store failed. Never answers: the dispatch does.
 */
int auth_request(struct req *r);
/* 1 when X-CSRF-Token matches the session's token. */
int auth_csrf_ok(struct req *r);

/* Decodes "Basic base64(user:pass)". Pure. PP_EINVAL when malformed. */
int auth_parse_basic(const char *header, char *user, size_t ucap, char *pass, size_t pcap);

/* Makes a new API token secret and its SHA-256 hex. */
void auth_new_token_secret(char secret[96], char hash[65]);

#endif
