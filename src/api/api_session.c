/*
 * api_session.c - dashboard login/logout with a session cookie, and the list
 * of the user's browser sessions with revocation (use cases in core/sessions.h).
 */
#include "api/api.h"
#include "api/render.h"
#include "core/sessions.h"
#include "core/tfa.h"
#include "util/err.h"
#include "util/jx.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

static void set_cookie(struct req *r, const char *value, int max_age_s)
{
	char c[256];
	snprintf(c, sizeof c, "%s=%s; Path=/; Max-Age=%d; HttpOnly; SameSite=Lax%s",
	         REQ_SESSION_COOKIE, value, max_age_s,
	         r->app->cfg->secure_cookies ? "; Secure" : "");
	reply_header(r, "Set-Cookie", c);
}

/* Whether r->user has 2FA on, for the user object (off when it cannot be read). */
static int tfa_on(struct req *r)
{
	struct tfa_state st;
	struct core_ctx cx = api_ctx(r);
	return tfa_state(&cx, r->user.id, &st) == 0 && st.enabled;
}

int api_session_create(struct req *r)
{
	const char *login = NULL, *password = NULL;
	struct user_rec u;
	struct session_rec s;
	char secret[SESSIONS_SECRET_MAX];
	enum login_result res;
	int rc;
	if (jx_opt_str(r->json, "login", &login) || jx_opt_str(r->json, "password", &password) ||
	    !login || !password)
		return api_fail(r, PP_EINVAL, "login and password must be strings");
	/* the second factor: a string, or a number as the npm client sends it */
	char otp[TFA_ATTEMPT_MAX] = "";
	json_t *o = json_object_get(r->json, "otp");
	if (o && !json_is_null(o) && tfa_attempt_text(o, otp) != 0)
		return api_fail(r, PP_EINVAL, "otp must be a string or a number");
	struct core_ctx cx = api_ctx(r);
	rc = sessions_login(&cx, login, password, otp, r->auth == AUTH_SESSION ? &r->session : NULL,
	                    &u, &s, secret, &res, &r->fail.retry_ms);
	sodium_memzero(otp, sizeof otp);
	if (rc)
		return api_rc(r, rc, "session");
	if (res != LOGIN_OK)
		return api_login_failure(r, res);
	r->user = u; /* the access log names who logged in */
	set_cookie(r, secret, (int)(SESSIONS_MAX_MS / 1000));
	sodium_memzero(secret, sizeof secret);
	reply_json(r, 200,
	           json_pack("{s:o, s:s, s:o}", "user", render_user_tfa(&u, r->app->cfg, tfa_on(r)),
	                     "csrf_token", s.csrf_token, "session", render_session(&s, s.id)));
	return 0;
}

int api_session_show(struct req *r)
{
	if (r->auth != AUTH_SESSION)
		return api_fail(r, PP_EAUTH,
		                "no browser session (this endpoint is for the dashboard)");
	reply_json(r, 200,
	           json_pack("{s:o, s:s, s:o}", "user",
	                     render_user_tfa(&r->user, r->app->cfg, tfa_on(r)), "csrf_token",
	                     r->session.csrf_token, "session",
	                     render_session(&r->session, r->session.id)));
	return 0;
}

int api_session_delete(struct req *r)
{
	if (r->auth != AUTH_SESSION)
		return api_fail(r, PP_EAUTH, "no browser session to log out of");
	struct core_ctx cx = api_ctx(r);
	int rc = sessions_logout(&cx, r->user.id, r->session.id);
	if (rc)
		return api_rc(r, rc, "session");
	set_cookie(r, "", 0);
	reply_empty(r, 204);
	return 0;
}

int api_sessions_list(struct req *r)
{
	struct core_ctx cx = api_ctx(r);
	struct render_list l;
	render_list_init(&l, r->app->cfg);
	l.current_session = r->auth == AUTH_SESSION ? r->session.id : NULL;
	int rc = sessions_list(&cx, r->user.id, render_list_session, &l);
	return render_list_reply(r, rc, &l, "sessions", NULL, "session");
}

int api_sessions_delete(struct req *r)
{
	const char *id = req_param(r, "id");
	struct core_ctx cx = api_ctx(r);
	int rc = sessions_revoke(&cx, r->user.id, id);
	if (rc)
		return api_rc(r, rc, "session");
	if (r->auth == AUTH_SESSION && strcmp(r->session.id, id) == 0)
		set_cookie(r, "", 0);
	reply_empty(r, 204);
	return 0;
}
