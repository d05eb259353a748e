/* sessions.c - browser sessions: login, logout, list, revoke (see sessions.h). */
#include "core/sessions.h"
#include "core/valid.h"
#include "crypto/pw.h"
#include "store/store_acct.h"
#include "util/err.h"

#include <stdio.h>
#include <string.h>

/* A new session for u, stored by the hash of a new cookie secret. */
static int session_open(const struct core_ctx *cx, const struct user_rec *u, struct session_rec *s,
                        char secret[SESSIONS_SECRET_MAX])
{
	char hash[RAND_SHA256_HEX_LEN];
	memset(s, 0, sizeof *s);
	rand_id("se", s->id);
	snprintf(s->user_id, sizeof s->user_id, "%s", u->id);
	rand_secret_b64(SESSIONS_CSRF_BYTES, s->csrf_token);
	s->created_at = s->last_seen_at = cx->now;
	s->expires_at = cx->now + SESSIONS_IDLE_MS;
	snprintf(s->remote_ip, sizeof s->remote_ip, "%s", cx->ip);
	valid_utf8_copy(s->user_agent, sizeof s->user_agent, cx->user_agent, UA_MAX);
	rand_secret_b64(SESSIONS_SECRET_BYTES, secret);
	rand_sha256_hex(secret, strlen(secret), hash);
	return store_session_insert(cx->db, s, hash);
}

int sessions_login(const struct core_ctx *cx, const char *login, const char *password,
                   const char *otp, const struct session_rec *old, struct user_rec *u,
                   struct session_rec *s, char secret[SESSIONS_SECRET_MAX], enum login_result *res,
                   int64_t *retry_ms)
{
	int rc;
	secret[0] = 0;
	*retry_ms = 0;
	/* longer than any login or password we accept, even in 4-byte characters */
	if (strlen(login) > EMAIL_MAX * 4 || strlen(password) > PW_MAX_CHARS * 4) {
		*res = LOGIN_BAD;
		return 0;
	}
	if ((rc = login_password_otp(cx, login, password, otp, u, res, retry_ms)) != 0 ||
	    *res != LOGIN_OK)
		return rc;
	/* a new session id at every login; the one the browser had is dropped (best effort:
	 * it expires anyway) */
	if (old)
		(void)store_session_delete(cx->db, old->user_id, old->id);
	return session_open(cx, u, s, secret);
}

int sessions_logout(const struct core_ctx *cx, const char *user_id, const char *id)
{
	int rc = store_session_delete(cx->db, user_id, id);
	return rc == PP_ENOTFOUND ? 0 : rc;
}

int sessions_list(const struct core_ctx *cx, const char *user_id,
                  void (*cb)(const struct session_rec *, void *), void *arg)
{
	return store_session_list(cx->db, user_id, cx->now, cb, arg);
}

int sessions_revoke(const struct core_ctx *cx, const char *user_id, const char *id)
{
	return store_session_delete(cx->db, user_id, id);
}
