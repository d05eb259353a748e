/*
 * api_users.c - the account routes: sign-up, the profile (read, update),
 * email confirmation and the cancel link of an email change, password reset, the unlock link,
 * account deletion and the referral link. Each handler parses the request, calls its use case of
 * core/accounts.c and maps the result to an answer.
 */
#include "api/api.h"
#include "api/render.h"
#include "core/accounts.h"
#include "core/tfa.h"
#include "mail/mailer.h"
#include "mail/templates.h"
#include "util/err.h"
#include "util/jx.h"

#include <stdio.h>
#include <string.h>

static int reply_user(struct req *r, int status, const struct user_rec *u)
{
	reply_json(r, status, json_pack("{s:o}", "user", render_user(u, r->app->cfg)));
	return 0;
}

/* The answer for a use case's failure: its field errors (422) when it gave some. */
static int failure(struct req *r, int rc, json_t *errors)
{
	if (rc == PP_EINVAL && json_object_size(errors))
		return api_invalid(r, json_incref(errors));
	return api_rc(r, rc, "user");
}

/* A one-time link token sent back by the client, or NULL when malformed. */
static const char *link_token(json_t *o)
{
	const char *t = NULL;
	if (jx_opt_str(o, "token", &t) || !t || !*t || strlen(t) > ACCOUNTS_LINK_TOKEN_MAX)
		return NULL;
	return t;
}

int api_users_create(struct req *r)
{
	json_t *in = jx_unwrap(r->json, "user");
	struct accounts_signup s;
	struct user_rec u;
	if (jx_opt_str(in, "email", &s.email) || jx_opt_str(in, "username", &s.username) ||
	    jx_opt_str(in, "password", &s.password) || jx_opt_str(in, "fullname", &s.fullname) ||
	    jx_opt_str(in, "referral_code", &s.referral_code))
		return api_fail(r, PP_EINVAL,
		                "email, username, password, fullname and referral_code must "
		                "be strings");
	struct core_ctx cx = api_ctx(r);
	json_t *errors = json_object();
	int rc = accounts_signup(&cx, &s, errors, &u);
	rc = rc ? failure(r, rc, errors) : reply_user(r, 201, &u);
	json_decref(errors);
	return rc;
}

int api_users_self(struct req *r)
{
	struct tfa_state st;
	struct core_ctx cx = api_ctx(r);
	int rc = tfa_state(&cx, r->user.id, &st);
	if (rc)
		return api_rc(r, rc, "user");
	reply_json(r, 200,
	           json_pack("{s:o}", "user", render_user_tfa(&r->user, r->app->cfg, st.enabled)));
	return 0;
}

int api_users_update(struct req *r)
{
	json_t *in = jx_unwrap(r->json, "user");
	struct accounts_profile p;
	struct user_rec u;
	if (jx_opt_str(in, "username", &p.username) || jx_opt_str(in, "email", &p.email) ||
	    jx_opt_str(in, "fullname", &p.fullname) || jx_opt_str(in, "company", &p.company) ||
	    jx_opt_str(in, "location", &p.location) || jx_opt_str(in, "password", &p.password) ||
	    jx_opt_str(in, "password_confirmation", &p.password_confirmation) ||
	    jx_opt_str(in, "current_password", &p.current_password) ||
	    jx_opt_bool(in, "email_newsletter", &p.newsletter))
		return api_fail(r, PP_EINVAL,
		                "profile fields must be strings (email_newsletter a boolean)");
	/* a 2FA code (an email change needs one when 2FA is on): string or number */
	char otp[TFA_ATTEMPT_MAX] = "";
	json_t *o = json_object_get(in, "otp");
	if (o && !json_is_null(o) && tfa_attempt_text(o, otp) != 0)
		return api_invalid1(r, "otp", "is invalid");
	p.otp = otp[0] ? otp : NULL;
	struct core_ctx cx = api_ctx(r);
	json_t *errors = json_object();
	int rc = accounts_update(&cx, &r->user, r->auth == AUTH_SESSION ? r->session.id : NULL, &p,
	                         errors, &u, &r->fail.retry_ms);
	if (rc == PP_ELOCKED || rc == PP_EBUSY)
		/* the current password is checked as a login: answered as one */
		rc = api_login_failure(r, rc == PP_ELOCKED ? LOGIN_LOCKED : LOGIN_THROTTLED);
	else if (rc == PP_EFORBIDDEN) /* a new email while the address is unconfirmed */
		rc = api_email_unconfirmed(r);
	else
		rc = rc ? failure(r, rc, errors) : reply_user(r, 200, &u);
	json_decref(errors);
	return rc;
}

int api_users_email_confirm(struct req *r)
{
	const char *token = link_token(r->json);
	struct user_rec u;
	if (!token)
		return api_fail(r, PP_EINVAL, "token must be a non-empty string");
	struct core_ctx cx = api_ctx(r);
	json_t *errors = json_object();
	int rc = accounts_email_confirm(&cx, token, errors, &u);
	rc = rc ? failure(r, rc, errors) : reply_user(r, 200, &u);
	json_decref(errors);
	return rc;
}

/* A mailed one-time link that does one thing and answers 204: {"token"} -> use case. */
static int link_action(struct req *r,
                       int (*use)(const struct core_ctx *cx, const char *token, json_t *errors))
{
	const char *token = link_token(r->json);
	if (!token)
		return api_fail(r, PP_EINVAL, "token must be a non-empty string");
	struct core_ctx cx = api_ctx(r);
	json_t *errors = json_object();
	int rc = use(&cx, token, errors);
	if (rc == 0)
		reply_empty(r, 204);
	else
		rc = failure(r, rc, errors);
	json_decref(errors);
	return rc;
}

int api_users_email_cancel(struct req *r)
{
	return link_action(r, accounts_email_cancel);
}

int api_users_reset_request(struct req *r)
{
	const char *email = NULL;
	if (jx_opt_str(r->json, "email", &email) || !email)
		return api_fail(r, PP_EINVAL, "email must be a string");
	struct core_ctx cx = api_ctx(r);
	/* the same answer whether the account exists or not (no enumeration), and
	 * whatever happened: a failure is not worth telling apart either */
	(void)accounts_reset_request(&cx, email);
	reply_json(r, 202,
	           json_pack("{s:s}", "message",
	                     "if an account has this email, a reset link was mailed to it"));
	return 0;
}

int api_users_confirmation_resend(struct req *r)
{
	const char *email = NULL;
	if (jx_opt_str(jx_unwrap(r->json, "user"), "email", &email) || !email)
		return api_fail(r, PP_EINVAL, "email must be a string");
	struct core_ctx cx = api_ctx(r);
	/* the same answer whether the account exists, is unconfirmed, or is past its
	 * mail limit (no enumeration), and whatever happened */
	(void)accounts_confirmation_resend(&cx, email);
	reply_json(r, 202,
	           json_pack("{s:s}", "message",
	                     "if an account with this email awaits confirmation, a "
	                     "confirmation link was mailed to it"));
	return 0;
}

int api_users_reset_perform(struct req *r)
{
	const char *token = link_token(r->json), *password = NULL;
	if (!token || jx_opt_str(r->json, "password", &password) || !password)
		return api_fail(r, PP_EINVAL, "token and password must be non-empty strings");
	/* the 2FA code of an account that has it: string or number */
	char otp[TFA_ATTEMPT_MAX] = "";
	json_t *o = json_object_get(r->json, "otp");
	if (o && !json_is_null(o) && tfa_attempt_text(o, otp) != 0)
		return api_fail(r, PP_EINVAL, "otp must be a string or a number");
	struct core_ctx cx = api_ctx(r);
	json_t *errors = json_object();
	enum login_result second = LOGIN_OK;
	int rc = accounts_reset_perform(&cx, token, password, otp, errors, &second,
	                                &r->fail.retry_ms);
	if (rc == 0 && second != LOGIN_OK)
		rc = api_login_failure(r, second);
	else if (rc == 0)
		reply_json(r, 200, json_pack("{s:s}", "message", "password changed, log in again"));
	else
		rc = failure(r, rc, errors);
	json_decref(errors);
	return rc;
}

int api_users_unlock(struct req *r)
{
	return link_action(r, accounts_unlock);
}

/* The answer for a deletion refused while the account owns apps. */
static int owner_refusal(struct req *r, json_t *apps)
{
	return api_fail_extra(r, PP_ECONFLICT, "the account still owns apps: delete them first",
	                      json_pack("{s:O}", "apps", apps));
}

int api_users_delete_request(struct req *r)
{
	char id[ID_MAX];
	struct core_ctx cx = api_ctx(r);
	json_t *apps = json_array();
	int rc = accounts_delete_request(&cx, &r->user, apps, id);
	if (rc == 0)
		reply_json(r, 202, json_pack("{s:{s:s}}", "deletion", "id", id));
	else if (rc == PP_ECONFLICT)
		rc = owner_refusal(r, apps);
	else
		rc = api_rc(r, rc, "user");
	json_decref(apps);
	return rc;
}

int api_users_delete_confirm(struct req *r)
{
	json_t *in = jx_unwrap(r->json, "deletion");
	const char *token = link_token(in), *reason = NULL, *details = NULL;
	if (jx_opt_str(in, "reason", &reason) || jx_opt_str(in, "details", &details) || !token)
		return api_fail(r, PP_EINVAL,
		                "deletion.token must be a non-empty string (reason and details "
		                "optional strings)");
	struct core_ctx cx = api_ctx(r);
	json_t *errors = json_object(), *apps = json_array();
	int rc = accounts_delete_confirm(&cx, req_param(r, "id"), token, reason, details, errors,
	                                 apps);
	if (rc == 0)
		/* no cookie is touched: whoever opened the link may be logged in as someone
		 * else; the deleted account's sessions are gone from the store */
		reply_empty(r, 204);
	else if (rc == PP_ECONFLICT && json_array_size(apps))
		rc = owner_refusal(r, apps);
	else
		rc = failure(r, rc, errors);
	json_decref(errors);
	json_decref(apps);
	return rc;
}

int api_referral_link(struct req *r)
{
	/* the public referral link: to the sign-up page, carrying the code (hex) */
	char loc[96];
	accounts_referral_location(req_param(r, "code"), loc, sizeof loc);
	reply_empty(r, 302);
	reply_header(r, "Location", loc);
	return 0;
}
