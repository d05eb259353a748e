/*
 * req.h - one API request as the handlers see it: what was asked (method, path,
 * route parameters, headers, query, JSON body, the caller), and what to answer
 * (a status and a body, or a failure code with its description).
 *
 * The transport (src/http/) fills it and sends the answer; it reads headers,
 * the query string and cookies through the callbacks in `src`, so nothing
 * below http/ knows libmicrohttpd. Handlers never choose an error status:
 * they return a PP_E* code after describing the failure with api_fail_*()
 * (api.h), and the dispatch (dispatch.c) is the only code that turns it into
 * an HTTP status.
 */
#ifndef PP_REQ_H
#define PP_REQ_H

#include "api/route.h"
#include "app.h"
#include "model.h"
#include "util/buf.h"

#include <jansson.h>
#include <stdint.h>

#define REQ_BODY_MAX       (1024 * 1024) /* bytes; 413 beyond */
#define REQ_ID_MAX         64
#define REQ_HEADERS_MAX    8 /* response headers a handler may add */
#define REQ_IP_MAX         64
#define REQ_SESSION_COOKIE "pp_session"
#define REQ_FAIL_TEXT_MAX  256 /* at least JX_ERR_LEN */

enum auth_kind { AUTH_NONE = 0, AUTH_SESSION, AUTH_TOKEN, AUTH_JWT, AUTH_BASIC };

/* How the transport answers questions about the request it holds. */
struct req_source {
	const char *(*header)(void *ctx, const char *name);
	const char *(*query)(void *ctx, const char *name);
	const char *(*cookie)(void *ctx, const char *name);
};

/* A failure as a handler or a gate describes it; the dispatch picks the status. */
struct req_fail {
	const char *msg;      /* static text; NULL = the code's usual message */
	const char *resource; /* PP_ENOTFOUND: what was not found */
	const char *code;     /* machine-readable reason in the body ("forbidden", "csrf") */
	json_t *errors;       /* PP_EINVAL: {"field": ["message"]} -> 422 (owned) */
	json_t *extra;        /* more members for the error body (owned) */
	int64_t retry_ms;     /* PP_EBUSY / PP_ELOCKED: Retry-After */
	char text[REQ_FAIL_TEXT_MAX]; /* room for a message made for this request (msg may point
	                                 here) */
};

struct req {
	struct app *app;
	const struct req_source *src;
	void *src_ctx;
	const char *method;
	const char *path;
	const struct route *route;
	struct route_params params;
	struct buf body;
	int body_too_big;
	json_t *json; /* parsed body (object) or NULL */
	char request_id[REQ_ID_MAX + 1];
	char ip[REQ_IP_MAX];
	struct store_conn *db; /* use req_db() */

	/* the caller, set by the authentication gate */
	enum auth_kind auth;
	char token_id[ID_MAX];  /* valid for AUTH_TOKEN / AUTH_JWT */
	struct app_rec *target; /* the :app of a route that declares a role (loaded by the gate) */

	/* the answer */
	int status;
	const char *content_type;
	char *resp_body; /* malloc'd, or a borrowed pointer when resp_borrowed */
	size_t resp_len;
	int resp_borrowed;
	int nhdr;
	struct {
		char *name, *value;
	} hdr[REQ_HEADERS_MAX];
	struct req_fail fail;

	/* The large records come last: the transport zeroes only what precedes them
	 * (they are filled whole before any use). */
	struct user_rec user;       /* valid when auth != AUTH_NONE (user.id "" otherwise) */
	struct session_rec session; /* valid when auth == AUTH_SESSION */
	struct app_rec target_rec;
	char user_agent[TXT(UA_MAX)]; /* api_ctx(): the User-Agent as valid UTF-8 */
};

/* The request's database connection (borrowed from the pool on first use; the
 * transport gives it back). */
struct store_conn *req_db(struct req *r);
/* A request header, a query-string argument, a cookie, a route parameter; NULL when absent. */
const char *req_header(struct req *r, const char *name);
const char *req_query(struct req *r, const char *name);
const char *req_cookie(struct req *r, const char *name);
const char *req_param(struct req *r, const char *name);

/* Successful answers. The last one called wins. json is stolen. */
void reply_json(struct req *r, int status, json_t *json);
void reply_empty(struct req *r, int status);
/* data is copied when copy, else borrowed (it must outlive the request). */
void reply_raw(struct req *r, int status, const char *content_type, const void *data, size_t len,
               int copy);
/* Adds a response header (copied); ignored past REQ_HEADERS_MAX. */
void reply_header(struct req *r, const char *name, const char *value);
/* Frees what the answer holds (the transport calls it once sent). */
void req_release(struct req *r);

#endif
