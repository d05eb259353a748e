/*
 * auth.h - the authentication gate's request side: which credential the
 * request carries (a bearer API token or JWT, Basic login:password on routes
 * that allow it, or the session cookie), parsed here and resolved by the use
 * cases of core/credentials.h and core/login.h into r->auth/r->user; and the
 * CSRF check of session requests.
 */
#ifndef PP_AUTH_H
#define PP_AUTH_H

#include "api/req.h"

#define AUTH_BASIC_MAX  1024 /* base64 characters of a Basic header */
#define AUTH_COOKIE_MAX 128  /* a longer session cookie is none of ours */

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

#endif
