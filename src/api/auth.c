/* auth.c - credential resolution, CSRF check and password login (see auth.h). */
#include "api/auth.h"
#include "core/events.h"
#include "crypto/jwt.h"
#include "crypto/jwtcache.h"
#include "crypto/pw.h"
#include "crypto/rand.h"
#include "http/ratelimit.h"
#include "util/err.h"
#include "util/timeutil.h"

#include <ctype.h>
#include <microhttpd.h>
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
	touch_token(r, &t, time_now_ms());
	snprintf(r->token_id, sizeof r->token_id, "%s", t.id);
	r->auth = AUTH_TOKEN;
	return 0;
}

static int auth_jwt(struct req *r, const char *tok)
{
	struct jwt_claims c;
	struct token_rec t;
	int64_t now = time_now_ms();
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

/* Finds pp_session=VALUE in the Cookie header. */
static int session_cookie(struct req *r, char *out, size_t cap)
{
	const char *v = MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, HTTP_SESSION_COOKIE);
	if (!v || !*v || strlen(v) >= cap)
		return PP_ENOTFOUND;
	snprintf(out, cap, "%s", v);
	return 0;
}

static int auth_session(struct req *r, const char *cookie)
{
	char hash[RAND_SHA256_HEX_LEN];
	int64_t now = time_now_ms();
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

int auth_request(struct req *r)
{
	const char *h = req_header(r, MHD_HTTP_HEADER_AUTHORIZATION);
	r->auth = AUTH_NONE;
	if (h && strncasecmp(h, "Bearer ", 7) == 0) {
		const char *tok = h + 7;
		while (*tok == ' ')
			tok++;
		if (strncmp(tok, AUTH_TOKEN_PREFIX, strlen(AUTH_TOKEN_PREFIX)) == 0)
			return auth_raw_token(r, tok);
		return auth_jwt(r, tok);
	}
	if (h && strncasecmp(h, "Basic ", 6) == 0) {
		if (!(r->route->flags & ROUTE_BASIC))
			return PP_EAUTH;
		char user[TXT(EMAIL_MAX)], pass[PW_MAX_CHARS * 4 + 1];
		if (auth_parse_basic(h, user, sizeof user, pass, sizeof pass) != 0)
			return PP_EAUTH;
		if (user[0] == 0) {
			sodium_memzero(pass, sizeof pass);
			return 0; /* ":token" form: the exchange handler reads it */
		}
		int rc = auth_password_login(r, user, pass, &r->user);
		sodium_memzero(pass, sizeof pass);
		if (rc)
			return r->status == 429 ? PP_EBUSY : PP_EAUTH;
		r->auth = AUTH_BASIC;
		return 0;
	}
	if (h)
		return PP_EAUTH;
	char cookie[128];
	if (session_cookie(r, cookie, sizeof cookie) == 0)
		return auth_session(r, cookie);
	return 0;
}

int auth_csrf_ok(struct req *r)
{
	const char *t = req_header(r, "X-CSRF-Token");
	size_t n = strlen(r->session.csrf_token);
	return t && n > 0 && strlen(t) == n && sodium_memcmp(t, r->session.csrf_token, n) == 0;
}

static void login_event(struct req *r, const char *type, const char *user_id)
{
	events_add(req_db(r), type, user_id, NULL, NULL, events_data_remote_ip(r->ip));
}

int auth_password_login(struct req *r, const char *login, const char *password, struct user_rec *u)
{
	const struct config *cfg = r->app->cfg;
	int64_t now = time_now_ms(), retry;
	char key[TXT(EMAIL_MAX) + 16];
	int rc;

	/* throttles come before any hashing: they also cap the memory spent on argon2 */
	snprintf(key, sizeof key, "login-ip:%s", r->ip);
	if (rl_hit(r->app->rl, key, cfg->login_ip_per_min, 60000, now, &retry) != 0)
		goto throttled;
	snprintf(key, sizeof key, "login:");
	for (size_t i = 0; login[i] && i + 7 < sizeof key; i++)
		key[6 + i] = (char)tolower((unsigned char)login[i]), key[7 + i] = 0;
	if (rl_hit(r->app->rl, key, cfg->login_account_per_min, 60000, now, &retry) != 0)
		goto throttled;

	rc = store_user_by_login(req_db(r), login, u);
	if (rc == PP_ENOTFOUND || (rc == 0 && u->password_hash[0] == 0)) {
		pw_verify_dummy(r->app->pw, password);
		reply_error(r, 401, "invalid credentials");
		return PP_EAUTH;
	}
	if (rc) {
		reply_rc(r, rc, "user");
		return rc;
	}
	if (u->locked_until > now) {
		retry = u->locked_until - now;
		reply_retry_after(r, retry);
		reply_error(r, 429,
		            "too many failed logins: the account is locked for a while, "
		            "retry later or reset the password");
		return PP_ELOCKED;
	}
	if (pw_verify(r->app->pw, u->password_hash, password) != 0) {
		int locked = 0;
		store_user_login_failed(req_db(r), u->id, now, AUTH_LOCK_THRESHOLD, AUTH_LOCK_MS,
		                        &locked);
		login_event(r, "login_failure", u->id);
		if (locked)
			login_event(r, "login_lock", u->id);
		reply_error(r, 401, "invalid credentials");
		return PP_EAUTH;
	}
	store_user_login_ok(req_db(r), u->id);
	if (pw_needs_rehash(r->app->pw, u->password_hash)) {
		char h[PW_HASH_MAX];
		if (pw_hash(r->app->pw, password, h) == 0 &&
		    store_user_set_password(req_db(r), u->id, h, 0) == 0)
			snprintf(u->password_hash, sizeof u->password_hash, "%s", h);
	}
	login_event(r, "login_success", u->id);
	return 0;
throttled:
	reply_retry_after(r, retry);
	return PP_EBUSY;
}
