/* credentials.c - resolving a token, a bearer JWT or a session cookie (see credentials.h). */
#include "core/credentials.h"
#include "core/sessions.h"
#include "crypto/jwt.h"
#include "crypto/jwtcache.h"
#include "crypto/rand.h"
#include "store/store_acct.h"
#include "util/err.h"

#include <string.h>

void cred_token_touch(const struct core_ctx *cx, const struct token_rec *t)
{
	if (cx->now - t->last_used_at >= CRED_TOUCH_MS)
		(void)store_token_touch(cx->db, t->id, cx->now);
}

int cred_token(const struct core_ctx *cx, const char *secret, struct user_rec *u,
               struct token_rec *t)
{
	char hash[RAND_SHA256_HEX_LEN];
	rand_sha256_hex(secret, strlen(secret), hash);
	int rc = store_auth_token_by_hash(cx->db, hash, t, u);
	if (rc == PP_ENOTFOUND)
		rc = PP_EAUTH;
	if (rc)
		goto out;
	cred_token_touch(cx, t);
out:
	if (rc) {
		memset(u, 0, sizeof *u);
		memset(t, 0, sizeof *t);
	}
	return rc;
}

int cred_jwt(const struct core_ctx *cx, const char *jwt, struct user_rec *u, struct token_rec *t)
{
	struct jwt_claims c;
	int64_t now_s = cx->now / 1000;
	size_t len = strlen(jwt);
	int rc = jwtcache_get(cx->app->jwts, jwt, len, now_s, &c);
	if (rc == PP_ENOTFOUND) {
		if ((rc = jwt_verify(cx->app->jwt_key, jwt, len, now_s, &c)) != 0)
			goto out;
		jwtcache_put(cx->app->jwts, jwt, len, &c);
	}
	/* revocation: the token must still exist with the same secret version, and
	 * the account's auth epoch (bumped on password change) must match */
	rc = store_auth_token_by_id(cx->db, c.tid, t, u);
	if (rc == PP_ENOTFOUND)
		rc = PP_EAUTH;
	if (rc)
		goto out;
	if (t->version != c.tv || strcmp(t->user_id, c.sub) != 0 || u->auth_epoch != c.ae) {
		rc = PP_EAUTH;
		goto out;
	}
	cred_token_touch(cx, t);
out:
	if (rc) {
		memset(u, 0, sizeof *u);
		memset(t, 0, sizeof *t);
	}
	return rc;
}

int cred_session(const struct core_ctx *cx, const char *cookie, struct user_rec *u,
                 struct session_rec *s)
{
	char hash[RAND_SHA256_HEX_LEN];
	rand_sha256_hex(cookie, strlen(cookie), hash);
	int rc = store_auth_session_by_hash(cx->db, hash, s, u);
	if (rc)
		goto out;
	if (s->expires_at <= cx->now) {
		rc = PP_ENOTFOUND;
		goto out;
	}
	if (cx->now - s->last_seen_at >= CRED_TOUCH_MS) {
		int64_t exp = cx->now + SESSIONS_IDLE_MS;
		if (exp > s->created_at + SESSIONS_MAX_MS)
			exp = s->created_at + SESSIONS_MAX_MS;
		(void)store_session_touch(cx->db, s->id, cx->now, exp);
	}
out:
	if (rc) {
		memset(u, 0, sizeof *u);
		memset(s, 0, sizeof *s);
	}
	return rc;
}
