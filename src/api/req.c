/* req.c - the request accessors, the answer a handler builds and the description of a
 * failure (see req.h and api.h), and the use-case context of a request. */
#include "api/req.h"
#include "api/api.h"
#include "store/store.h"
#include "util/clock.h"
#include "util/err.h"
#include "util/str.h"
#include "util/jx.h"

#include <stdlib.h>
#include <string.h>

struct store_conn *req_db(struct req *r)
{
	if (!r->db)
		r->db = store_acquire(r->app->store);
	return r->db;
}

const char *req_header(struct req *r, const char *name)
{
	return r->src->header(r->src_ctx, name);
}

const char *req_query(struct req *r, const char *name)
{
	return r->src->query(r->src_ctx, name);
}

const char *req_cookie(struct req *r, const char *name)
{
	return r->src->cookie(r->src_ctx, name);
}

const char *req_param(struct req *r, const char *name)
{
	return route_param(&r->params, name);
}

static void drop_body(struct req *r)
{
	if (!r->resp_borrowed)
		free(r->resp_body);
	r->resp_body = NULL;
	r->resp_len = 0;
	r->resp_borrowed = 0;
}

void reply_raw(struct req *r, int status, const char *content_type, const void *data, size_t len,
               int copy)
{
	drop_body(r);
	r->status = status;
	r->content_type = content_type;
	if (!copy) {
		r->resp_body = (char *)(uintptr_t)data;
		r->resp_len = len;
		r->resp_borrowed = 1;
		return;
	}
	r->resp_body = malloc(len ? len : 1);
	if (!r->resp_body) {
		r->status = 500;
		r->content_type = NULL;
		return;
	}
	memcpy(r->resp_body, data, len);
	r->resp_len = len;
}

void reply_json(struct req *r, int status, json_t *json)
{
	char *s = json ? json_dumps(json, JSON_COMPACT) : NULL;
	json_decref(json);
	drop_body(r);
	r->status = s ? status : 500;
	r->content_type = "application/json; charset=utf-8";
	if (!s) {
		reply_raw(r, 500, "application/json; charset=utf-8",
		          "{\"error\":\"internal error\"}", 26, 0);
		return;
	}
	r->resp_body = s;
	r->resp_len = strlen(s);
}

void reply_empty(struct req *r, int status)
{
	drop_body(r);
	r->status = status;
	r->content_type = NULL;
}

void reply_header(struct req *r, const char *name, const char *value)
{
	if (r->nhdr >= REQ_HEADERS_MAX)
		return;
	r->hdr[r->nhdr].name = strdup(name);
	r->hdr[r->nhdr].value = strdup(value);
	r->nhdr++;
}

void req_release(struct req *r)
{
	drop_body(r);
	for (int i = 0; i < r->nhdr; i++) {
		free(r->hdr[i].name);
		free(r->hdr[i].value);
	}
	r->nhdr = 0;
	json_decref(r->fail.errors);
	json_decref(r->fail.extra);
	r->fail.errors = r->fail.extra = NULL;
	json_decref(r->json);
	r->json = NULL;
}

/* ---- describing failures ---- */

int api_fail(struct req *r, int rc, const char *msg)
{
	r->fail.msg = msg;
	return rc;
}

int api_invalid(struct req *r, json_t *errors)
{
	json_decref(r->fail.errors);
	r->fail.errors = errors;
	return PP_EINVAL;
}

int api_invalid1(struct req *r, const char *field, const char *msg)
{
	json_t *e = json_object();
	jx_error_add(e, field, msg);
	return api_invalid(r, e);
}

int api_rc(struct req *r, int rc, const char *resource)
{
	r->fail.resource = resource;
	return rc;
}

int api_fail_extra(struct req *r, int rc, const char *msg, json_t *extra)
{
	json_decref(r->fail.extra);
	r->fail.extra = extra;
	r->fail.msg = msg;
	return rc;
}

int api_email_unconfirmed(struct req *r)
{
	r->fail.code = API_EMAIL_UNCONFIRMED;
	return api_fail(r, PP_EFORBIDDEN,
	                "confirm your email address first: follow the link mailed to it at "
	                "sign-up (POST /v1/users/confirmation sends it again)");
}

int api_login_failure(struct req *r, enum login_result res)
{
	switch (res) {
	case LOGIN_THROTTLED: return PP_EBUSY; /* retry_ms set by the use case */
	case LOGIN_LOCKED:
		return api_fail(r, PP_ELOCKED,
		                "too many failed logins: the account is locked for a while, "
		                "retry later or reset the password");
	/* the exact text the Scalingo clients look for (go-scalingo IsOTPRequired) */
	case LOGIN_NEED_OTP: return api_fail(r, PP_EAUTH, API_OTP_REQUIRED);
	default: return api_fail(r, PP_EAUTH, "invalid credentials");
	}
}

int64_t api_now(const struct req *r)
{
	return clock_now_ms(&r->app->clock);
}

struct core_ctx api_ctx(struct req *r)
{
	const char *ua = req_header(r, "User-Agent");
	/* stored with sessions and events: text columns hold valid UTF-8 only */
	str_utf8_sanitize(r->user_agent, sizeof r->user_agent, ua ? ua : "");
	struct core_ctx cx = {
	        .app = r->app,
	        .db = req_db(r),
	        .now = clock_now_ms(&r->app->clock),
	        .ip = r->ip,
	        .user_agent = r->user_agent,
	};
	return cx;
}
