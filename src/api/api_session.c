/*
 * api_session.c - dashboard login/logout with a session cookie, and the list
 * of the user's browser sessions with revocation.
 */
#include "api/api.h"
#include "api/auth.h"
#include "api/render.h"
#include "core/valid.h"
#include "crypto/pw.h"
#include "crypto/rand.h"
#include "util/err.h"
#include "util/jx.h"
#include "util/timeutil.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#define SESSION_SECRET_BYTES 32
#define CSRF_BYTES           32

static void set_cookie(struct req *r, const char *value, int max_age_s)
{
	char c[256];
	snprintf(c, sizeof c, "%s=%s; Path=/; Max-Age=%d; HttpOnly; SameSite=Lax%s",
	         REQ_SESSION_COOKIE, value, max_age_s,
	         r->app->cfg->secure_cookies ? "; Secure" : "");
	reply_header(r, "Set-Cookie", c);
}

int api_session_create(struct req *r)
{
	const char *login = NULL, *password = NULL;
	struct user_rec u;
	struct session_rec s;
	char secret[RAND_SECRET_MAX], hash[RAND_SHA256_HEX_LEN];
	int rc;
	if (jx_opt_str(r->json, "login", &login) || jx_opt_str(r->json, "password", &password) ||
	    !login || !password) {
		reply_error(r, 400, "login and password must be strings");
		return 0;
	}
	if (strlen(login) > EMAIL_MAX * 4 || strlen(password) > PW_MAX_CHARS * 4) {
		reply_error(r, 401, "invalid credentials");
		return 0;
	}
	struct core_ctx cx = api_ctx(r);
	enum login_result res;
	if ((rc = login_password(&cx, login, password, &u, &res, &r->fail.retry_ms)) != 0)
		return api_rc(r, rc, "user");
	if (res != LOGIN_OK)
		return api_login_failure(r, res);
	struct session_rec old = r->session;
	enum auth_kind old_auth = r->auth;
	r->user = u; /* the access log names who logged in */
	/* a new session id at every login; the one the browser had is dropped */
	if (old_auth == AUTH_SESSION)
		store_session_delete(req_db(r), old.user_id, old.id);
	int64_t now = api_now(r);
	memset(&s, 0, sizeof s);
	rand_id("se", s.id);
	snprintf(s.user_id, sizeof s.user_id, "%s", u.id);
	rand_secret_b64(CSRF_BYTES, s.csrf_token);
	s.created_at = s.last_seen_at = now;
	s.expires_at = now + AUTH_SESSION_IDLE_MS;
	snprintf(s.remote_ip, sizeof s.remote_ip, "%s", r->ip);
	const char *ua = req_header(r, "User-Agent");
	valid_utf8_copy(s.user_agent, sizeof s.user_agent, ua ? ua : "", UA_MAX);
	rand_secret_b64(SESSION_SECRET_BYTES, secret);
	rand_sha256_hex(secret, strlen(secret), hash);
	if ((rc = store_session_insert(req_db(r), &s, hash)) != 0) {
		reply_rc(r, rc, "session");
		return 0;
	}
	set_cookie(r, secret, (int)(AUTH_SESSION_MAX_MS / 1000));
	sodium_memzero(secret, sizeof secret);
	reply_json(r, 200,
	           json_pack("{s:o, s:s, s:o}", "user", render_user(&u, r->app->cfg), "csrf_token",
	                     s.csrf_token, "session", render_session(&s, s.id)));
	return 0;
}

int api_session_show(struct req *r)
{
	if (r->auth != AUTH_SESSION) {
		reply_error(r, 401, "no browser session (this endpoint is for the dashboard)");
		return 0;
	}
	reply_json(r, 200,
	           json_pack("{s:o, s:s, s:o}", "user", render_user(&r->user, r->app->cfg),
	                     "csrf_token", r->session.csrf_token, "session",
	                     render_session(&r->session, r->session.id)));
	return 0;
}

int api_session_delete(struct req *r)
{
	if (r->auth != AUTH_SESSION) {
		reply_error(r, 401, "no browser session to log out of");
		return 0;
	}
	int rc = store_session_delete(req_db(r), r->user.id, r->session.id);
	if (rc && rc != PP_ENOTFOUND) {
		reply_rc(r, rc, "session");
		return 0;
	}
	set_cookie(r, "", 0);
	reply_empty(r, 204);
	return 0;
}

struct list_ctx {
	json_t *arr;
	const char *current;
};

static void add_session(const struct session_rec *s, void *arg)
{
	struct list_ctx *ctx = arg;
	json_array_append_new(ctx->arr, render_session(s, ctx->current));
}

int api_sessions_list(struct req *r)
{
	struct list_ctx ctx = {json_array(), r->auth == AUTH_SESSION ? r->session.id : NULL};
	int rc = store_session_list(req_db(r), r->user.id, api_now(r), add_session, &ctx);
	if (rc) {
		json_decref(ctx.arr);
		reply_rc(r, rc, "session");
		return 0;
	}
	reply_json(r, 200, json_pack("{s:o}", "sessions", ctx.arr));
	return 0;
}

int api_sessions_delete(struct req *r)
{
	int rc = store_session_delete(req_db(r), r->user.id, req_param(r, "id"));
	if (rc) {
		reply_rc(r, rc, "session");
		return 0;
	}
	if (r->auth == AUTH_SESSION && strcmp(r->session.id, req_param(r, "id")) == 0)
		set_cookie(r, "", 0);
	reply_empty(r, 204);
	return 0;
}
