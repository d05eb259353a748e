/* auth.c - the credential a request carries, and the CSRF check (see auth.h). */
#include "api/auth.h"
#include "api/api.h"
#include "core/credentials.h"
#include "core/login.h"
#include "core/tokens.h"
#include "crypto/pw.h"
#include "util/err.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

int auth_parse_basic(const char *header, char *user, size_t ucap, char *pass, size_t pcap)
{
	unsigned char dec[AUTH_BASIC_MAX];
	size_t n;
	if (strncasecmp(header, "Basic ", 6) != 0)
		return PP_EINVAL;
	const char *b = header + 6;
	while (*b == ' ')
		b++;
	if (strlen(b) > AUTH_BASIC_MAX ||
	    sodium_base642bin(dec, sizeof dec - 1, b, strlen(b), NULL, &n, NULL,
	                      sodium_base64_VARIANT_ORIGINAL) != 0)
		return PP_EINVAL;
	dec[n] = 0;
	if (memchr(dec, 0, n))
		return PP_EINVAL;
	const char *colon = memchr(dec, ':', n);
	if (!colon)
		return PP_EINVAL;
	size_t ul = (size_t)(colon - (const char *)dec), pl = n - ul - 1;
	if (ul >= ucap || pl >= pcap)
		return PP_EINVAL;
	memcpy(user, dec, ul);
	user[ul] = 0;
	memcpy(pass, colon + 1, pl);
	pass[pl] = 0;
	sodium_memzero(dec, sizeof dec);
	return 0;
}

/* Bearer tk-us-... (an API token) or Bearer <JWT>. */
static int auth_bearer(struct req *r, const char *tok)
{
	struct core_ctx cx = api_ctx(r);
	struct token_rec t;
	int jwt = strncmp(tok, TOKENS_PREFIX, strlen(TOKENS_PREFIX)) != 0;
	int rc = jwt ? cred_jwt(&cx, tok, &r->user, &t) : cred_token(&cx, tok, &r->user, &t);
	if (rc)
		return rc;
	snprintf(r->token_id, sizeof r->token_id, "%s", t.id);
	r->auth = jwt ? AUTH_JWT : AUTH_TOKEN;
	return 0;
}

/* The session cookie; a stale or expired one leaves the request anonymous. */
static int auth_session(struct req *r, const char *cookie)
{
	struct core_ctx cx = api_ctx(r);
	int rc = cred_session(&cx, cookie, &r->user, &r->session);
	if (rc == PP_ENOTFOUND)
		return 0;
	if (rc)
		return rc;
	r->auth = AUTH_SESSION;
	return 0;
}

/* Basic login:password on a route that takes it: the password login use case. */
static int auth_basic(struct req *r, const char *h)
{
	char user[TXT(EMAIL_MAX)], pass[PW_MAX_CHARS * 4 + 1];
	if (auth_parse_basic(h, user, sizeof user, pass, sizeof pass) != 0)
		return PP_EAUTH;
	if (user[0] == 0) {
		sodium_memzero(pass, sizeof pass);
		return 0; /* ":token" form: the exchange handler reads it */
	}
	struct core_ctx cx = api_ctx(r);
	enum login_result res;
	/* the second factor of a Basic login (Scalingo's header) */
	const char *otp = req_header(r, "X-Authorization-OTP");
	int rc = login_password_otp(&cx, user, pass, otp, &r->user, &res, &r->fail.retry_ms);
	sodium_memzero(pass, sizeof pass);
	if (rc == 0 && res == LOGIN_OK) {
		r->auth = AUTH_BASIC;
		return 0;
	}
	memset(&r->user, 0, sizeof r->user);
	/* a store failure stays what it is (503, 500...), never a 401 */
	return rc ? rc : api_login_failure(r, res);
}

int auth_request(struct req *r)
{
	const char *h = req_header(r, "Authorization");
	r->auth = AUTH_NONE;
	if (h && strncasecmp(h, "Bearer ", 7) == 0) {
		const char *tok = h + 7;
		while (*tok == ' ')
			tok++;
		return auth_bearer(r, tok);
	}
	if (h && strncasecmp(h, "Basic ", 6) == 0)
		return (r->route->flags & ROUTE_BASIC) ? auth_basic(r, h) : PP_EAUTH;
	if (h)
		return PP_EAUTH;
	const char *cookie = req_cookie(r, REQ_SESSION_COOKIE);
	if (cookie && *cookie && strlen(cookie) < AUTH_COOKIE_MAX)
		return auth_session(r, cookie);
	return 0;
}

int auth_csrf_ok(struct req *r)
{
	const char *t = req_header(r, "X-CSRF-Token");
	size_t n = strlen(r->session.csrf_token);
	return t && n > 0 && strlen(t) == n && sodium_memcmp(t, r->session.csrf_token, n) == 0;
}
