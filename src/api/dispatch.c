/*
 * dispatch.c - the gates of DESIGN.md section 4, in their fixed order, and the
 * one place where a result code becomes an HTTP status:
 *
 *   api_route():    route -> method (404/405)                    [request head]
 *   api_dispatch(): body size / content type (413/415) -> authentication (401)
 *                   -> confirmed address (403 email_unconfirmed) -> CSRF (403) -> rate limit (429)
 * -> JSON body (400)
 *                   -> authorization: the route's :app and action (404/403)
 *                   -> handler -> the failure it returned, as a status
 *
 * The transport calls api_route() once the head is read and api_dispatch()
 * once the body is in.
 */
#include "api/dispatch.h"
#include "api/api.h"
#include "api/auth.h"
#include "core/apps.h"
#include "core/perm.h"
#include "util/clock.h"
#include "util/err.h"
#include "util/jx.h"
#include "util/log.h"
#include "util/ratelimit.h"
#include "util/str.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#define DISPATCH_THROTTLE_WINDOW_MS 60000
/* A handler whose transaction lost a race (PP_ERETRY: PostgreSQL serialization
 * failure or deadlock) is run again this many more times, then answered 503. */
#define DISPATCH_TX_RETRIES 3

/* ---- results to statuses ---- */

static void answer_error(struct req *r, int status, const char *msg)
{
	json_t *body = json_pack("{s:s}", "error", msg);
	if (r->fail.code)
		json_object_set_new(body, "code", json_string(r->fail.code));
	if (r->fail.extra)
		json_object_update(body, r->fail.extra);
	reply_json(r, status, body);
}

static void answer_retry(struct req *r, int status, int64_t retry_ms, const char *msg)
{
	char v[24];
	snprintf(v, sizeof v, "%lld", (long long)((retry_ms + 999) / 1000));
	reply_header(r, "Retry-After", v);
	answer_error(r, status, msg);
}

static void answer_failure(struct req *r, int rc)
{
	const char *msg = r->fail.msg;
	switch (rc) {
	case PP_EINVAL:
		if (r->fail.errors) {
			json_t *e = r->fail.errors;
			r->fail.errors = NULL;
			reply_json(r, 422, json_pack("{s:o}", "errors", e));
		} else {
			answer_error(r, 400, msg ? msg : "bad request");
		}
		break;
	case PP_ETOOBIG:
		answer_error(r, 413, msg ? msg : "request body too large (limit 1 MiB)");
		break;
	case PP_ENOTFOUND:
		reply_json(r, 404,
		           json_pack("{s:s, s:s}", "resource",
		                     r->fail.resource ? r->fail.resource : "", "error",
		                     "not found"));
		break;
	case PP_EAUTH: answer_error(r, 401, msg ? msg : "invalid credentials"); break;
	case PP_EEXPIRED: answer_error(r, 401, msg ? msg : "token expired"); break;
	case PP_EPAYMENT: answer_error(r, 402, msg ? msg : "payment required"); break;
	case PP_EFORBIDDEN:
		if (!r->fail.code)
			r->fail.code = "forbidden";
		answer_error(r, 403, msg ? msg : "forbidden");
		break;
	case PP_EMETHOD: answer_error(r, 405, "method not allowed"); break;
	case PP_ECONFLICT: answer_error(r, 409, msg ? msg : "conflict"); break;
	case PP_ELOCKED:
		answer_retry(r, 429, r->fail.retry_ms,
		             msg ? msg : "the account is locked, retry later");
		break;
	case PP_EUNAVAIL:
		answer_retry(r, 503, 1000,
		             msg ? msg : "the database is unavailable, retry in a moment");
		break;
	case PP_ERETRY:
		answer_retry(r, 503, 1000, msg ? msg : "too much contention, retry in a moment");
		break;
	case PP_EBUSY:
		if (r->fail.retry_ms > 0)
			answer_retry(r, 429, r->fail.retry_ms,
			             msg ? msg : "too many requests, retry later");
		else
			answer_retry(r, 503, 1000, msg ? msg : "busy, retry later");
		break;
	default:
		log_json("error", "internal error",
		         json_pack("{s:s, s:s, s:s}", "request_id", r->request_id, "what",
		                   r->fail.resource ? r->fail.resource
		                                    : (r->route ? r->route->pattern : "-"),
		                   "code", pp_strerror(rc)));
		answer_error(r, 500, "internal error");
		break;
	}
}

/* ---- the gates ---- */

enum api_route_result api_route(struct req *r)
{
	int rc = route_match(r->app->routes, r->app->nroutes, r->method, r->path, &r->route,
	                     &r->params);
	if (rc == PP_ENOTFOUND && (!strcmp(r->method, "GET") || !strcmp(r->method, "HEAD")) &&
	    strncmp(r->path, "/v1/", 4) != 0)
		return API_ROUTE_STATIC;
	if (rc) {
		answer_failure(r, rc);
		return API_ROUTE_ANSWERED;
	}
	return API_ROUTE_FOUND;
}

static int json_content_type(const char *ct)
{
	if (!ct)
		return 0;
	size_t n = strlen("application/json");
	return strncasecmp(ct, "application/json", n) == 0 && (ct[n] == 0 || ct[n] == ';');
}

static int csrf_needed(const struct req *r)
{
	unsigned f = r->route->flags;
	if (r->auth != AUTH_SESSION || (f & ROUTE_NO_CSRF))
		return 0;
	return (strcmp(r->method, "GET") && strcmp(r->method, "HEAD")) || (f & ROUTE_CSRF_GET);
}

/* The caller's app named by :app, and whether they may do the route's action to it. */
static int authorize(struct req *r)
{
	int act = r->route->action;
	if (act == PERM_NONE)
		return 0;
	struct core_ctx cx = api_ctx(r);
	int rc = apps_load(&cx, req_param(r, "app"), r->user.id, &r->target_rec);
	if (rc)
		return api_rc(r, rc, "app");
	r->target = &r->target_rec;
	if (!perm_may(r->target->role, (enum perm_action)act))
		return api_fail(r, PP_EFORBIDDEN, perm_denied_msg((enum perm_action)act));
	return 0;
}

static int gates_and_handler(struct req *r)
{
	const struct route *rt = r->route;
	struct app *app = r->app;
	int rc;

	if (r->body_too_big)
		return api_fail(r, PP_ETOOBIG, NULL);
	if (r->body.len > 0 && (rt->flags & (ROUTE_JSON | ROUTE_JSON_OPT)) &&
	    !json_content_type(req_header(r, "Content-Type"))) {
		reply_json(r, 415,
		           json_pack("{s:s}", "error", "Content-Type must be application/json"));
		return 0;
	}

	if (!(rt->flags & ROUTE_OWN_AUTH) && (rc = auth_request(r)) != 0)
		return rc;
	if ((rt->flags & ROUTE_AUTH) && r->auth == AUTH_NONE)
		return api_fail(r, PP_EAUTH, "authentication required");
	/* what lasts (tokens, apps, keys, invitations) needs a confirmed address */
	if ((rt->flags & ROUTE_CONFIRMED) && r->auth != AUTH_NONE && r->user.email_pending)
		return api_email_unconfirmed(r);
	if (csrf_needed(r) && !auth_csrf_ok(r)) {
		r->fail.code = "csrf";
		return api_fail(r, PP_EFORBIDDEN, "missing or invalid CSRF token");
	}

	if (rt->flags & ROUTE_THROTTLE) {
		char key[96];
		snprintf(key, sizeof key, "ip:%s", r->ip);
		if (rl_hit(app->rl, key, app->cfg->login_ip_per_min, DISPATCH_THROTTLE_WINDOW_MS,
		           clock_now_ms(&app->clock), &r->fail.retry_ms) != 0)
			return PP_EBUSY;
	}

	/* ids and names in the path are text: bytes that are not UTF-8 name nothing */
	for (int i = 0; i < r->params.n; i++)
		if (!str_utf8_valid(r->params.p[i].value))
			return api_fail(r, PP_EINVAL, "the path is not valid UTF-8");

	if ((rt->flags & (ROUTE_JSON | ROUTE_JSON_OPT)) && r->body.len > 0) {
		if (jx_parse_object((const uint8_t *)r->body.data, r->body.len, &r->json,
		                    r->fail.text) != 0)
			return api_fail(r, PP_EINVAL, r->fail.text);
	} else if ((rt->flags & ROUTE_JSON) && r->body.len == 0) {
		return api_fail(r, PP_EINVAL, "a JSON object body is required");
	}

	if ((rc = authorize(r)) != 0)
		return rc;
	/* a use case rolls back before it returns PP_ERETRY, and handlers answer
	 * only on success: running the handler again is safe */
	for (int attempt = 0;; attempt++) {
		rc = rt->handler(r);
		if (rc != PP_ERETRY || r->status || attempt == DISPATCH_TX_RETRIES)
			return rc;
		json_decref(r->fail.errors);
		json_decref(r->fail.extra);
		memset(&r->fail, 0, sizeof r->fail);
		usleep((useconds_t)(1000 * (attempt + 1)) + (randombytes_uniform(1000)));
	}
}

void api_dispatch(struct req *r)
{
	int rc = gates_and_handler(r);
	if (rc)
		answer_failure(r, rc);
	else if (!r->status)
		answer_failure(r, api_rc(r, PP_EIO, "handler produced no response"));
}
