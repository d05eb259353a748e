/* auth.c - credential resolution and the CSRF check (see auth.h). */
#include "api/auth.h"
#include "api/api.h"
#include "core/login.h"
#include "crypto/jwt.h"
#include "crypto/jwtcache.h"
#include "crypto/pw.h"
#include "crypto/rand.h"
#include "store/store_acct.h"
#include "util/clock.h"
#include "util/err.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

void auth_new_token_secret(char secret[96], char hash[65])
{
	char b64[RAND_SECRET_MAX];
	rand_secret_b64(AUTH_TOKEN_BYTES, b64);
	snprintf(secret, 96, "%s%s", AUTH_TOKEN_PREFIX, b64);
	rand_sha256_hex(secret, strlen(secret), hash);
}

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

static void touch_token(struct req *r, const struct token_rec *t, int64_t now)
{
	if (now - t->last_used_at >= AUTH_TOUCH_MS)
		store_token_touch(req_db(r), t->id, now);
}

static int auth_raw_token(struct req *r, const char *tok)
{
	char hash[RAND_SHA256_HEX_LEN];
	struct token_rec t;
	rand_sha256_hex(tok, strlen(tok), hash);
	int rc = store_auth_token_by_hash(req_db(r), hash, &t, &r->user);
	if (rc == PP_ENOTFOUND)
		return PP_EAUTH;
	if (rc)
		return rc;
	touch_token(r, &t, clock_now_ms(&r->app->clock));
	snprintf(r->token_id, sizeof r->token_id, "%s", t.id);
	r->auth = AUTH_TOKEN;
	return 0;
}

static int auth_jwt(struct req *r, const char *tok)
{
	struct jwt_claims c;
	struct token_rec t;
	int64_t now = clock_now_ms(&r->app->clock);
	size_t len = strlen(tok);
	int rc = jwtcache_get(r->app->jwts, tok, len, now / 1000, &c);
	if (rc == PP_ENOTFOUND) {
		if ((rc = jwt_verify(r->app->jwt_key, tok, len, now / 1000, &c)) != 0)
			return rc;
		jwtcache_put(r->app->jwts, tok, len, &c);
	}
	/* revocation: the token must still exist with the same secret version, and
	 * the account's auth epoch (bumped on password change) must match */
	rc = store_auth_token_by_id(req_db(r), c.tid, &t, &r->user);
	if (rc == PP_ENOTFOUND)
		return PP_EAUTH;
	if (rc)
		return rc;
	if (t.version != c.tv || strcmp(t.user_id, c.sub) != 0 || r->user.auth_epoch != c.ae) {
		memset(&r->user, 0, sizeof r->user);
		return PP_EAUTH;
	}
	touch_token(r, &t, now);
	snprintf(r->token_id, sizeof r->token_id, "%s", t.id);
	r->auth = AUTH_JWT;
	return 0;
}

static int auth_session(struct req *r, const char *cookie)
{
	char hash[RAND_SHA256_HEX_LEN];
	int64_t now = clock_now_ms(&r->app->clock);
	rand_sha256_hex(cookie, strlen(cookie), hash);
	int rc = store_auth_session_by_hash(req_db(r), hash, &r->session, &r->user);
	if (rc == PP_ENOTFOUND)
		return 0; /* stale cookie: anonymous */
	if (rc)
		return rc;
	if (r->session.expires_at <= now) {
		memset(&r->user, 0, sizeof r->user);
		return 0;
	}
	if (now - r->session.last_seen_at >= AUTH_TOUCH_MS) {
		int64_t exp = now + AUTH_SESSION_IDLE_MS;
		if (exp > r->session.created_at + AUTH_SESSION_MAX_MS)
			exp = r->session.created_at + AUTH_SESSION_MAX_MS;
		store_session_touch(req_db(r), r->session.id, now, exp);
	}
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
	int rc = login_password(&cx, user, pass, &r->user, &res, &r->fail.retry_ms);
	sodium_memzero(pass, sizeof pass);
	if (rc)
		return rc;
	if (res == LOGIN_OK) {
		r->auth = AUTH_BASIC;
		return 0;
	}
	memset(&r->user, 0, sizeof r->user);
	return api_login_failure(r, res);
}

int auth_request(struct req *r)
{
	const char *h = req_header(r, "Authorization");
	r->auth = AUTH_NONE;
	if (h && strncasecmp(h, "Bearer ", 7) == 0) {
		const char *tok = h + 7;
		while (*tok == ' ')
			tok++;
		if (strncmp(tok, AUTH_TOKEN_PREFIX, strlen(AUTH_TOKEN_PREFIX)) == 0)
			return auth_raw_token(r, tok);
		return auth_jwt(r, tok);
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
